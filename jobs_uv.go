package hfhub

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// UVJobOptions configures [Client.RunUVJob] and [UVJobSpec].
type UVJobOptions struct {
	// JobSpec sets env, secrets, flavor, timeout, labels, volumes and
	// namespace; Image defaults to ghcr.io/astral-sh/uv:python3.12-bookworm
	// and Command is built from the script.
	JobSpec
	// With adds dependencies (uv run --with).
	With []string
	// Python picks the interpreter version (uv run --python).
	Python string
}

// DefaultUVImage runs uv jobs.
const DefaultUVImage = "ghcr.io/astral-sh/uv:python3.12-bookworm"

// maxInlineScript bounds a local script sent inside the job's environment.
const maxInlineScript = 256 << 10

// UVJobSpec builds the spec of a `uv run` job. script is a URL, a command
// uv knows, or a local file: a local script travels base64-encoded in the
// UV_SCRIPT_ENCODED variable and is decoded in the container (as Python
// huggingface_hub 1.3 does; 1.28 uploads it to a bucket instead).
func UVJobSpec(script string, args []string, opts *UVJobOptions) (*JobSpec, error) {
	if opts == nil {
		opts = &UVJobOptions{}
	}
	if strings.TrimSpace(script) == "" {
		return nil, fmt.Errorf("%w: no script: give a local .py file, a URL or a command", ErrValidation)
	}
	spec := opts.JobSpec
	if spec.Image == "" {
		spec.Image = DefaultUVImage
	}
	var uvArgs []string
	for _, d := range opts.With {
		uvArgs = append(uvArgs, "--with", d)
	}
	if opts.Python != "" {
		uvArgs = append(uvArgs, "--python", opts.Python)
	}
	isURL := strings.HasPrefix(script, "http://") || strings.HasPrefix(script, "https://")
	st, statErr := os.Stat(script)
	if isURL || statErr != nil {
		switch filepath.Ext(script) {
		case ".py", ".sh", ".toml", ".yaml", ".yml":
			if !isURL {
				return nil, fmt.Errorf("%w: script %s: %v", ErrValidation, script, statErr)
			}
		}
		spec.Command = append(append(append([]string{"uv", "run"}, uvArgs...), script), args...)
		return &spec, nil
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: script %s is not a regular file", ErrValidation, script)
	}
	if st.Size() > maxInlineScript {
		return nil, fmt.Errorf("%w: script %s is %d bytes, more than the %d KiB a job's environment carries: put it in a repo or at a URL", ErrValidation, script, st.Size(), maxInlineScript>>10)
	}
	data, err := os.ReadFile(script)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for k, v := range spec.Env {
		env[k] = v
	}
	env["UV_SCRIPT_ENCODED"] = base64.StdEncoding.EncodeToString(data)
	spec.Env = env
	line := `echo "$UV_SCRIPT_ENCODED" | base64 -d > /tmp/script.py && uv run`
	for _, a := range append(uvArgs, "/tmp/script.py") {
		line += " " + shellQuote(a)
	}
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	spec.Command = []string{"bash", "-c", line}
	if spec.Name == "" && spec.Labels["name"] == "" {
		spec.Name = strings.TrimSuffix(filepath.Base(script), filepath.Ext(script))
	}
	return &spec, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RunUVJob runs a Python script with `uv run` as a job (see [UVJobSpec]).
func (c *Client) RunUVJob(ctx context.Context, script string, args []string, opts *UVJobOptions) (*JobInfo, error) {
	spec, err := UVJobSpec(script, args, opts)
	if err != nil {
		return nil, err
	}
	return c.RunJob(ctx, spec)
}

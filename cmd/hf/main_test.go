package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hfBin is the hf binary built once for every test of this package: the
// tests run it as a user would, against hubtest servers on loopback.
var hfBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hf-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hfBin = filepath.Join(dir, "hf")
	build := exec.Command("go", "build", "-o", hfBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build hf:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of hf produced.
type result struct {
	stdout, stderr string
	code           int
}

// hfEnv is an isolated environment: HF_HOME in a temp dir, no token, no
// progress variables inherited, and the endpoint given (may be empty).
func hfEnv(t *testing.T, endpoint string, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"HF_HOME=" + filepath.Join(home, "hf"),
		"NO_COLOR=1",
	}
	if endpoint != "" {
		env = append(env, "HF_ENDPOINT="+endpoint)
	}
	return append(env, extra...)
}

// envValue returns the value of name in env ("" if absent).
func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// run executes hf with args in env, stdin from the given string, and returns
// its outputs and exit code. It fails the test only if hf could not start.
func run(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), hfBin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run hf %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// mustRun runs hf and fails the test unless it exits 0.
func mustRun(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := run(t, env, "", args...)
	if r.code != 0 {
		t.Fatalf("hf %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// wantCode fails unless r exited with code and printed one "Error: … Hint"
// style line on stderr.
func wantCode(t *testing.T, r result, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("hf %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	if code != 0 && !strings.HasPrefix(r.stderr, "Error: ") {
		t.Errorf("hf %s: stderr = %q, want a line starting with \"Error: \"", strings.Join(args, " "), r.stderr)
	}
}

// decodeJSON parses stdout as one JSON document into v.
func decodeJSON(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
}

func TestVersion(t *testing.T) {
	env := hfEnv(t, "")
	r := mustRun(t, env, "version")
	if !strings.HasPrefix(r.stdout, "hf ") {
		t.Errorf("hf version = %q, want it to start with \"hf \"", r.stdout)
	}
	r = mustRun(t, env, "version", "--format", "json")
	var v struct{ Version, Go string }
	decodeJSON(t, r, &v)
	if v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("hf version --format json = %+v, want version and go set", v)
	}
}

func TestUsageErrors(t *testing.T) {
	env := hfEnv(t, "")
	for _, args := range [][]string{
		{"no-such-command"},
		{"version", "extra-arg"},
		{"version", "--no-such-flag"},
		{"version", "--format", "xml"},
	} {
		r := run(t, env, "", args...)
		wantCode(t, r, 2, args...)
		if !strings.Contains(r.stderr, "Hint: see `hf") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("hf %v: stderr = %q, want one line with a --help hint", args, r.stderr)
		}
	}
}

func TestCompletion(t *testing.T) {
	env := hfEnv(t, "")
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := mustRun(t, env, "completion", shell)
		if !strings.Contains(r.stdout, "hf") || len(r.stdout) < 200 {
			t.Errorf("hf completion %s printed %d bytes, want a script", shell, len(r.stdout))
		}
	}
}

func TestEnv(t *testing.T) {
	env := hfEnv(t, "http://127.0.0.1:9", "HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz")
	r := mustRun(t, env, "env", "--format", "json")
	var rep struct {
		Endpoint string
		Settings []struct{ Name, Value, Source string }
	}
	decodeJSON(t, r, &rep)
	if rep.Endpoint != "http://127.0.0.1:9" {
		t.Errorf("endpoint = %q, want the HF_ENDPOINT value", rep.Endpoint)
	}
	found := false
	for _, s := range rep.Settings {
		if s.Name == "HF_ENDPOINT" {
			found = true
			if !strings.Contains(s.Source, "HF_ENDPOINT") {
				t.Errorf("HF_ENDPOINT source = %q, want it to name the variable", s.Source)
			}
		}
		if strings.Contains(s.Value, "hf_abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s shows the whole token: %q", s.Name, s.Value)
		}
	}
	if !found {
		t.Errorf("settings lack HF_ENDPOINT: %+v", rep.Settings)
	}
	r = mustRun(t, env, "env", "--endpoint", "http://127.0.0.1:7")
	if !strings.Contains(r.stdout, "HF_ENDPOINT\thttp://127.0.0.1:7") {
		t.Errorf("hf env --endpoint: stdout lacks the flag's endpoint:\n%s", r.stdout)
	}
	// Error path: a malformed endpoint is a usage error.
	r = run(t, env, "", "env", "--endpoint", "ftp://x")
	wantCode(t, r, 2, "env", "--endpoint", "ftp://x")
}

package cache

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// runEnv executes `hf cache ARGS` with the given environment.
func runEnv(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io)
	f.Getenv = func(k string) string { return env[k] }
	cmd := NewCmd(f)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// `hf cache verify` reports a flipped byte, `--repair` downloads the file
// again, and a second verify is clean.
func TestVerifyRepairCLI(t *testing.T) {
	weights := bytes.Repeat([]byte("weights!"), 4096)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/rot", Files: map[string][]byte{"model.bin": weights}}))
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	env := map[string]string{"HF_ENDPOINT": hub.URL, "HF_HOME": home, "HF_HUB_CACHE": cacheDir}
	c, err := hfhub.New(hfhub.WithEnv(func(k string) string { return env[k] }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	p, err := c.Download(t.Context(), "acme/rot", "model.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := filepath.EvalSymlinks(p)
	if err := os.Chmod(blob, 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(blob)
	b[100] ^= 1
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}

	out, _, err := runEnv(t, env, "verify", "acme/rot")
	if !errors.Is(err, cmdutil.ErrSilent) || !strings.Contains(out, "checksum-mismatch") {
		t.Fatalf("verify of a flipped byte: %v\n%s", err, out)
	}
	out, stderr, err := runEnv(t, env, "verify", "acme/rot", "--repair")
	if err != nil || !strings.Contains(out, "repaired") || !strings.Contains(stderr, "Problems repaired: 1 of 1.") {
		t.Fatalf("verify --repair: %v\n%s\n%s", err, out, stderr)
	}
	if _, stderr, err := runEnv(t, env, "verify", "acme/rot"); err != nil || !strings.Contains(stderr, ": no problems.") {
		t.Errorf("verify after repair: %v\n%s", err, stderr)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, weights) {
		t.Errorf("file not restored")
	}

	// Offline, the repair fails and says so; the exit status is 1.
	if err := os.WriteFile(blob, b, 0o644); err != nil {
		t.Fatal(err)
	}
	env["HF_HUB_OFFLINE"] = "1"
	out, _, err = runEnv(t, env, "verify", "acme/rot", "--repair")
	if !errors.Is(err, cmdutil.ErrSilent) || !strings.Contains(out, "failed:") {
		t.Errorf("offline repair: %v\n%s", err, out)
	}
}

// HF_HUB_CACHE_PERMISSIONS is read through the client configuration: a bad
// value is a usage error naming the variable.
func TestCachePermissionsSetting(t *testing.T) {
	dir := buildCache(t)
	_, _, err := runEnv(t, map[string]string{"HF_HUB_CACHE": dir, "HF_HUB_CACHE_PERMISSIONS": "world"}, "ls")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage || !strings.Contains(err.Error(), "HF_HUB_CACHE_PERMISSIONS") {
		t.Errorf("bad HF_HUB_CACHE_PERMISSIONS: %v", err)
	}
	if _, _, err := runEnv(t, map[string]string{"HF_HUB_CACHE": dir, "HF_HUB_CACHE_PERMISSIONS": "group"}, "prune", "-y"); err != nil {
		t.Errorf("group-writable prune: %v", err)
	}
}

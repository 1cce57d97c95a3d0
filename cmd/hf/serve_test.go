package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// startServe starts `hf serve` with args and returns its URL (the first
// line of stdout), the command, and its stderr buffer.
func startServe(t *testing.T, env []string, args ...string) (string, *exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(hfBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // after a clean stop this is a no-op error
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Wait()
		t.Fatalf("hf serve printed no URL: %v\nstderr:\n%s", err, errOut.String())
	}
	return strings.TrimSpace(line), cmd, &errOut
}

// stop sends SIGINT and wants exit code 0.
func stop(t *testing.T, cmd *exec.Cmd, errOut *bytes.Buffer) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		t.Fatalf("hf serve exited %d after SIGINT, want 0\nstderr:\n%s", ee.ExitCode(), errOut.String())
	} else if err != nil {
		t.Fatal(err)
	}
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "tiny")
	if err := os.MkdirAll(filepath.Join(folder, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"config.json": `{"a":1}`, "sub/notes.txt": "hello"} {
		if err := os.WriteFile(filepath.Join(folder, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("hf_servetokenservetoken acme write\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	storeDir := filepath.Join(dir, "store")
	args := []string{"--dir", storeDir, "--tokens", tokens, "--import", "acme/tiny=" + folder, "--import", "datasets/acme/data=" + folder}

	url, cmd, errOut := startServe(t, hfEnv(t, ""), args...)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("hf serve URL = %q", url)
	}
	env := hfEnv(t, url)
	r := mustRun(t, env, "models", "ls", "acme/tiny", "-R", "-q")
	if !strings.Contains(r.stdout, "sub/notes.txt") || !strings.Contains(r.stdout, "config.json") {
		t.Errorf("files served = %q, want the imported folder", r.stdout)
	}
	mustRun(t, env, "datasets", "info", "acme/data")
	r = mustRun(t, env, "auth", "whoami", "--token", "hf_servetokenservetoken", "-q")
	if strings.TrimSpace(r.stdout) != "acme" {
		t.Errorf("whoami against hf serve = %q, want acme", r.stdout)
	}
	stop(t, cmd, errOut)
	if !strings.Contains(errOut.String(), "Imported") || !strings.Contains(errOut.String(), "/api/") {
		t.Errorf("hf serve stderr lacks the import note or the request log:\n%s", errOut.String())
	}

	// Restarting with the same flags changes nothing.
	_, cmd, errOut = startServe(t, hfEnv(t, ""), args...)
	stop(t, cmd, errOut)
	if !strings.Contains(errOut.String(), "already holds") {
		t.Errorf("restart: stderr = %q, want \"already holds\"", errOut.String())
	}

	// Error paths: usage errors exit 2.
	r = run(t, hfEnv(t, ""), "", "serve")
	wantCode(t, r, 2, "serve")
	r = run(t, hfEnv(t, ""), "", "serve", "--dir", storeDir, "--import", "acme/tiny")
	wantCode(t, r, 2, "serve", "--import", "acme/tiny")
}

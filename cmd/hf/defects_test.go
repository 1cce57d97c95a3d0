package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

// A broken local path is the user's to fix, not the network's: exit 1 with
// a hint about the path, and "kind":"other" in JSON.
func TestLocalPathErrorsAreNotNetwork(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{"config.json": []byte(`{}`)}}))
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := hfEnv(t, hub.URL)
	for _, args := range [][]string{
		{"download", "acme/tiny", "config.json", "--cache-dir", filepath.Join(file, "cache")},
		{"download", "acme/tiny", "--local-dir", filepath.Join(file, "out")},
		{"serve", "--dir", file, "--addr", "127.0.0.1:0"},
	} {
		r := run(t, env, "", args...)
		wantCode(t, r, 1, args...)
		oneLine(t, r, []string{"not a folder"}, []string{"network"}, args...)

		jargs := append(append([]string{}, args...), "--format", "json")
		r = run(t, env, "", jargs...)
		if r.code != 1 || !strings.Contains(r.stderr, `"kind":"other"`) {
			t.Errorf("hf %s: exit %d, stderr %q; want 1 and kind other", strings.Join(jargs, " "), r.code, r.stderr)
		}
	}
}

// A malformed --addr is a usage error (2), named before anything listens;
// a port another process holds is not the network's fault either (1).
func TestServeAddrErrors(t *testing.T) {
	env := hfEnv(t, "")
	dir := t.TempDir()
	for _, addr := range []string{"nope:xx", "127.0.0.1:99999", "noport"} {
		args := []string{"serve", "--dir", dir, "--addr", addr}
		r := run(t, env, "", args...)
		wantCode(t, r, 2, args...)
		oneLine(t, r, []string{"--addr", "HOST:PORT"}, nil, args...)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	args := []string{"serve", "--dir", dir, "--addr", ln.Addr().String()}
	r := run(t, env, "", args...)
	wantCode(t, r, 1, args...)
	oneLine(t, r, []string{"address already in use", "choose another --addr"}, nil, args...)
}

// `hf serve --demo` keeps the demo Hub running: the demo repos answer, the
// demo token may write, the next commands are shown, and the temporary
// store is gone after Ctrl-C.
func TestServeDemo(t *testing.T) {
	tmp := t.TempDir()
	env := append(hfEnv(t, ""), "TMPDIR="+tmp)
	url, cmd, errOut := startServe(t, env, "--demo")
	client := hfEnv(t, url, "HF_TOKEN=hf_demo")
	r := mustRun(t, client, "models", "ls", "--format", "json")
	if !strings.Contains(r.stdout, `"hfhub/demo-model"`) {
		t.Errorf("models ls on the demo Hub: %s", r.stdout)
	}
	mustRun(t, client, "datasets", "configs", "hfhub/demo-dataset")
	folder := filepath.Join(t.TempDir(), "mine")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "a.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, client, "upload", "demo/mine", folder)
	stop(t, cmd, errOut)
	for _, want := range []string{"export HF_ENDPOINT=" + url + " HF_TOKEN=hf_demo", "hf download hfhub/demo-model"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("hf serve --demo stderr does not show %q:\n%s", want, errOut.String())
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "hf-serve-demo-*")); len(left) > 0 {
		t.Errorf("temporary demo store left behind: %v", left)
	}
}

// JSON progress events tell the truth about cached files and snapshots,
// --quiet silences them in every format, and a named file the repo lacks
// is warned about.
func TestDownloadEventsQuietAndMissing(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{"config.json": []byte(`{"a":1}`), "b.txt": []byte("bb")}}))
	env := hfEnv(t, hub.URL)
	mustRun(t, env, "download", "acme/tiny", "config.json")

	r := mustRun(t, env, "download", "acme/tiny", "config.json", "--format", "json")
	if !strings.Contains(r.stderr, `"event":"file_done","repo":"acme/tiny","file":"config.json","bytes":7,"total":7,"cached":true`) {
		t.Errorf("cached file_done event: %s", r.stderr)
	}
	r = mustRun(t, env, "download", "acme/tiny", "--format", "json")
	if !strings.Contains(r.stderr, `"event":"snapshot_done","repo":"acme/tiny","bytes":`) || strings.Contains(r.stderr, `"event":"snapshot_done","repo":"acme/tiny","bytes":0`) {
		t.Errorf("snapshot_done event: %s", r.stderr)
	}
	for _, args := range [][]string{
		{"download", "acme/tiny", "config.json", "--format", "json", "-q"},
		{"download", "acme/tiny", "--format", "json", "--quiet"},
	} {
		if r := mustRun(t, env, args...); strings.Contains(r.stderr, `"event"`) {
			t.Errorf("hf %s printed progress events: %s", strings.Join(args, " "), r.stderr)
		}
	}
	r = mustRun(t, env, "download", "acme/tiny", "b.txt", "missing.txt")
	if !strings.Contains(r.stderr, "Warning: missing.txt is not in acme/tiny at main") || strings.Contains(r.stderr, "b.txt is not") {
		t.Errorf("download of a missing name: stderr %q", r.stderr)
	}
}

// A typo in a repo id gets a plain not-found and the close name, not the
// request's URL and id.
func TestRepoTypoDidYouMean(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-bert", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/squad-mini", Files: map[string][]byte{"a.csv": []byte("a\n1\n")}}),
	)
	env := hfEnv(t, hub.URL)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"models", "info", "acme/tiny-bret"}, "Error: model acme/tiny-bret not found. Hint: did you mean acme/tiny-bert?"},
		{[]string{"download", "acme/tiny-brt", "config.json"}, "Error: model acme/tiny-brt not found. Hint: did you mean acme/tiny-bert?"},
		{[]string{"datasets", "info", "acme/squad-mni"}, "Error: dataset acme/squad-mni not found. Hint: did you mean acme/squad-mini?"},
		{[]string{"models", "info", "acme/unrelated-name"}, "Error: model acme/unrelated-name not found. Hint: check the repo id"},
	} {
		r := run(t, env, "", tc.args...)
		wantCode(t, r, 3, tc.args...)
		oneLine(t, r, []string{tc.want}, []string{"request id", "http://", "Invalid username"}, tc.args...)
	}
}

// Ctrl-C during a download exits 130, keeps the partial file, and the next
// run resumes it instead of starting over.
func TestDownloadInterruptedResumes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 12<<20/16) // over the 8 MiB journal minimum
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/big", Files: map[string][]byte{"model.safetensors": data}}))
	sum := sha256.Sum256(data)
	hub.Fail(hubtest.Fault{Match: hex.EncodeToString(sum[:]), DropAfter: 6 << 20, Stall: time.Minute})
	env := hfEnv(t, hub.URL)
	cmd := exec.CommandContext(t.Context(), hfBin, "download", "acme/big", "model.safetensors")
	cmd.Env = env
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	blobs := filepath.Join(envValue(env, "HF_HOME"), "hub", "models--acme--big", "blobs")
	deadline := time.Now().Add(20 * time.Second)
	for hub.BodyBytes() < 6<<20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the bytes reach the file
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ee, ok := errors.AsType[*exec.ExitError](err)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("hf download after Ctrl-C: %v, want exit 130\nstderr:\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "resume") {
		t.Errorf("stderr does not say the download resumes: %s", errOut.String())
	}
	if left, _ := filepath.Glob(filepath.Join(blobs, "*.incomplete")); len(left) == 0 {
		t.Fatal("no partial file kept after Ctrl-C")
	}
	hub.ClearFaults()
	before := hub.BodyBytes()
	r := mustRun(t, env, "download", "acme/big", "model.safetensors")
	got, err := os.ReadFile(strings.TrimSpace(r.stdout))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("resumed file: %v (%d bytes)", err, len(got))
	}
	if moved := hub.BodyBytes() - before; moved >= int64(len(data)) {
		t.Errorf("the rerun fetched %d of %d bytes: it started over", moved, len(data))
	} else {
		t.Logf("the rerun fetched %d of %d bytes", moved, len(data))
	}
}

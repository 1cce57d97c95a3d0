package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	env := hfEnv(t, "")
	r := mustRun(t, env, "demo")
	for _, want := range []string{"Model info: hfhub/demo-model", "Snapshot at", "hfhub/demo-model\tmodel"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("hf demo stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("hf demo with stderr in a pipe printed progress or messages:\n%s", r.stderr)
	}

	r = mustRun(t, env, "demo", "--format", "json")
	var sum struct {
		Model struct {
			ID         string
			Parameters int64
		}
		SnapshotPath string `json:"snapshot_path"`
		CacheRepos   []struct {
			ID    string `json:"repo_id"`
			Files int    `json:"nb_files"`
		} `json:"cache_repos"`
	}
	decodeJSON(t, r, &sum)
	if sum.Model.ID != "hfhub/demo-model" || sum.Model.Parameters == 0 || sum.SnapshotPath == "" ||
		len(sum.CacheRepos) != 1 || sum.CacheRepos[0].Files < 5 {
		t.Errorf("hf demo --format json = %+v", sum)
	}
	// Progress: JSON lines on stderr, one event per line.
	events := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(r.stderr))
	for sc.Scan() {
		var ev struct{ Event, File string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("stderr line is not JSON: %q", sc.Text())
		}
		events[ev.Event+" "+ev.File]++
	}
	if events["file_started model.safetensors"] != 1 || events["file_done model.safetensors"] != 1 {
		t.Errorf("JSON progress events = %v, want model.safetensors started and done", events)
	}

	// An unknown flag is a usage error.
	r = run(t, env, "", "demo", "--bogus")
	wantCode(t, r, 2, "demo", "--bogus")
}

func TestDemoProgressOnTerminal(t *testing.T) {
	env := hfEnv(t, "")
	r := runWithTTYStderr(t, env, "demo")
	if r.code != 0 {
		t.Fatalf("hf demo on a terminal: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "model.safetensors") || !regexp.MustCompile(`\d\.\dM / \d\.\dM`).MatchString(r.stderr) {
		t.Errorf("stderr on a terminal shows no progress bar:\n%q", r.stderr)
	}
	for _, extra := range [][]string{{"HF_HUB_DISABLE_PROGRESS_BARS=1"}, {}} {
		args := []string{"demo"}
		if len(extra) == 0 {
			args = append(args, "--quiet")
		}
		r := runWithTTYStderr(t, append(hfEnv(t, ""), extra...), args...)
		if r.code != 0 {
			t.Fatalf("hf %v %v: exit %d", extra, args, r.code)
		}
		if strings.Contains(r.stderr, "model.safetensors") {
			t.Errorf("hf %v %v on a terminal still shows progress:\n%q", extra, args, r.stderr)
		}
	}
}

// TestDownloadAgainstServe runs the whole chain a user would: hf serve with
// an imported folder, then hf download of a file from it into the cache.
func TestDownloadAgainstServe(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "m")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "config.json"), []byte(`{"x":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	url, cmd, errOut := startServe(t, hfEnv(t, ""), "--dir", filepath.Join(dir, "store"), "--import", "acme/m="+folder)
	env := hfEnv(t, url)
	r := mustRun(t, env, "download", "acme/m", "config.json")
	path := strings.TrimSpace(r.stdout)
	b, err := os.ReadFile(path)
	if err != nil || string(b) != `{"x":1}` {
		t.Errorf("hf download printed %q; reading it: %q, %v", path, b, err)
	}
	r = run(t, env, "", "download", "acme/m", "missing.json")
	wantCode(t, r, 3, "download", "acme/m", "missing.json")
	stop(t, cmd, errOut)
}

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// humanSize matches the one size format hf prints for people: "0B",
// "512B", "1.5K", "3.0M", "1.2G".
var humanSize = `(\d{1,3}B|\d{1,3}\.\d[KMGTPE])`

// newCacheHub serves acme/one: a small config and an LFS weights file.
func newCacheHub(t *testing.T) *hubtest.Server {
	t.Helper()
	return hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/one", Files: map[string][]byte{
		"config.json":       []byte(`{"model_type":"bert"}`),
		"model.safetensors": []byte(strings.Repeat("w", 2500)),
	}}))
}

// hf cache: singular and plural agree with the count, sizes are "2.5K"
// style (never "0.0" or "2.5 kB"), and a repo that is not cached is said
// plainly with exit 3.
func TestCacheMessages(t *testing.T) {
	hub := newCacheHub(t)
	env := hfEnv(t, hub.URL)
	cacheDir := filepath.Join(envValue(env, "HF_HOME"), "hub")
	mustRun(t, env, "download", "acme/one")

	r := mustRun(t, env, "cache", "verify", "acme/one")
	if !regexp.MustCompile(`^Checked \d+ files \(\d+ blobs, ` + humanSize + `\) in 1 revision of acme/one: no problems\.\n$`).MatchString(r.stderr) {
		t.Errorf("hf cache verify: stderr = %q, want \"Checked N files (N blobs, SIZE) in 1 revision of acme/one: no problems.\"", r.stderr)
	}

	r = mustRun(t, env, "cache", "evict", "--max-size", "1", "--dry-run")
	if !regexp.MustCompile(`Dry run: would evict 1 revision: ` + humanSize + ` -> 0B \(budget 1B\)\.`).MatchString(r.stderr) {
		t.Errorf("hf cache evict --dry-run: stderr = %q, want \"would evict 1 revision: SIZE -> 0B (budget 1B).\"", r.stderr)
	}

	r = mustRun(t, env, "cache", "rm", "acme/one", "--dry-run")
	if !regexp.MustCompile(`(?m)^Total: `+humanSize+` to free\.$`).MatchString(r.stdout) ||
		!regexp.MustCompile(`Would free `+humanSize+`\.`).MatchString(r.stderr) {
		t.Errorf("hf cache rm --dry-run:\nstdout:\n%s\nstderr:\n%s\nwant a total and \"Would free SIZE.\"", r.stdout, r.stderr)
	}

	for _, args := range [][]string{{"cache", "prune", "--dry-run"}, {"cache", "stats"}, {"cache", "verify", "acme/one"}} {
		r = run(t, env, "", args...)
		for _, bad := range []string{"0.0.", " 0.0 ", "(0.0)", " kB", " MB", "1 revisions", "1 files", "1 problems", "1 entries"} {
			if strings.Contains(r.stdout+r.stderr, bad) {
				t.Errorf("hf %s says %q:\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), bad, r.stdout, r.stderr)
			}
		}
	}

	args := []string{"cache", "verify", "acme/none"}
	r = run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{"Error: acme/none is not in the cache at " + cacheDir + ". Hint: "},
		[]string{"file does not exist", "download it first, or allow network access", "cache: verify"}, args...)

	args = []string{"cache", "verify", "acme/none", "--repo-type", "dataset"}
	r = run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{"Error: dataset acme/none is not in the cache at " + cacheDir + "."}, nil, args...)

	args = []string{"cache", "verify", "acme/one", "--revision", "v9"}
	r = run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{`Error: revision "v9" of acme/one is not in the cache at ` + cacheDir + "."}, nil, args...)

	// No cache folder at all: said plainly too.
	env2 := hfEnv(t, hub.URL)
	args = []string{"cache", "evict", "--max-size", "1G"}
	r = run(t, env2, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{"Error: there is no cache at " + filepath.Join(envValue(env2, "HF_HOME"), "hub") + "."}, []string{"file does not exist"}, args...)
}

// hf version: the module version, or the commit (+ "-dirty") of a build
// from a git work tree, as the binary's build information says.
func TestVersionFromBuildInfo(t *testing.T) {
	env := hfEnv(t, "")
	type info struct {
		Version, Commit, Library, Go, OS, Arch string
		Modified                               bool
	}
	// The test binary is built with the environment's GOFLAGS; whatever
	// they say, hf version must agree with `go version -m`.
	check := func(bin string) info {
		t.Helper()
		out, err := exec.Command("go", "version", "-m", bin).Output()
		if err != nil {
			t.Fatalf("go version -m: %v", err)
		}
		meta := map[string]string{}
		for line := range strings.Lines(string(out)) {
			f := strings.Fields(line)
			if len(f) >= 2 && f[0] == "build" {
				k, v, _ := strings.Cut(f[1], "=")
				meta[k] = v
			}
			if len(f) >= 3 && f[0] == "mod" {
				meta["mod"] = f[2]
			}
		}
		cmd := exec.Command(bin, "version", "--format", "json")
		cmd.Env = env
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("hf version --format json: %v", err)
		}
		var v info
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("hf version --format json: %v\n%s", err, b)
		}
		want := "devel"
		switch rev := meta["vcs.revision"]; {
		case rev != "":
			want = rev[:12]
			if meta["vcs.modified"] == "true" {
				want += "-dirty"
			}
			if mod := meta["mod"]; regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(mod) && meta["vcs.modified"] != "true" {
				want = mod // a clean checkout at a release tag
			}
		case meta["mod"] != "" && meta["mod"] != "(devel)":
			want = meta["mod"]
		}
		if v.Version != want || v.Commit != meta["vcs.revision"] || v.Modified != (meta["vcs.modified"] == "true") {
			t.Errorf("hf version --format json = %+v, want version %q from build info %v", v, want, meta)
		}
		if v.Library == "" || v.OS == "" || v.Arch == "" || !strings.HasPrefix(v.Go, "go") {
			t.Errorf("hf version --format json = %+v, want library, go, os and arch", v)
		}
		cmd = exec.Command(bin, "version")
		cmd.Env = env
		b, _ = cmd.Output()
		if line := "hf " + want + " (" + v.Go + " " + v.OS + "/" + v.Arch + ")\n"; string(b) != line {
			t.Errorf("hf version = %q, want %q", b, line)
		}
		return v
	}
	check(hfBin)

	// A build with VCS stamping prints the commit.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git: cannot build with VCS information")
	}
	if err := exec.Command("git", "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not in a git work tree (an exported copy): no VCS information to stamp")
	}
	bin := filepath.Join(t.TempDir(), "hf")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build with -buildvcs=true here: %v\n%s", err, out)
	}
	if v := check(bin); len(v.Commit) != 40 {
		t.Errorf("hf built with -buildvcs=true: commit = %q, want the 40-digit commit", v.Commit)
	}
}

// errorJSON parses stderr as exactly one JSON error object.
func errorJSON(t *testing.T, r result, args ...string) (e struct {
	Error    string  `json:"error"`
	Hint     *string `json:"hint"`
	ExitCode int     `json:"exit_code"`
	Kind     string  `json:"kind"`
}) {
	t.Helper()
	line := strings.TrimSuffix(r.stderr, "\n")
	if strings.Contains(line, "\n") || !strings.HasPrefix(line, "{") {
		t.Fatalf("hf %s: stderr is not one JSON line:\n%s", strings.Join(args, " "), r.stderr)
	}
	if err := json.Unmarshal([]byte(line), &e); err != nil {
		t.Fatalf("hf %s: stderr is not JSON: %v\n%s", strings.Join(args, " "), err, r.stderr)
	}
	if e.Hint == nil || e.ExitCode != r.code {
		t.Errorf("hf %s: %s: want a hint field and exit_code %d", strings.Join(args, " "), line, r.code)
	}
	return e
}

// With --format json, a failure is one JSON object on stderr whose kind
// matches the exit code; without it, the usual "Error:" line.
func TestErrorsAsJSON(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/secret", Private: true, Files: map[string][]byte{"a.txt": []byte("a")}}),
		hubtest.WithToken("hf_acme_token_123456", "acme", hubtest.Read))
	env := hfEnv(t, hub.URL)
	dead := refusedURL(t)
	for _, tc := range []struct {
		args []string
		code int
		kind string
		says string
	}{
		{[]string{"models", "info", "acme/missing", "--format", "json"}, 3, "not_found", "acme/missing"},
		{[]string{"--format=json", "cache", "verify", "acme/missing"}, 3, "not_found", "is not in the cache"},
		{[]string{"auth", "whoami", "--format", "json", "--token", "hf_wrong_token_123456"}, 4, "auth", ""},
		{[]string{"models", "info", "acme/x", "--format", "json", "--endpoint", dead}, 5, "network", "connection refused"},
		{[]string{"version", "--bogus", "--format", "json"}, 2, "usage", "unknown flag: --bogus"},
		{[]string{"no-such-command", "--format", "json"}, 2, "usage", "no-such-command"},
	} {
		r := run(t, env, "", tc.args...)
		if r.code != tc.code {
			t.Errorf("hf %s: exit %d, want %d\nstderr: %s", strings.Join(tc.args, " "), r.code, tc.code, r.stderr)
			continue
		}
		e := errorJSON(t, r, tc.args...)
		if e.Kind != tc.kind || !strings.Contains(e.Error, tc.says) || strings.HasPrefix(e.Error, "Error") {
			t.Errorf("hf %s: %+v, want kind %q and an error saying %q", strings.Join(tc.args, " "), e, tc.kind, tc.says)
		}
		if r.stdout != "" {
			t.Errorf("hf %s: stdout = %q, want nothing", strings.Join(tc.args, " "), r.stdout)
		}
		if tc.kind == "usage" && (e.Hint == nil || !strings.Contains(*e.Hint, "--help")) {
			t.Errorf("hf %s: hint = %v, want a --help hint", strings.Join(tc.args, " "), e.Hint)
		}
	}
	// Text without --format json (and with --format table after json: the last wins).
	for _, args := range [][]string{
		{"models", "info", "acme/missing"},
		{"models", "info", "acme/missing", "--format", "json", "--format", "table"},
	} {
		r := run(t, env, "", args...)
		wantCode(t, r, 3, args...)
	}
}

// Library warnings (here: the cache stays over HF_HUB_CACHE_MAX_SIZE)
// reach stderr as one "Warning:" line, as a JSON line with --format json,
// and not at all with --quiet.
func TestLibraryWarnings(t *testing.T) {
	hub := newCacheHub(t)
	env := hfEnv(t, hub.URL, "HF_HUB_CACHE_MAX_SIZE=1")

	r := mustRun(t, env, "download", "acme/one")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "Warning: the cache is still over its budget") ||
		strings.Contains(lines[0], "hfhub:") || !regexp.MustCompile(`size=`+humanSize+`, budget=1B`).MatchString(lines[0]) {
		t.Errorf("hf download over budget: stderr = %q, want one \"Warning: the cache is still over its budget … size=SIZE, budget=1B …\" line", r.stderr)
	}

	home2 := t.TempDir()
	env = append(env, "HF_HOME="+home2) // a fresh cache: the warning comes again
	r = mustRun(t, env, "download", "acme/one", "--format", "json")
	var doc struct{ Path string }
	decodeJSON(t, r, &doc)
	found := false
	for line := range strings.Lines(r.stderr) {
		var ev struct {
			Event, Message string
			Details        map[string]any
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Errorf("hf download --format json: stderr line is not JSON: %q", line)
			continue
		}
		if ev.Event == "warning" {
			found = true
			if !strings.HasPrefix(ev.Message, "the cache is still over its budget") || ev.Details["budget"] != float64(1) {
				t.Errorf("warning event = %+v, want the budget message with budget 1 (bytes)", ev)
			}
		}
	}
	if !found {
		t.Errorf("hf download --format json: no warning event on stderr:\n%s", r.stderr)
	}

	env = append(env, "HF_HOME="+t.TempDir())
	r = mustRun(t, env, "download", "acme/one", "--quiet")
	if r.stderr != "" {
		t.Errorf("hf download --quiet: stderr = %q, want nothing", r.stderr)
	}
}

// hf env: no token anywhere is "(none)" / "not set", a token file is
// masked with source "token file", --token is named as the source.
func TestEnvToken(t *testing.T) {
	env := hfEnv(t, "")
	token := func(args ...string) (string, string) {
		t.Helper()
		r := mustRun(t, env, append([]string{"env", "--format", "json"}, args...)...)
		var rep struct {
			Settings []struct{ Name, Value, Source string }
		}
		decodeJSON(t, r, &rep)
		for _, s := range rep.Settings {
			if s.Name == "HF_TOKEN" {
				return s.Value, s.Source
			}
		}
		t.Fatalf("hf env: no HF_TOKEN row:\n%s", r.stdout)
		return "", ""
	}
	if v, s := token(); v != "(none)" || s != "not set" {
		t.Errorf("no token: HF_TOKEN = %q from %q, want \"(none)\" from \"not set\"", v, s)
	}
	r := mustRun(t, env, "env")
	if !strings.Contains(r.stdout, "HF_TOKEN\t(none)\tnot set\n") {
		t.Errorf("hf env (piped) lacks \"HF_TOKEN\\t(none)\\tnot set\":\n%s", r.stdout)
	}
	if err := os.MkdirAll(envValue(env, "HF_HOME"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(envValue(env, "HF_HOME"), "token"), []byte("hf_filetokenabcdefghij\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if v, s := token(); v != "hf_fi…ghij" || s != "token file" {
		t.Errorf("token file: HF_TOKEN = %q from %q, want the masked file token from \"token file\"", v, s)
	}
	if v, s := token("--token", "hf_flagtokenabcdefghij"); v != "hf_fl…ghij" || s != "--token" {
		t.Errorf("--token: HF_TOKEN = %q from %q, want the masked flag token from \"--token\"", v, s)
	}
}

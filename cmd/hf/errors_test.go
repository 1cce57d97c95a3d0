package main

import (
	"net"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// refusedURL returns a loopback URL on which nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// oneLine fails unless stderr is one "Error: …" line that says each of
// want, says none of notWant, and mentions no phrase twice.
func oneLine(t *testing.T, r result, want []string, notWant []string, args ...string) {
	t.Helper()
	line := strings.TrimSpace(r.stderr)
	if strings.Contains(line, "\n") {
		t.Errorf("hf %s: stderr has several lines:\n%s", strings.Join(args, " "), r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(line, w) {
			t.Errorf("hf %s: stderr = %q, want it to say %q", strings.Join(args, " "), line, w)
		}
	}
	for _, w := range notWant {
		if strings.Contains(line, w) {
			t.Errorf("hf %s: stderr = %q, should not say %q", strings.Join(args, " "), line, w)
		}
	}
	if n := strings.Count(line, "Hint:"); n > 1 {
		t.Errorf("hf %s: stderr has %d hints: %q", strings.Join(args, " "), n, line)
	}
	for _, phrase := range []string{"offline mode", "not in the local cache", "hf auth login", "file not found", "no token found"} {
		if n := strings.Count(line, phrase); n > 1 {
			t.Errorf("hf %s: stderr says %q %d times: %q", strings.Join(args, " "), phrase, n, line)
		}
	}
}

// An unreachable endpoint is a network failure (5) with a network hint,
// also when the command fell back to the cache and found nothing there.
func TestUnreachableEndpoint(t *testing.T) {
	dead := refusedURL(t)
	env := hfEnv(t, "")
	for _, args := range [][]string{
		{"models", "info", "gpt2", "--endpoint", dead},
		{"download", "hfhub/x", "--endpoint", dead},
		{"download", "hfhub/x", "config.json", "--endpoint", dead},
		{"repo", "tree", "hfhub/x", "--endpoint", dead},
	} {
		r := run(t, env, "", args...)
		wantCode(t, r, 5, args...)
		oneLine(t, r, []string{"connection refused", "Hint: check your network connection and HF_ENDPOINT"},
			[]string{"HF_HUB_OFFLINE", "dial tcp"}, args...)
	}
}

// Offline mode and an uncached file: said once, with what to do.
func TestOfflineNotCached(t *testing.T) {
	env := hfEnv(t, "", "HF_HUB_OFFLINE=1")
	args := []string{"download", "gpt2", "config.json"}
	r := run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{"gpt2/config.json (main) is not in the local cache and offline mode is on", "Hint: run without HF_HUB_OFFLINE to download it."}, nil, args...)

	args = []string{"download", "acme/data", "--repo-type", "dataset"}
	r = run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{"dataset acme/data (main) is not in the local cache", "Hint: run without HF_HUB_OFFLINE"}, nil, args...)

	args = []string{"models", "ls"}
	r = run(t, env, "", args...)
	wantCode(t, r, 5, args...)
	oneLine(t, r, []string{"was not sent", "Hint: unset HF_HUB_OFFLINE to reach the Hub."}, nil, args...)
}

// Hub errors print the Hub's answer, then the hint once after "Hint:".
func TestHubErrorsSayItOnce(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/gated", Gated: "manual", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		hubtest.WithToken(aliceToken, "alice", hubtest.Write))
	env := hfEnv(t, hub.URL)
	for _, tt := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"models", "info", "acme/nope"}, 3, []string{"Error: model acme/nope not found. Hint: check the repo id"}},
		{[]string{"models", "info", "acme/tiny", "--revision", "nope"}, 3, []string{"Hint: check the revision name"}},
		{[]string{"download", "acme/tiny", "nope.json"}, 3, []string{"nope.json", "Hint: check the file path"}},
		{[]string{"download", "acme/gated", "config.json"}, 4, []string{"gated", "Hint:"}},
		{[]string{"download", "acme/gated", "config.json", "--token", aliceToken}, 4, []string{"gated", "Hint: model acme/gated is gated: request access on its page."}},
		{[]string{"auth", "whoami"}, 4, []string{"no token found", "Hint: set HF_TOKEN or run `hf auth login`."}},
		{[]string{"auth", "whoami", "--token", "hf_notavalidtokenatall"}, 4, []string{"Hint:"}},
		{[]string{"auth", "login", "--token", "hf_notavalidtokenatall"}, 4, []string{"401", "Hint: the Hub rejected this token"}},
	} {
		r := run(t, env, "", tt.args...)
		wantCode(t, r, tt.code, tt.args...)
		oneLine(t, r, tt.want, []string{"; check", "; set HF_TOKEN", "; request access"}, tt.args...)
		t.Logf("hf %s\n%s", strings.Join(tt.args, " "), r.stderr)
	}

}

// An unknown subcommand of a group is a usage error (2), not the group's
// help with exit 0; a near miss gets a suggestion.
func TestUnknownSubcommand(t *testing.T) {
	env := hfEnv(t, "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"repo", "zzzzz", "acme/x"}, "see `hf repos --help`"},
		{[]string{"cache", "lss"}, "did you mean `hf cache ls`?"},
		{[]string{"repo", "tag", "lst", "acme/x"}, "did you mean `hf repos tag list`?"},
		{[]string{"auth", "nope"}, "see `hf auth --help`"},
	} {
		r := run(t, env, "", tt.args...)
		wantCode(t, r, 2, tt.args...)
		oneLine(t, r, []string{"unknown command", tt.want}, nil, tt.args...)
	}
	r := mustRun(t, env, "repo")
	if !strings.Contains(r.stdout, "Available Commands") {
		t.Errorf("hf repo without a subcommand: stdout = %q, want its help", r.stdout)
	}
}

// A wrong argument count shows the usage line, in words a user reads.
func TestArgumentCount(t *testing.T) {
	env := hfEnv(t, "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"models", "info"}, "missing arguments; usage: hf models info <repo-id>."},
		{[]string{"repo", "move", "a/b"}, "wrong number of arguments (got 1); usage: hf repos move <from-id> <to-id>."},
		{[]string{"version", "extra"}, `hf version takes no arguments, got "extra".`},
	} {
		r := run(t, env, "", tt.args...)
		wantCode(t, r, 2, tt.args...)
		oneLine(t, r, []string{tt.want, "Hint: see `hf"}, []string{"arg(s)"}, tt.args...)
	}
	r := run(t, env, "", "models", "ls", "--limit", "-1")
	wantCode(t, r, 2, "models", "ls", "--limit", "-1")
	oneLine(t, r, []string{"--limit must be 0 (everything) or more, not -1"}, nil, "models", "ls", "--limit", "-1")
}

// hf repo create on an existing repo says how to accept it; a dataset
// config that does not exist is not-found (3).
func TestCreateExistingAndMissingConfig(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "alice/m", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "alice/d", Files: map[string][]byte{"train.csv": []byte("a,b\n1,2\n")}}),
		hubtest.WithToken(aliceToken, "alice", hubtest.Write))
	env := hfEnv(t, hub.URL, "HF_TOKEN="+aliceToken)
	args := []string{"repo", "create", "alice/m"}
	r := run(t, env, "", args...)
	wantCode(t, r, 1, args...)
	oneLine(t, r, []string{"409", "Hint: pass --exist-ok"}, nil, args...)
	mustRun(t, env, "repo", "create", "alice/m", "--exist-ok")

	args = []string{"datasets", "files", "alice/d", "--config", "nope"}
	r = run(t, env, "", args...)
	wantCode(t, r, 3, args...)
	oneLine(t, r, []string{`"nope"`, "Hint: `hf datasets configs <repo-id>`"}, nil, args...)
}

// Changing a repo without a token is an auth failure (4) that asks for a
// write token, not "repo not found".
func TestWriteWithoutToken(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{"config.json": []byte(`{}`)}}))
	env := hfEnv(t, hub.URL)
	for _, args := range [][]string{
		{"repo", "branch", "create", "acme/tiny", "dev"},
		{"repo", "delete-files", "acme/tiny", "config.json"},
	} {
		r := run(t, env, "", args...)
		wantCode(t, r, 4, args...)
		oneLine(t, r, []string{"Hint: changing a repo needs a write token"}, []string{"not found"}, args...)
	}
}

// Logging out when not logged in says so instead of claiming a logout.
func TestLogoutWhenLoggedOut(t *testing.T) {
	env := hfEnv(t, "")
	r := mustRun(t, env, "auth", "logout")
	if !strings.Contains(r.stderr+r.stdout, "Not logged in") {
		t.Errorf("hf auth logout (no token): stdout %q stderr %q, want \"Not logged in\"", r.stdout, r.stderr)
	}
}

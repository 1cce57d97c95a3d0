package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

const (
	aliceToken = "hf_alicealicealicealice1"
	bobToken   = "hf_bobbobbobbobbobbobbob2"
)

func TestAuth(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithToken(aliceToken, "alice", hubtest.Write),
		hubtest.WithToken(bobToken, "bob", hubtest.Read))
	env := hfEnv(t, hub.URL)
	home := envValue(env, "HF_HOME")

	// Not logged in: whoami is an auth error (exit 4).
	r := run(t, env, "", "auth", "whoami")
	wantCode(t, r, 4, "auth", "whoami")

	// Login with the token on stdin (not a terminal).
	r = run(t, env, aliceToken+"\n", "auth", "login", "--format", "json")
	wantCode(t, r, 0, "auth", "login")
	var lr struct {
		User string `json:"user"`
	}
	decodeJSON(t, r, &lr)
	if lr.User != "alice" {
		t.Errorf("login user = %q, want alice", lr.User)
	}
	b, err := os.ReadFile(filepath.Join(home, "token"))
	if err != nil || string(b) != aliceToken {
		t.Errorf("token file = %q, %v; want alice's token", b, err)
	}
	if fi, err := os.Stat(filepath.Join(home, "token")); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v, want 0600", fi.Mode().Perm())
	}

	// Login with --token; then whoami in both formats.
	mustRun(t, env, "auth", "login", "--token", bobToken)
	r = mustRun(t, env, "auth", "whoami")
	if !strings.Contains(r.stdout, "user\tbob") {
		t.Errorf("whoami (piped) = %q, want user<TAB>bob", r.stdout)
	}
	r = mustRun(t, env, "auth", "whoami", "--format", "json")
	var u struct{ Name string }
	decodeJSON(t, r, &u)
	if u.Name != "bob" {
		t.Errorf("whoami json name = %q, want bob", u.Name)
	}

	// Both tokens are listed, masked; bob's is active.
	r = mustRun(t, env, "auth", "list", "--format", "json")
	var toks []struct {
		Name, Token string
		Active      bool
	}
	decodeJSON(t, r, &toks)
	if len(toks) != 2 {
		t.Fatalf("auth list = %+v, want 2 tokens", toks)
	}
	var aliceName string
	active := 0
	for _, tk := range toks {
		if strings.Contains(tk.Token, "alicealice") || strings.Contains(tk.Token, "bobbob") {
			t.Errorf("auth list shows a whole token: %q", tk.Token)
		}
		if tk.Active {
			active++
		} else {
			aliceName = tk.Name
		}
	}
	if active != 1 {
		t.Errorf("auth list = %+v, want exactly one active token", toks)
	}

	// Switch back to alice's token by name.
	mustRun(t, env, "auth", "switch", "--token-name", aliceName)
	r = mustRun(t, env, "auth", "whoami", "-q")
	if strings.TrimSpace(r.stdout) != "alice" {
		t.Errorf("whoami -q after switch = %q, want alice", r.stdout)
	}
	// Switch without a name and without a terminal is a usage error.
	r = run(t, env, "", "auth", "switch")
	wantCode(t, r, 2, "auth", "switch")

	// A bad token is refused with the auth exit code.
	r = run(t, env, "", "auth", "login", "--token", "hf_notarealtokennotreal")
	wantCode(t, r, 4, "auth", "login", "--token", "bad")

	// Logout removes everything.
	mustRun(t, env, "auth", "logout")
	if _, err := os.Stat(filepath.Join(home, "token")); !os.IsNotExist(err) {
		t.Errorf("token file still there after logout: %v", err)
	}
	r = run(t, env, "", "auth", "whoami")
	wantCode(t, r, 4, "auth", "whoami")
}

package hfhub

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func TestLoginLogoutSwitch(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithToken("hf_alice_secret_1", "alice", hubtest.Write),
		hubtest.WithToken("hf_bob_secret_22", "bob", hubtest.Read),
	)
	home := t.TempDir()
	c, err := New(WithEnv(envMap(map[string]string{"HF_HOME": home})), WithEndpoint(hub.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tokenPath := filepath.Join(home, "token")
	storedPath := filepath.Join(home, "stored_tokens")

	if _, err := c.Login(ctx, "hf_wrong"); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("Login(bad token) error = %v, want ErrUnauthorized", err)
	}
	if _, err := os.Stat(tokenPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed login wrote the token file")
	}
	if _, err := c.Login(ctx, "api_org_xxx"); !errors.Is(err, ErrValidation) {
		t.Errorf("Login(api_org) error = %v", err)
	}

	u, err := c.Login(ctx, "hf_alice_secret_1\n")
	if err != nil || u.Name != "alice" || u.Auth == nil || u.Auth.AccessToken.Role != "write" {
		t.Fatalf("Login = %+v, %v", u, err)
	}
	if _, err := c.Login(ctx, "hf_bob_secret_22"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(tokenPath)
	if string(b) != "hf_bob_secret_22" {
		t.Errorf("token file = %q (no trailing newline wanted)", b)
	}
	st, _ := os.Stat(tokenPath)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode = %v", st.Mode().Perm())
	}
	stored, _ := os.ReadFile(storedPath)
	want := "[alice-token]\nhf_token = hf_alice_secret_1\n\n[bob-token]\nhf_token = hf_bob_secret_22\n\n"
	if string(stored) != want {
		t.Errorf("stored_tokens =\n%s\nwant\n%s", stored, want)
	}

	// the active token is used at once by the same client
	me, err := c.WhoAmI(ctx)
	if err != nil || me.Name != "bob" {
		t.Fatalf("WhoAmI = %+v, %v", me, err)
	}
	toks, err := c.ListTokens(ctx)
	if err != nil || len(toks) != 2 || toks[0].Name != "alice-token" || toks[0].Active || !toks[1].Active {
		t.Fatalf("ListTokens = %+v, %v", toks, err)
	}
	if err := c.SwitchToken(ctx, "alice-token"); err != nil {
		t.Fatal(err)
	}
	if me, err := c.WhoAmI(ctx); err != nil || me.Name != "alice" {
		t.Fatalf("after switch WhoAmI = %+v, %v", me, err)
	}
	if err := c.SwitchToken(ctx, "nobody"); !errors.Is(err, ErrValidation) {
		t.Errorf("SwitchToken(unknown) = %v", err)
	}

	// logout of the active named token removes it and the token file
	if err := c.Logout(ctx, "alice-token"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tokenPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file still there after logging out its token")
	}
	if toks, _ := c.ListTokens(ctx); len(toks) != 1 || toks[0].Name != "bob-token" {
		t.Errorf("tokens after logout = %+v", toks)
	}
	if _, err := c.WhoAmI(ctx); !errors.Is(err, ErrNoToken) {
		t.Errorf("WhoAmI after logout = %v, want ErrNoToken", err)
	}
	if err := c.Logout(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(storedPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stored_tokens still there after full logout")
	}

	// still logged in through HF_TOKEN: Logout says so
	c2, _ := New(WithEnv(envMap(map[string]string{"HF_HOME": home, "HF_TOKEN": "hf_bob_secret_22"})), WithEndpoint(hub.URL))
	if err := c2.Logout(ctx, ""); err == nil || !strings.Contains(err.Error(), "HF_TOKEN") || strings.Contains(err.Error(), "hf_bob") {
		t.Errorf("Logout with HF_TOKEN set = %v", err)
	}
}

// recorder is a loopback server that records the Authorization header of
// each request and answers 200 with an empty JSON list.
type recorder struct {
	mu    sync.Mutex
	auths []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.auths = append(r.auths, req.Header.Get("Authorization"))
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte("[]"))
}

func (r *recorder) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auths...)
}

func TestTokenNotSentToAnotherPort(t *testing.T) {
	rec := &recorder{}
	other := httptest.NewServer(rec) // 127.0.0.1, another port
	defer other.Close()
	var mu sync.Mutex
	var endpointAuth []string
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		endpointAuth = append(endpointAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		switch r.URL.Path {
		case "/api/models":
			http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound) // absolute, other port
		case "/api/datasets":
			http.Redirect(w, r, "/api/datasets-moved", http.StatusTemporaryRedirect) // relative
		case "/api/datasets-moved":
			w.Write([]byte("[]"))
		case "/api/spaces": // endpoint -> other -> back to endpoint
			http.Redirect(w, r, other.URL+"/bounce", http.StatusFound)
		}
	}))
	defer endpoint.Close()

	c, _ := newTestClient(t, endpoint.URL, WithToken("hf_secret_token"))
	if _, err := Collect(c.ListModels(t.Context(), nil)); err != nil {
		t.Fatal(err)
	}
	if got := rec.get(); len(got) != 1 || got[0] != "" {
		t.Errorf("the other port saw Authorization %q", got)
	}
	if _, err := Collect(c.ListDatasets(t.Context(), nil)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, a := range endpointAuth {
		if a != "Bearer hf_secret_token" {
			t.Errorf("endpoint request %d had Authorization %q (same-origin redirects keep it)", i, a)
		}
	}
	// a token is never attached to a request for another origin
	req, err := c.newRequest(t.Context(), "GET", other.URL+"/x", nil)
	if err != nil || req.Header.Get("Authorization") != "" {
		t.Errorf("newRequest to another port carries Authorization")
	}
}

func TestRedirectBackToEndpointStaysAnonymous(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var otherURL string
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path == "/start" {
			http.Redirect(w, r, otherURL+"/hop", http.StatusFound)
			return
		}
		w.Write([]byte("[]"))
	}))
	defer endpoint.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("other origin got Authorization")
		}
		http.Redirect(w, r, endpoint.URL+"/back", http.StatusFound)
	}))
	defer other.Close()
	otherURL = other.URL
	c, _ := newTestClient(t, endpoint.URL, WithToken("hf_secret_token"))
	if _, err := c.getJSON(t.Context(), endpoint.URL+"/start", nil, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"/start Bearer hf_secret_token", "/back "}
	if len(seen) != 2 || seen[0] != want[0] || seen[1] != want[1] {
		t.Errorf("endpoint saw %q, want %q: after a hop through another origin no token may come back", seen, want)
	}
}

package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

func TestGatedAccessGrants(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	if _, err := st.CreateRepo(ctx, store.Model, "alice/gated", store.CreateOptions{Gated: "manual"}); err != nil {
		t.Fatal(err)
	}
	seed(t, st, store.Model, "alice/gated", map[string]string{"config.json": "{}"})
	seed(t, st, store.Model, "alice/open", map[string]string{"config.json": "{}"})
	ts, _ := testServer(t, st, WithTokens(Tokens{
		"hf_alice": {Name: "alice", Role: RoleWrite}, "hf_alice_r": {Name: "alice", Role: RoleRead},
		"hf_bob": {Name: "bob", Role: RoleRead}, "hf_carol": {Name: "carol", Role: RoleWrite},
	}))
	api := ts.URL + "/api/models/alice/gated/user-access-request/"
	auth := func(tok string) []string {
		return []string{"Authorization", "Bearer " + tok, "Content-Type", "application/json"}
	}
	resolve := func(tok string) (int, string, string) {
		var hdr []string
		if tok != "" {
			hdr = auth(tok)
		}
		resp, body := do(t, http.MethodGet, ts.URL+"/alice/gated/resolve/main/config.json", nil, hdr...)
		return resp.StatusCode, resp.Header.Get("X-Error-Code"), string(body)
	}
	authCheck := func(tok string) int {
		resp, _ := do(t, http.MethodGet, ts.URL+"/api/models/alice/gated/auth-check", nil, auth(tok)...)
		return resp.StatusCode
	}

	// Before any grant: the owner passes, bob gets the Hub's 403 GatedRepo.
	if code, _, _ := resolve("hf_alice_r"); code != 200 {
		t.Fatalf("owner: %d", code)
	}
	code, ecode, msg := resolve("hf_bob")
	if code != 403 || ecode != "GatedRepo" || !strings.Contains(msg, "is restricted and you are not in the authorized list. Visit "+ts.URL+"/alice/gated to ask for access.") {
		t.Fatalf("bob before grant: %d %s %s", code, ecode, msg)
	}
	if code, ecode, _ := resolve(""); code != 401 || ecode != "GatedRepo" {
		t.Fatalf("anonymous: %d %s", code, ecode)
	}
	if c := authCheck("hf_bob"); c != 403 {
		t.Fatalf("auth-check for bob before grant: %d", c)
	}

	for _, tc := range []struct {
		name, url, tok, body string
		status               int
	}{
		{"read token of the owner", api + "grant", "hf_alice_r", `{"user":"bob"}`, 403},
		{"write token of another user", api + "grant", "hf_carol", `{"user":"bob"}`, 403},
		{"unknown user", api + "grant", "hf_alice", `{"user":"mallory"}`, 404},
		{"no user", api + "grant", "hf_alice", `{}`, 400},
		{"user id instead of name", api + "grant", "hf_alice", `{"userId":"0123456789abcdef01234567"}`, 400},
		{"repo not gated", ts.URL + "/api/models/alice/open/user-access-request/grant", "hf_alice", `{"user":"bob"}`, 400},
		{"handle without a request", api + "handle", "hf_alice", `{"user":"bob","status":"rejected"}`, 404},
		{"unknown action", api + "approve", "hf_alice", `{"user":"bob"}`, 404},
	} {
		resp, body := do(t, http.MethodPost, tc.url, strings.NewReader(tc.body), auth(tc.tok)...)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
	}
	if code, _, _ := resolve("hf_bob"); code != 403 {
		t.Fatalf("a refused grant let bob in: %d", code)
	}

	// The owner grants bob access, as huggingface_hub's grant_access does.
	resp, body := do(t, http.MethodPost, api+"grant", strings.NewReader(`{"user":"bob"}`), auth("hf_alice")...)
	if resp.StatusCode != 200 {
		t.Fatalf("grant: %d %s", resp.StatusCode, body)
	}
	if code, _, body := resolve("hf_bob"); code != 200 || body != "{}" {
		t.Fatalf("bob after grant: %d %s", code, body)
	}
	if c := authCheck("hf_bob"); c != 200 {
		t.Fatalf("auth-check for bob after grant: %d", c)
	}
	if code, _, _ := resolve("hf_carol"); code != 403 {
		t.Fatalf("carol was not granted: %d", code)
	}
	if resp, _ := do(t, http.MethodPost, api+"grant", strings.NewReader(`{"user":"bob"}`), auth("hf_alice")...); resp.StatusCode != 400 {
		t.Fatalf("second grant: %d, want 400 (already has access)", resp.StatusCode)
	}
	resp, body = do(t, http.MethodGet, api+"accepted", nil, auth("hf_alice")...)
	list := decode[[]map[string]any](t, body)
	if resp.StatusCode != 200 || len(list) != 1 || list[0]["status"] != "accepted" || list[0]["user"].(map[string]any)["user"] != "bob" || list[0]["timestamp"] == "" {
		t.Fatalf("accepted list: %d %s", resp.StatusCode, body)
	}

	// Grants live in the store: they survive a restart.
	reopened, err := store.Open(st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := reopened.Repo(store.Model, "alice/gated"); !info.HasAccess("bob") {
		t.Fatalf("grant not persisted: %+v", info.Access)
	}

	// Rejecting (reject_access_request) revokes the access.
	resp, body = do(t, http.MethodPost, api+"handle", strings.NewReader(`{"user":"bob","status":"rejected"}`), auth("hf_alice")...)
	if resp.StatusCode != 200 {
		t.Fatalf("reject: %d %s", resp.StatusCode, body)
	}
	if code, ecode, _ := resolve("hf_bob"); code != 403 || ecode != "GatedRepo" {
		t.Fatalf("bob after reject: %d %s", code, ecode)
	}
	if resp, _ := do(t, http.MethodPost, api+"handle", strings.NewReader(`{"user":"bob","status":"rejected"}`), auth("hf_alice")...); resp.StatusCode != 404 {
		t.Fatalf("reject twice: %d, want 404", resp.StatusCode)
	}
	_, body = do(t, http.MethodGet, api+"rejected", nil, auth("hf_alice")...)
	if list := decode[[]map[string]any](t, body); len(list) != 1 {
		t.Fatalf("rejected list: %s", body)
	}
	_, body = do(t, http.MethodGet, api+"accepted", nil, auth("hf_alice")...)
	if list := decode[[]map[string]any](t, body); len(list) != 0 {
		t.Fatalf("accepted list after reject: %s", body)
	}
	// Accepting again restores it.
	if resp, _ := do(t, http.MethodPost, api+"handle", strings.NewReader(`{"user":"bob","status":"accepted"}`), auth("hf_alice")...); resp.StatusCode != 200 {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if code, _, _ := resolve("hf_bob"); code != 200 {
		t.Fatalf("bob after accept: %d", code)
	}
	// Ungating the repo opens it; a grant made while gated stays recorded.
	off := ""
	if err := st.UpdateSettings(ctx, store.Model, "alice/gated", store.Settings{Gated: &off}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := resolve("hf_carol"); code != 200 {
		t.Fatalf("ungated repo: %d", code)
	}
}

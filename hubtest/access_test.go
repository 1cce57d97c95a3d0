package hubtest

import (
	"testing"
)

func TestGrantAccessToGatedRepo(t *testing.T) {
	hub := NewServer(t, WithRepo(Repo{ID: "acme/gated", Gated: "auto", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		WithToken("hf_bob", "bob", Read), WithToken("hf_acme", "acme", Read))
	status := func(tok string) (int, string) {
		resp, _ := get(t, "GET", hub.URL+"/acme/gated/resolve/main/config.json", "Authorization", "Bearer "+tok)
		return resp.StatusCode, resp.Header.Get("X-Error-Code")
	}
	if code, _ := status("hf_acme"); code != 200 {
		t.Fatalf("owner: %d", code)
	}
	if code, ecode := status("hf_bob"); code != 403 || ecode != "GatedRepo" {
		t.Fatalf("bob before grant: %d %s", code, ecode)
	}
	if err := hub.GrantAccess("model", "acme/gated", "bob"); err != nil {
		t.Fatal(err)
	}
	if code, _ := status("hf_bob"); code != 200 {
		t.Fatalf("bob after grant: %d", code)
	}
	if err := hub.RevokeAccess("model", "acme/gated", "bob"); err != nil {
		t.Fatal(err)
	}
	if code, ecode := status("hf_bob"); code != 403 || ecode != "GatedRepo" {
		t.Fatalf("bob after revoke: %d %s", code, ecode)
	}
	if err := hub.GrantAccess("model", "acme/missing", "bob"); err == nil {
		t.Fatal("grant on a missing repo succeeded")
	}
	if err := hub.GrantAccess("model", "acme/gated", "bad name"); err == nil {
		t.Fatal("grant to an invalid user name succeeded")
	}
}

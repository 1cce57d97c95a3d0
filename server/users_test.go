package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

func TestUsersOrgsLikes(t *testing.T) {
	st := newStore(t)
	seed(t, st, store.Model, "alice/m", map[string]string{"README.md": "---\nlibrary_name: transformers\npipeline_tag: fill-mask\nlanguage: en\nlicense: mit\n---\n"})
	seed(t, st, store.Dataset, "alice/d", map[string]string{"README.md": "---\ntask_categories: [text-classification]\nlanguage: [fr]\n---\n"})
	seed(t, st, store.Model, "acme/shared", map[string]string{"a.txt": "a"})
	ts, _ := testServer(t, st, WithTokens(Tokens{"hf_alice": {Name: "alice", Role: RoleWrite}, "hf_root": {Name: "root", Role: RoleAdmin}}))
	base := ts.URL
	alice := []string{"Authorization", "Bearer hf_alice"}
	get := func(path string, hdr ...string) (int, []byte) {
		t.Helper()
		resp, body := do(t, http.MethodGet, base+path, nil, hdr...)
		return resp.StatusCode, body
	}

	code, body := get("/api/users/alice/overview")
	u := decode[map[string]any](t, body)
	if code != 200 || u["user"] != "alice" || u["numModels"] != 1.0 || u["numDatasets"] != 1.0 || u["type"] != "user" {
		t.Fatalf("alice overview: %d %s", code, body)
	}
	code, body = get("/api/organizations/acme/overview")
	o := decode[map[string]any](t, body)
	if code != 200 || o["name"] != "acme" || o["numModels"] != 1.0 || o["type"] != "org" {
		t.Fatalf("acme overview: %d %s", code, body)
	}
	code, body = get("/api/organizations/acme/members")
	if code != 200 || !strings.Contains(string(body), `"user":"root"`) {
		t.Fatalf("acme members: %d %s", code, body)
	}
	for _, p := range []string{"/api/users/nobody/overview", "/api/organizations/alice/overview", "/api/users/acme/overview", "/api/organizations/nobody/members", "/api/users/nobody/followers"} {
		if code, body := get(p); code != 404 {
			t.Errorf("GET %s: %d %s, want 404", p, code, body)
		}
	}
	for _, p := range []string{"/api/users/alice/followers", "/api/users/alice/following", "/api/organizations/acme/followers"} {
		if code, body := get(p); code != 200 || string(body) != "[]" {
			t.Errorf("GET %s: %d %s, want []", p, code, body)
		}
	}

	// Likes.
	if resp, _ := do(t, http.MethodPost, base+"/api/models/acme/shared/like", nil); resp.StatusCode != 401 {
		t.Fatalf("anonymous like: %d, want 401", resp.StatusCode)
	}
	for _, p := range []string{"/api/models/acme/shared/like", "/api/datasets/alice/d/like"} {
		if resp, body := do(t, http.MethodPost, base+p, nil, alice...); resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", p, resp.StatusCode, body)
		}
	}
	if code, body := get("/api/models/acme/shared/likers"); code != 200 || !strings.Contains(string(body), `"user":"alice"`) {
		t.Fatalf("likers: %d %s", code, body)
	}
	if _, body := get("/api/models/acme/shared"); decode[map[string]any](t, body)["likes"] != 1.0 {
		t.Fatalf("likes count: %s", body)
	}
	code, body = get("/api/users/alice/likes")
	likes := decode[[]map[string]any](t, body)
	if code != 200 || len(likes) != 2 {
		t.Fatalf("alice likes: %d %s", code, body)
	}
	if resp, _ := do(t, http.MethodDelete, base+"/api/models/acme/shared/like", nil, alice...); resp.StatusCode != 200 {
		t.Fatalf("unlike: %d", resp.StatusCode)
	}
	if code, body := get("/api/models/acme/shared/likers"); code != 200 || string(body) != "[]" {
		t.Fatalf("likers after unlike: %d %s", code, body)
	}

	// Tags by type.
	code, body = get("/api/models-tags-by-type")
	tags := decode[map[string][]map[string]string](t, body)
	has := func(kind, id string) bool {
		for _, e := range tags[kind] {
			if e["id"] == id {
				return true
			}
		}
		return false
	}
	if code != 200 || !has("pipeline_tag", "fill-mask") || !has("library", "transformers") || !has("language", "en") || !has("license", "license:mit") {
		t.Fatalf("models-tags-by-type: %d %s", code, body)
	}
	code, body = get("/api/datasets-tags-by-type")
	tags = decode[map[string][]map[string]string](t, body)
	if code != 200 || !has("task_categories", "task_categories:text-classification") || !has("language", "language:fr") {
		t.Fatalf("datasets-tags-by-type: %d %s", code, body)
	}
}

func TestLFSFiles(t *testing.T) {
	base, st := writeServer(t)
	ctx := t.Context()
	put := func(c string) string {
		b, err := st.PutBlob(ctx, strings.NewReader(c))
		if err != nil {
			t.Fatal(err)
		}
		return b.SHA256
	}
	w1, w2 := put("weights one"), put("weights two")
	for _, op := range []store.Op{
		{Kind: store.OpAdd, Path: "w.bin", SHA256: w1, LFS: store.LFSAlways},
		{Kind: store.OpAdd, Path: "w.bin", SHA256: w2, LFS: store.LFSAlways},
	} {
		if _, err := st.Commit(ctx, store.Model, "alice/r", store.CommitRequest{Title: "w", Ops: []store.Op{op}}); err != nil {
			t.Fatal(err)
		}
	}
	resp, body := do(t, http.MethodGet, base+"/api/models/alice/r/lfs-files", nil, "Authorization", "Bearer "+wTok)
	files := decode[[]map[string]any](t, body)
	if resp.StatusCode != 200 || len(files) != 2 || files[0]["fileOid"] != w1 || files[1]["fileOid"] != w2 || files[0]["filename"] != "w.bin" || files[0]["ref"] != "refs/heads/main" {
		t.Fatalf("lfs-files: %d %s; want the replaced and the current object, oldest first", resp.StatusCode, body)
	}
	if resp, _ := do(t, http.MethodGet, base+"/api/models/alice/r/lfs-files", nil, "Authorization", "Bearer "+rTok); resp.StatusCode != 403 {
		t.Fatalf("read token: %d, want 403", resp.StatusCode)
	}
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/lfs"
	"github.com/hfhub-go/hfhub/store"
)

const (
	wTok = "hf_w"
	rTok = "hf_r"
)

func writeServer(t *testing.T) (string, *store.Store) {
	t.Helper()
	st := newStore(t)
	seed(t, st, store.Model, "alice/r", map[string]string{"a.txt": "a", "dir/b.txt": "b"})
	ts, _ := testServer(t, st, WithTokens(Tokens{wTok: {Name: "alice", Role: RoleWrite}, rTok: {Name: "alice", Role: RoleRead}}))
	return ts.URL, st
}

func ndjson(lines ...string) *strings.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

const header = `{"key":"header","value":{"summary":"s","description":""}}`

func TestCommitEndpoint(t *testing.T) {
	base, st := writeServer(t)
	head, _ := st.Resolve(store.Model, "alice/r", "main")
	url := base + "/api/models/alice/r/commit/main"
	auth := []string{"Authorization", "Bearer " + wTok, "Content-Type", "application/x-ndjson"}
	fileLine := `{"key":"file","value":{"content":"aGk=","path":"new.txt","encoding":"base64"}}`
	tests := []struct {
		name   string
		hdr    []string
		body   *strings.Reader
		status int
		code   string
	}{
		{"anonymous", nil, ndjson(header, fileLine), 401, ""},
		{"read token", []string{"Authorization", "Bearer " + rTok}, ndjson(header, fileLine), 403, ""},
		{"no header", auth, ndjson(fileLine), 400, ""},
		{"two headers", auth, ndjson(header, header), 400, ""},
		{"unknown key", auth, ndjson(header, `{"key":"rename","value":{}}`), 400, ""},
		{"bad base64", auth, ndjson(header, `{"key":"file","value":{"content":"!!","path":"x","encoding":"base64"}}`), 400, ""},
		{"lfs object never uploaded", auth, ndjson(header, `{"key":"lfsFile","value":{"path":"w.bin","algo":"sha256","oid":"`+strings.Repeat("a", 64)+`","size":3}}`), 400, ""},
		{"empty summary", auth, ndjson(`{"key":"header","value":{"summary":" "}}`, fileLine), 400, ""},
		{"delete of a missing file after a good line", auth, ndjson(header, fileLine, `{"key":"deletedFile","value":{"path":"nope.txt"}}`), 404, "EntryNotFound"},
		{"stale parent", auth, ndjson(`{"key":"header","value":{"summary":"s","parentCommit":"`+strings.Repeat("0", 40)+`"}}`, fileLine), 412, ""},
		{"bad path", auth, ndjson(header, `{"key":"file","value":{"content":"","path":"../x","encoding":"base64"}}`), 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, http.MethodPost, url, tt.body, tt.hdr...)
			if resp.StatusCode != tt.status || resp.Header.Get("X-Error-Code") != tt.code {
				t.Fatalf("status %d code %q (%s), want %d %q", resp.StatusCode, resp.Header.Get("X-Error-Code"), body, tt.status, tt.code)
			}
			if now, _ := st.Resolve(store.Model, "alice/r", "main"); now.ID != head.ID {
				t.Fatal("a refused commit changed main")
			}
		})
	}
	// utf-8 inline files, a folder delete and a create_pr.
	resp, body := do(t, http.MethodPost, url+"?create_pr=1", ndjson(header,
		`{"key":"file","value":{"content":"plain text","path":"t.txt","encoding":"utf-8"}}`,
		`{"key":"deletedFolder","value":{"path":"dir/"}}`), auth...)
	if resp.StatusCode != 200 {
		t.Fatalf("PR commit: %d %s", resp.StatusCode, body)
	}
	out := decode[map[string]any](t, body)
	if !strings.HasSuffix(fmt.Sprint(out["pullRequestUrl"]), "/alice/r/discussions/1") || out["success"] != true {
		t.Fatalf("answer %s", body)
	}
	pr, err := st.Resolve(store.Model, "alice/r", "refs/pr/1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pr.File("dir/b.txt"); ok {
		t.Error("deletedFolder left dir/b.txt")
	}
	if f, ok := pr.File("t.txt"); !ok || f.Size != 10 {
		t.Errorf("t.txt = %+v", f)
	}
}

func TestPreuploadEndpoint(t *testing.T) {
	base, st := writeServer(t)
	body := `{"files":[{"path":"a.txt","sample":"YQ==","size":1},{"path":"w.safetensors","sample":"","size":5},
	  {"path":"big.txt","sample":"","size":20000000},{"path":"bin.dat","sample":"AAEC","size":3}]}`
	resp, data := do(t, http.MethodPost, base+"/api/models/alice/r/preupload/main", strings.NewReader(body), "Authorization", "Bearer "+wTok)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, data)
	}
	var ans struct {
		Files []struct {
			Path, UploadMode, OID string
		} `json:"files"`
		CommitOid string `json:"commitOid"`
	}
	json.Unmarshal(data, &ans)
	head, _ := st.Resolve(store.Model, "alice/r", "main")
	f, _ := head.File("a.txt")
	want := map[string]string{"a.txt": "regular", "w.safetensors": "lfs", "big.txt": "lfs", "bin.dat": "lfs"}
	for _, a := range ans.Files {
		if want[a.Path] != a.UploadMode {
			t.Errorf("%s: %s, want %s", a.Path, a.UploadMode, want[a.Path])
		}
		if a.Path == "a.txt" && a.OID != f.BlobID {
			t.Errorf("oid of the existing a.txt = %q, want %s", a.OID, f.BlobID)
		}
	}
	if ans.CommitOid != head.ID || len(ans.Files) != 4 {
		t.Errorf("answer %s", data)
	}
	if resp, _ := do(t, http.MethodPost, base+"/api/models/alice/r/preupload/nope", strings.NewReader(body), "Authorization", "Bearer "+wTok); resp.StatusCode != 404 {
		t.Errorf("missing revision: %d", resp.StatusCode)
	}
}

func batch(t *testing.T, base string, oid string, size int64) lfs.Object {
	t.Helper()
	req, _ := json.Marshal(map[string]any{"operation": "upload", "transfers": []string{"basic", "multipart"},
		"objects": []map[string]any{{"oid": oid, "size": size}}, "hash_algo": "sha_256", "ref": map[string]string{"name": "main"}})
	resp, data := do(t, http.MethodPost, base+"/alice/r.git/info/lfs/objects/batch", bytes.NewReader(req),
		"Authorization", "Bearer "+wTok, "Accept", lfs.MediaType, "Content-Type", lfs.MediaType)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != lfs.MediaType {
		t.Fatalf("batch: %d %s", resp.StatusCode, data)
	}
	var ans lfs.BatchResponse
	if err := json.Unmarshal(data, &ans); err != nil || len(ans.Objects) != 1 {
		t.Fatalf("batch answer %s: %v", data, err)
	}
	return ans.Objects[0]
}

func TestLFSEndpoints(t *testing.T) {
	base, st := writeServer(t)
	content := []byte("some large file content")
	sum := sha256.Sum256(content)
	oid := hex.EncodeToString(sum[:])
	obj := batch(t, base, oid, int64(len(content)))
	if !obj.NeedsUpload() || obj.Actions.Verify == nil {
		t.Fatalf("object %+v: want upload and verify actions", obj)
	}
	href := obj.Actions.Upload.Href
	if resp, _ := do(t, http.MethodPut, strings.Replace(href, "sig=", "sig=0", 1), bytes.NewReader(content)); resp.StatusCode != 403 {
		t.Errorf("bad signature: %d", resp.StatusCode)
	}
	if resp, _ := do(t, http.MethodPut, href, strings.NewReader("other content of same size!")); resp.StatusCode != 400 {
		t.Errorf("wrong content: %d", resp.StatusCode)
	}
	verify := func() int {
		b, _ := json.Marshal(lfs.VerifyRequest{OID: lfs.OID(sum), Size: int64(len(content))})
		resp, _ := do(t, http.MethodPost, obj.Actions.Verify.Href, bytes.NewReader(b), "Authorization", "Bearer "+wTok)
		return resp.StatusCode
	}
	if got := verify(); got != 404 {
		t.Errorf("verify before upload: %d", got)
	}
	if resp, data := do(t, http.MethodPut, href, bytes.NewReader(content)); resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	if got := verify(); got != 200 {
		t.Errorf("verify after upload: %d", got)
	}
	if again := batch(t, base, oid, int64(len(content))); again.Actions != nil {
		t.Errorf("stored object still gets actions: %+v", again.Actions)
	}
	if _, ok := st.HasBlob(oid); !ok {
		t.Error("blob not stored")
	}
	// Invalid objects get a per-object 422 in a 200 answer.
	req := `{"operation":"upload","objects":[{"oid":"xyz","size":1}]}`
	resp, data := do(t, http.MethodPost, base+"/alice/r.git/info/lfs/objects/batch", strings.NewReader(req), "Authorization", "Bearer "+wTok)
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"code":422`) {
		t.Errorf("invalid oid: %d %s", resp.StatusCode, data)
	}
}

func TestMultipartEndpoints(t *testing.T) {
	base, st := writeServer(t)
	size := int64(multipartThreshold + 5)
	content := bytes.Repeat([]byte("0123456789abcdef"), int(size/16)+1)[:size]
	sum := sha256.Sum256(content)
	oid := hex.EncodeToString(sum[:])
	obj := batch(t, base, oid, size)
	m, err := lfs.ParseMultipart(obj.Actions.Upload, size)
	if err != nil {
		t.Fatal(err)
	}
	var parts []lfs.CompletionPart
	for i, u := range m.PartURLs {
		off := int64(i) * m.ChunkSize
		resp, data := do(t, http.MethodPut, u, bytes.NewReader(content[off:min(off+m.ChunkSize, size)]))
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
			t.Fatalf("part %d: %d %s", i+1, resp.StatusCode, data)
		}
		parts = append(parts, lfs.CompletionPart{PartNumber: i + 1, ETag: resp.Header.Get("ETag")})
	}
	complete := func(p []lfs.CompletionPart) int {
		b, _ := json.Marshal(lfs.CompletionRequest{OID: lfs.OID(sum), Parts: p})
		resp, _ := do(t, http.MethodPost, m.CompletionURL, bytes.NewReader(b), "Content-Type", lfs.MediaType)
		return resp.StatusCode
	}
	bad := append([]lfs.CompletionPart(nil), parts...)
	bad[0].ETag = `"nope"`
	if got := complete(bad); got != 400 {
		t.Errorf("wrong etag: %d", got)
	}
	if got := complete(parts[:1]); got != 400 {
		t.Errorf("missing parts: %d", got)
	}
	if got := complete(parts); got != 200 {
		t.Fatalf("completion: %d", got)
	}
	if n, ok := st.HasBlob(oid); !ok || n != size {
		t.Fatalf("blob %d %v", n, ok)
	}
	// A short part is refused.
	obj2 := batch(t, base, strings.Repeat("b", 64), size)
	m2, _ := lfs.ParseMultipart(obj2.Actions.Upload, size)
	if resp, _ := do(t, http.MethodPut, m2.PartURLs[0], strings.NewReader("short")); resp.StatusCode != 400 {
		t.Errorf("short part: %d", resp.StatusCode)
	}
}

func TestRepoManagementEndpoints(t *testing.T) {
	base, st := writeServer(t)
	auth := []string{"Authorization", "Bearer " + wTok}
	steps := []struct {
		method, path, body string
		hdr                []string
		status             int
	}{
		{"POST", "/api/repos/create", `{"name":"n","organization":"alice","type":"dataset","private":true}`, auth, 200},
		{"POST", "/api/repos/create", `{"name":"n","organization":"alice","type":"dataset"}`, auth, 409},
		{"POST", "/api/repos/create", `{"name":"n","organization":"bob"}`, auth, 403},
		{"POST", "/api/repos/create", `{"name":"n2"}`, nil, 401},
		{"POST", "/api/repos/create", `{"name":"n2","organization":null}`, auth, 200}, // the caller's namespace
		{"PUT", "/api/datasets/alice/n/settings", `{"gated":"manual","visibility":"public"}`, auth, 200},
		{"PUT", "/api/datasets/alice/n/settings", `{"gated":"sometimes"}`, auth, 400},
		{"PUT", "/api/datasets/alice/n/settings", `{}`, auth, 400},
		{"POST", "/api/datasets/alice/n/branch/dev", `{}`, auth, 200},
		{"POST", "/api/datasets/alice/n/branch/dev", `{}`, auth, 409},
		{"POST", "/api/datasets/alice/n/branch/refs%2Fpr%2F1", `{}`, auth, 400},
		{"POST", "/api/datasets/alice/n/tag/dev", `{"tag":"v1"}`, auth, 200},
		{"DELETE", "/api/datasets/alice/n/tag/v1", ``, auth, 200},
		{"DELETE", "/api/datasets/alice/n/tag/v1", ``, auth, 404},
		{"DELETE", "/api/datasets/alice/n/branch/dev", ``, auth, 200},
		{"POST", "/api/repos/move", `{"fromRepo":"alice/n","toRepo":"alice/m","type":"dataset"}`, auth, 200},
		{"POST", "/api/repos/move", `{"fromRepo":"alice/m","toRepo":"bob/m","type":"dataset"}`, auth, 403},
		{"DELETE", "/api/repos/delete", `{"name":"m","organization":"alice","type":"dataset"}`, auth, 200},
		{"DELETE", "/api/repos/delete", `{"name":"m","organization":"alice","type":"dataset"}`, auth, 404},
	}
	for _, s := range steps {
		resp, data := do(t, s.method, base+s.path, strings.NewReader(s.body), s.hdr...)
		if resp.StatusCode != s.status {
			t.Fatalf("%s %s %s: %d %s, want %d", s.method, s.path, s.body, resp.StatusCode, data, s.status)
		}
	}
	if info, err := st.Repo(store.Model, "alice/n2"); err != nil || info.Private {
		t.Errorf("alice/n2: %+v %v", info, err)
	}
}

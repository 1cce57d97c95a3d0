package reliability

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/store"
)

// sentinel is written beside the store: no request may read it.
const sentinel = "TOP-SECRET-SENTINEL-0xdeadbeef"

// storeHub starts a hardened hub whose store lives in parent/store, with
// a sentinel file in parent and one more in parent/store.
func storeHub(t *testing.T) (*hubtest.Server, string) {
	t.Helper()
	parent := t.TempDir()
	for _, p := range []string{filepath.Join(parent, "secret.txt"), filepath.Join(parent, "store", "secret.txt")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(sentinel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{"file.txt": []byte("hello"), "weights.bin": weights}
	hub := hubtest.NewServer(t, hubtest.WithDir(filepath.Join(parent, "store")),
		hubtest.WithToken(tokOwnerWrite, "acme", hubtest.Write),
		hubtest.WithToken(tokAdmin, "root", hubtest.Admin),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/public", Files: files}))
	return hub, parent
}

// TestServerPathsStayInStore sends request paths that try to climb out of
// the store (encoded, doubled, backslashed, NUL) to both listeners: none
// may return the sentinel or fail with 5xx.
func TestServerPathsStayInStore(t *testing.T) {
	hub, _ := storeHub(t)
	paths := []string{
		"/acme/public/resolve/main/..%2F..%2F..%2Fsecret.txt",
		"/acme/public/resolve/main/../../../secret.txt",
		"/acme/public/resolve/main/%2E%2E/%2E%2E/%2E%2E/secret.txt",
		"/acme/public/resolve/main/..%5C..%5C..%5Csecret.txt",
		"/acme/public/resolve/main/file.txt%00.png",
		"/acme/public/resolve/..%2F..%2F..%2F/secret.txt",
		"/acme/public/raw/main/..%2F..%2Fsecret.txt",
		"/..%2F..%2Fsecret/resolve/main/x",
		"/acme%2F..%2F..%2F..%2F/resolve/main/secret.txt",
		"/api/models/..%2F..%2F/tree/main",
		"/api/models/acme/..%2F..%2F..%2F/tree/main",
		"/api/models/acme/public/tree/main/..%2F..%2F..%2F..%2F",
		"/api/models/acme/public/tree/..%2F..%2F..%2F",
		"/api/models/acme/public/treesize/main/..%2F..",
		"/api/models/acme/public/commits/..%2F..%2F..%2Fsecret.txt",
		"/api/models/acme/public/revision/..%2F..",
		"/lfs-content/..%2F..%2Fsecret.txt/x",
		"/lfs-content/../../secret.txt",
		"/lfs-upload/..%2F..%2Fsecret.txt/5",
	}
	for _, base := range []string{hub.URL, hub.ContentURL} {
		for _, p := range paths {
			for _, tok := range []string{"", tokAdmin} {
				req, _ := http.NewRequest("GET", base+p, nil)
				if req == nil {
					continue
				}
				req.URL.RawPath = "" // send exactly p
				req.URL.Opaque = p
				if tok != "" {
					req.Header.Set("Authorization", "Bearer "+tok)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("GET %s: %v", p, err)
				}
				body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
				resp.Body.Close()
				if bytes.Contains(body, []byte(sentinel)) {
					t.Errorf("GET %s%s returned the file beside the store", base, p)
				}
				if resp.StatusCode >= 500 {
					t.Errorf("GET %s%s: %d %s", base, p, resp.StatusCode, body)
				}
			}
		}
	}
}

// TestServerRefusesHostileCommitPaths commits NDJSON operations naming
// paths outside the repository: each commit is refused with 400 and
// changes nothing; nothing appears outside the store.
func TestServerRefusesHostileCommitPaths(t *testing.T) {
	hub, parent := storeHub(t)
	before := headOf(hub, "acme/public")
	header := `{"key":"header","value":{"summary":"evil"}}`
	file := func(path string) string {
		b, _ := json.Marshal(map[string]any{"key": "file", "value": map[string]string{"path": path, "content": base64.StdEncoding.EncodeToString([]byte(sentinel)), "encoding": "base64"}})
		return string(b)
	}
	lfsFile := func(path, oid string) string {
		b, _ := json.Marshal(map[string]any{"key": "lfsFile", "value": map[string]any{"path": path, "algo": "sha256", "oid": oid, "size": len(weights)}})
		return string(b)
	}
	del := func(key, path string) string {
		b, _ := json.Marshal(map[string]any{"key": key, "value": map[string]string{"path": path}})
		return string(b)
	}
	bad := []string{"../escape.txt", "a/../../escape.txt", "/abs.txt", `a\..\..\escape.txt`, "nul\x00.txt",
		".git/config", "a/.git/hooks/x", "./x", "a//b", "", ".", ".."}
	var bodies []string
	for _, p := range bad {
		bodies = append(bodies, file(p), lfsFile(p, sha256Hex(weights)), del("deletedFile", p), del("deletedFolder", p))
	}
	bodies = append(bodies,
		lfsFile("ok.bin", "../../../secret.txt"),
		lfsFile("ok.bin", strings.Repeat("z", 64)),
		`{"key":"file","value":{"path":"x","content":"!!!","encoding":"base64"}}`,
		`{"key":"nonsense","value":{}}`,
		`not json`,
	)
	for _, line := range bodies {
		body := header + "\n" + line + "\n"
		status, msg := send(t, hub.URL, "POST", "/api/models/acme/public/commit/main", body, tokOwnerWrite)
		if status != http.StatusBadRequest && status != http.StatusNotFound && status != http.StatusUnprocessableEntity {
			t.Errorf("commit %.120q: %d %s; want 400", line, status, msg)
		}
	}
	if h := headOf(hub, "acme/public"); h != before {
		t.Fatalf("a refused commit moved main from %s to %s", before, h)
	}
	// Nothing new outside the store's own folder.
	filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(p, filepath.Join(parent, "store")+string(filepath.Separator)) && p != filepath.Join(parent, "secret.txt") {
			t.Errorf("file outside the store: %s", p)
		}
		return nil
	})
	// Creating or moving a repo to a hostile id is refused too.
	for _, body := range []string{
		`{"name":"..","organization":"acme"}`, `{"name":"../../x","organization":"acme"}`,
		`{"name":"x","organization":".."}`, `{"name":"a/b/c"}`, `{"name":"x\u0000y","organization":"acme"}`,
	} {
		status, msg := send(t, hub.URL, "POST", "/api/repos/create", body, tokAdmin)
		if status < 400 || status >= 500 {
			t.Errorf("create %s: %d %s", body, status, msg)
		}
	}
	for _, to := range []string{"../x", "acme/..", "acme/../../x", "/abs/x"} {
		status, msg := send(t, hub.URL, "POST", "/api/repos/move", `{"fromRepo":"acme/public","toRepo":"`+to+`"}`, tokAdmin)
		if status < 400 || status >= 500 {
			t.Errorf("move to %s: %d %s", to, status, msg)
		}
	}
	if !repoExists(hub, "acme/public") {
		t.Fatal("acme/public is gone")
	}
}

// TestServerBoundsBodiesAndHeaders sends oversized headers and bodies:
// each is refused with a 4xx and the server keeps serving.
func TestServerBoundsBodiesAndHeaders(t *testing.T) {
	hub, _ := storeHub(t)
	// A 2 MiB header.
	req, _ := http.NewRequest("GET", hub.URL+"/api/models/acme/public", nil)
	req.Header.Set("X-Big", strings.Repeat("h", 2<<20))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("2 MiB header: %d, want 431", resp.StatusCode)
		}
		resp.Body.Close()
	}
	// Oversized JSON and form bodies (streamed: the server must stop
	// reading, not buffer them).
	for _, tc := range []struct{ method, path, prefix string }{
		{"POST", "/api/repos/create", `{"name":"`},
		{"PUT", "/api/models/acme/public/settings", `{"gated":"`},
		{"POST", "/api/models/acme/public/preupload/main", `{"files":[{"path":"`},
		{"POST", "/acme/public.git/info/lfs/objects/batch", `{"operation":"`},
		{"POST", "/api/models/acme/public/paths-info/main", `paths=`},
	} {
		body := io.MultiReader(strings.NewReader(tc.prefix), &endless{n: 64 << 20})
		req, _ := http.NewRequest(tc.method, hub.URL+tc.path, body)
		req.Header.Set("Authorization", "Bearer "+tokAdmin)
		if strings.HasPrefix(tc.prefix, "{") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			// The server may close the connection once it stops reading.
			t.Logf("%s %s: %v", tc.method, tc.path, err)
			continue
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s %s with a 64 MiB body: %d %s; want a 4xx", tc.method, tc.path, resp.StatusCode, msg)
		}
	}
	if status, _ := send(t, hub.URL, "GET", "/api/models/acme/public", "", ""); status != 200 {
		t.Fatalf("server unhealthy afterwards: %d", status)
	}
}

// endless yields n bytes of 'a'.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n)
	for i := range k {
		p[i] = 'a'
	}
	e.n -= k
	return int(k), nil
}

// TestConcurrentCommitsSerialise commits from 16 goroutines to one branch:
// without a parent every commit lands, in one linear history holding every
// file; with the same parent exactly one wins and the rest get
// ErrCommitConflict.
func TestConcurrentCommitsSerialise(t *testing.T) {
	hub, _ := storeHub(t)
	c, _ := newClient(t, hub.URL, withToken(tokOwnerWrite))
	const n = 16
	base := headOf(hub, "acme/public")
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = c.CreateCommit(context.Background(), "acme/public",
				[]hfhub.CommitOperation{hfhub.AddFromBytes(fmt.Sprintf("c/%02d.txt", i), []byte(fmt.Sprint(i)))},
				&hfhub.CommitOptions{Message: fmt.Sprint("commit ", i)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("commit %d: %v", i, err)
		}
	}
	log, err := hub.Store().Log(store.Model, "acme/public", "main")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) < n+1 || log[n].ID != base {
		t.Fatalf("history: %d commits, the %d-th is not the base: commits were lost or interleaved", len(log), n)
	}
	for i := range n {
		if _, err := hub.Store().ReadFile(store.Model, "acme/public", "main", fmt.Sprintf("c/%02d.txt", i)); err != nil {
			t.Errorf("file of commit %d missing at head: %v", i, err)
		}
	}

	// Same parent: one winner.
	head := headOf(hub, "acme/public")
	wins, conflicts := 0, 0
	var mu sync.Mutex
	for i := range n {
		wg.Go(func() {
			_, err := c.CreateCommit(context.Background(), "acme/public",
				[]hfhub.CommitOperation{hfhub.AddFromBytes(fmt.Sprintf("p/%02d.txt", i), []byte("x"))},
				&hfhub.CommitOptions{Message: "racing", ParentCommit: head})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errorsIs(err, hfhub.ErrCommitConflict):
				conflicts++
			default:
				t.Errorf("commit with parent: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("same parent: %d wins, %d conflicts; want 1 and %d", wins, conflicts, n-1)
	}
}

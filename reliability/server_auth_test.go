package reliability

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/store"
)

// Tokens of the hardening table.
const (
	tokOwnerWrite = "hf_owner_write_token_000000"
	tokOwnerRead  = "hf_owner_read_token_0000000"
	tokOtherWrite = "hf_other_write_token_000000"
	tokAdmin      = "hf_admin_token_000000000000"
	tokWrong      = "hf_not_a_known_token_000000"
)

// tokenKind is one column of the table: the token sent and whether the
// route must let it through.
type tokenKind struct {
	name  string
	token string
}

var tokenKinds = []tokenKind{
	{"none", ""},
	{"wrong", tokWrong},
	{"read", tokOwnerRead},
	{"other-user-write", tokOtherWrite},
	{"owner-write", tokOwnerWrite},
	{"admin", tokAdmin},
}

// route is one row: a request against a fresh hub, and which token kinds
// may use it.
type route struct {
	name    string
	method  string
	path    string
	body    string
	allowed map[string]bool
	// changed reports whether the store was modified (write routes).
	changed func(*hubtest.Server) bool
}

var (
	readers = map[string]bool{"read": true, "owner-write": true, "admin": true}
	writers = map[string]bool{"owner-write": true, "admin": true}
	// contributors may open discussions and pull requests on a repo they
	// can read, and upload the LFS files of their pull requests, as on the Hub.
	contributors = map[string]bool{"owner-write": true, "admin": true, "other-user-write": true}
)

var weights = randomBytes(1000, 5)

// hardenedHub is a hub with users acme (read and write tokens), bob
// (write) and an admin, a private repo acme/private, a public acme/public
// and a gated acme/gated.
func hardenedHub(t *testing.T) *hubtest.Server {
	t.Helper()
	files := map[string][]byte{"file.txt": []byte("hello"), "weights.bin": weights}
	return hubtest.NewServer(t,
		hubtest.WithToken(tokOwnerWrite, "acme", hubtest.Write),
		hubtest.WithToken(tokOwnerRead, "acme", hubtest.Read),
		hubtest.WithToken(tokOtherWrite, "bob", hubtest.Write),
		hubtest.WithToken(tokAdmin, "root", hubtest.Admin),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/private", Private: true, Files: files}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/public", Files: files}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/gated", Gated: "manual", Files: files}),
	)
}

// headOf returns the commit of main of acme/public (or "" if gone).
func headOf(h *hubtest.Server, id string) string {
	c, err := h.Store().Resolve(store.Model, id, "main")
	if err != nil {
		return ""
	}
	return c.ID
}

// prCount counts the discussions and pull requests of acme/public.
func prCount(h *hubtest.Server) int {
	list, _ := h.Store().Discussions(store.Model, "acme/public")
	return len(list)
}

func repoExists(h *hubtest.Server, id string) bool {
	_, err := h.Store().Repo(store.Model, id)
	return err == nil
}

// TestServerAuthTable sends every private or write route with every kind
// of token to a fresh hub and checks that only the allowed kinds get
// through, and that refused writes change nothing.
func TestServerAuthTable(t *testing.T) {
	ndjson := `{"key":"header","value":{"summary":"x","description":""}}` + "\n" +
		`{"key":"file","value":{"path":"new.txt","content":"aGk=","encoding":"base64"}}` + "\n"
	routes := []route{
		// Reads of a private repo.
		{name: "info", method: "GET", path: "/api/models/acme/private", allowed: readers},
		{name: "revision", method: "GET", path: "/api/models/acme/private/revision/main", allowed: readers},
		{name: "tree", method: "GET", path: "/api/models/acme/private/tree/main", allowed: readers},
		{name: "paths-info", method: "POST", path: "/api/models/acme/private/paths-info/main", body: "paths=file.txt", allowed: readers},
		{name: "refs", method: "GET", path: "/api/models/acme/private/refs", allowed: readers},
		{name: "commits", method: "GET", path: "/api/models/acme/private/commits/main", allowed: readers},
		{name: "treesize", method: "GET", path: "/api/models/acme/private/treesize/main", allowed: readers},
		{name: "resolve HEAD", method: "HEAD", path: "/acme/private/resolve/main/file.txt", allowed: readers},
		{name: "resolve GET", method: "GET", path: "/acme/private/resolve/main/file.txt", allowed: readers},
		{name: "resolve LFS", method: "GET", path: "/acme/private/resolve/main/weights.bin", allowed: readers},
		{name: "raw", method: "GET", path: "/acme/private/raw/main/file.txt", allowed: readers},
		{name: "gated resolve", method: "GET", path: "/acme/gated/resolve/main/file.txt", allowed: readers},
		{name: "whoami", method: "GET", path: "/api/whoami-v2", allowed: map[string]bool{"read": true, "owner-write": true, "admin": true, "other-user-write": true}},
		// Writes.
		{name: "create", method: "POST", path: "/api/repos/create", body: `{"name":"new","organization":"acme"}`, allowed: writers,
			changed: func(h *hubtest.Server) bool { return repoExists(h, "acme/new") }},
		{name: "delete", method: "DELETE", path: "/api/repos/delete", body: `{"name":"public","organization":"acme"}`, allowed: writers,
			changed: func(h *hubtest.Server) bool { return !repoExists(h, "acme/public") }},
		{name: "move", method: "POST", path: "/api/repos/move", body: `{"fromRepo":"acme/public","toRepo":"acme/moved"}`, allowed: writers,
			changed: func(h *hubtest.Server) bool { return !repoExists(h, "acme/public") }},
		{name: "settings", method: "PUT", path: "/api/models/acme/public/settings", body: `{"private":true}`, allowed: writers,
			changed: func(h *hubtest.Server) bool {
				info, err := h.Store().Repo(store.Model, "acme/public")
				return err != nil || info.Private
			}},
		{name: "branch create", method: "POST", path: "/api/models/acme/public/branch/dev", body: `{}`, allowed: writers,
			changed: func(h *hubtest.Server) bool { return headOf(h, "acme/public") != "" && branchExists(h, "dev") }},
		{name: "branch delete", method: "DELETE", path: "/api/models/acme/public/branch/keep", allowed: writers,
			changed: func(h *hubtest.Server) bool { return !branchExists(h, "keep") }},
		{name: "tag", method: "POST", path: "/api/models/acme/public/tag/main", body: `{"tag":"v9"}`, allowed: writers,
			changed: func(h *hubtest.Server) bool {
				_, err := h.Store().Resolve(store.Model, "acme/public", "v9")
				return err == nil
			}},
		{name: "preupload", method: "POST", path: "/api/models/acme/public/preupload/main", body: `{"files":[{"path":"a.bin","sample":"","size":3}]}`, allowed: writers},
		{name: "commit", method: "POST", path: "/api/models/acme/public/commit/main", body: ndjson, allowed: writers,
			changed: func(h *hubtest.Server) bool { return headOf(h, "acme/public") != seedHead(h) }},
		{name: "commit to private", method: "POST", path: "/api/models/acme/private/commit/main", body: ndjson, allowed: writers,
			changed: func(h *hubtest.Server) bool { return headOf(h, "acme/private") != seedHeadOf(h, "acme/private") }},
		{name: "lfs batch", method: "POST", path: "/acme/public.git/info/lfs/objects/batch",
			body: `{"operation":"upload","transfers":["basic"],"objects":[{"oid":"` + strings.Repeat("a", 64) + `","size":3}]}`, allowed: contributors},
		{name: "lfs batch private", method: "POST", path: "/acme/private.git/info/lfs/objects/batch",
			body: `{"operation":"upload","transfers":["basic"],"objects":[{"oid":"` + strings.Repeat("a", 64) + `","size":3}]}`, allowed: writers},
		{name: "lfs verify", method: "POST", path: "/acme/public.git/info/lfs/objects/verify",
			body: `{"oid":"` + sha256Hex(weights) + `","size":1000}`, allowed: contributors},
		{name: "commit as PR", method: "POST", path: "/api/models/acme/public/commit/main?create_pr=1", body: ndjson, allowed: contributors,
			changed: func(h *hubtest.Server) bool { return prCount(h) > 0 }},
		{name: "commit as PR to private", method: "POST", path: "/api/models/acme/private/commit/main?create_pr=1", body: ndjson, allowed: writers},
		{name: "open discussion", method: "POST", path: "/api/models/acme/public/discussions", body: `{"title":"hello","description":"x"}`, allowed: contributors,
			changed: func(h *hubtest.Server) bool { return prCount(h) > 0 }},
		{name: "open discussion on private", method: "POST", path: "/api/models/acme/private/discussions", body: `{"title":"hello","description":"x"}`, allowed: writers},
		{name: "list discussions of private", method: "GET", path: "/api/models/acme/private/discussions", allowed: readers},
	}
	// Reads and refused writes share one hub (a refused write must leave
	// it untouched); an allowed write gets a fresh one.
	newHub := func(t *testing.T) *hubtest.Server {
		hub := hardenedHub(t)
		if err := hub.CreateBranch("model", "acme/public", "keep", ""); err != nil {
			t.Fatal(err)
		}
		rememberSeed(hub)
		return hub
	}
	shared := newHub(t)
	for _, rt := range routes {
		for _, tk := range tokenKinds {
			t.Run(rt.name+"/"+tk.name, func(t *testing.T) {
				hub := shared
				if rt.changed != nil && rt.allowed[tk.name] || rt.method != "GET" && rt.method != "HEAD" && rt.allowed[tk.name] {
					hub = newHub(t)
				}
				status, body := send(t, hub.URL, rt.method, rt.path, rt.body, tk.token)
				allowed := rt.allowed[tk.name]
				denied := status == 401 || status == 403 || status == 404
				switch {
				case allowed && (denied || status >= 500):
					t.Fatalf("%s %s with a %s token: %d %s; want it allowed", rt.method, rt.path, tk.name, status, body)
				case !allowed && !denied:
					t.Fatalf("%s %s with a %s token: %d %s; want 401, 403 or 404", rt.method, rt.path, tk.name, status, body)
				}
				if rt.changed != nil && !allowed && rt.changed(hub) {
					t.Fatalf("%s %s with a %s token was refused (%d) but changed the store", rt.method, rt.path, tk.name, status)
				}
				if rt.changed != nil && allowed && !rt.changed(hub) {
					t.Fatalf("%s %s with a %s token answered %d but changed nothing: the table's check is wrong", rt.method, rt.path, tk.name, status)
				}
			})
		}
	}
}

// seeds remembers the heads each hub started with.
var seeds = map[*hubtest.Server]map[string]string{}

func rememberSeed(h *hubtest.Server) {
	seeds[h] = map[string]string{"acme/public": headOf(h, "acme/public"), "acme/private": headOf(h, "acme/private")}
}

func seedHead(h *hubtest.Server) string              { return seeds[h]["acme/public"] }
func seedHeadOf(h *hubtest.Server, id string) string { return seeds[h][id] }

func branchExists(h *hubtest.Server, b string) bool {
	_, err := h.Store().Resolve(store.Model, "acme/public", b)
	return err == nil
}

// send makes one raw request and returns the status and the first bytes
// of the body.
func send(t *testing.T, base, method, path, body, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.HasPrefix(body, "{"):
		req.Header.Set("Content-Type", "application/json")
	case strings.Contains(path, "/commit/"):
		req.Header.Set("Content-Type", "application/x-ndjson")
	case body != "":
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	return resp.StatusCode, strings.TrimSpace(string(b))
}

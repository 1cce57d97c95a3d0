package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

// With WithResolveCache, /resolve/ of a regular file answers like the Hub's
// recordings: a 307 to a relative /api/resolve-cache/ URL, and that URL
// answers the file with the recorded final headers.
func TestResolveCacheMatchesRecordings(t *testing.T) {
	st := fixtureStore(t)
	ts, _ := testServer(t, st, WithResolveCache(true))
	for _, name := range []string{"models.resolve.config.json", "models.resolve.config.head.json",
		"datasets.resolve.readme.head.json", "spaces.resolve.readme.head.json"} {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "recorded", name))
			if err != nil {
				t.Fatal(err)
			}
			var rec recording
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatal(err)
			}
			resp, body := do(t, rec.Request.Method, ts.URL+rec.Request.Path, nil)
			if resp.StatusCode != rec.Response.Status || rec.Response.Status != http.StatusTemporaryRedirect {
				t.Fatalf("%s %s = %d, recorded %d\n%s", rec.Request.Method, rec.Request.Path, resp.StatusCode, rec.Response.Status, body)
			}
			for h := range rec.Response.Headers {
				if strings.HasPrefix(h, "X-") && h != "X-Powered-By" && h != "X-Hf-Warning" && resp.Header.Get(h) == "" {
					t.Errorf("307: header %s missing (recorded %q)", h, rec.Response.Headers[h])
				}
			}
			if resp.Header.Get("ETag") != "" {
				t.Errorf("307 carries an ETag %q; the Hub sends only X-Linked-Etag", resp.Header.Get("ETag"))
			}
			// Same Location shape, with our commit and etag.
			shape := regexp.MustCompile(`^/api/resolve-cache/(models|datasets|spaces)/[^/]+/[^/]+/[0-9a-f]{40}/[^?]+\?%2F[^=]+=&etag=%22[0-9a-f]{40}%22$`)
			loc := resp.Header.Get("Location")
			if !shape.MatchString(rec.Response.Headers["Location"]) || !shape.MatchString(loc) {
				t.Fatalf("Location %q does not have the recorded shape %q", loc, rec.Response.Headers["Location"])
			}
			if want := url.QueryEscape(rec.Request.Path) + "="; !strings.Contains(loc, "?"+want+"&") {
				t.Errorf("Location %q does not carry the original path %q", loc, want)
			}
			if !strings.Contains(loc, "/"+resp.Header.Get("X-Repo-Commit")+"/") || !strings.Contains(loc, url.QueryEscape(resp.Header.Get("X-Linked-Etag"))) {
				t.Errorf("Location %q does not name the commit %s and etag %s", loc, resp.Header.Get("X-Repo-Commit"), resp.Header.Get("X-Linked-Etag"))
			}
			final, content := do(t, rec.Request.Method, ts.URL+loc, nil)
			if final.StatusCode != rec.Final.Status {
				t.Fatalf("resolve-cache = %d, recorded %d", final.StatusCode, rec.Final.Status)
			}
			for _, h := range []string{"ETag", "X-Repo-Commit", "Accept-Ranges", "Content-Length", "Content-Disposition"} {
				if _, ok := rec.Final.Headers[http.CanonicalHeaderKey(h)]; ok || h == "ETag" {
					if final.Header.Get(h) == "" {
						t.Errorf("final: header %s missing", h)
					}
				}
			}
			if final.Header.Get("ETag") != resp.Header.Get("X-Linked-Etag") || final.Header.Get("X-Repo-Commit") != resp.Header.Get("X-Repo-Commit") {
				t.Errorf("final ETag %s commit %s, redirect said %s %s", final.Header.Get("ETag"), final.Header.Get("X-Repo-Commit"),
					resp.Header.Get("X-Linked-Etag"), resp.Header.Get("X-Repo-Commit"))
			}
			if rec.Request.Method == http.MethodGet {
				path := strings.SplitN(rec.Request.Path, "/resolve/main/", 2)[1]
				c, _ := st.Resolve(store.Model, "wzshiming/gpt2", "main")
				f, _ := c.File(path)
				if store.GitBlobID(content) != f.BlobID {
					t.Errorf("resolve-cache served other content: %q", content)
				}
			}
		})
	}
}

func TestResolveCacheAccessAndEdges(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	seed(t, st, store.Model, "alice/pub", map[string]string{"a.txt": "hello resolve-cache", "dir/b c.txt": "spaced", "w.safetensors": "lfs bytes"})
	seed(t, st, store.Model, "gpt9", map[string]string{"config.json": "{}"})
	if _, err := st.CreateRepo(ctx, store.Model, "alice/priv", store.CreateOptions{Private: true}); err != nil {
		t.Fatal(err)
	}
	seed(t, st, store.Model, "alice/priv", map[string]string{"a.txt": "secret"})
	if _, err := st.CreateRepo(ctx, store.Model, "alice/gated", store.CreateOptions{Gated: "auto"}); err != nil {
		t.Fatal(err)
	}
	seed(t, st, store.Model, "alice/gated", map[string]string{"a.txt": "gated"})
	ts, _ := testServer(t, st, WithResolveCache(true), WithTokens(Tokens{"hf_alice": {Name: "alice", Role: RoleRead}, "hf_bob": {Name: "bob", Role: RoleRead}}))
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

	follow := func(t *testing.T, p string, hdr ...string) (*http.Response, *http.Response, []byte) {
		t.Helper()
		first, _ := do(t, http.MethodGet, ts.URL+p, nil, hdr...)
		if first.StatusCode != http.StatusTemporaryRedirect {
			return first, nil, nil
		}
		second, body := do(t, http.MethodGet, ts.URL+first.Header.Get("Location"), nil, hdr...)
		return first, second, body
	}
	// A path with a space, and a Range through the redirect.
	_, final, body := follow(t, "/alice/pub/resolve/main/dir/b%20c.txt")
	if final == nil || final.StatusCode != 200 || string(body) != "spaced" {
		t.Fatalf("spaced path: %v %q", final, body)
	}
	first, _ := do(t, http.MethodGet, ts.URL+"/alice/pub/resolve/main/a.txt", nil)
	resp, body := do(t, http.MethodGet, ts.URL+first.Header.Get("Location"), nil, "Range", "bytes=6-10")
	if resp.StatusCode != 206 || string(body) != "resol" || resp.Header.Get("Content-Range") != "bytes 6-10/19" {
		t.Fatalf("range through resolve-cache: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// LFS files still get the 302 to the content URL.
	if resp, _ := do(t, http.MethodHead, ts.URL+"/alice/pub/resolve/main/w.safetensors", nil); resp.StatusCode != 302 || resp.Header.Get("X-Linked-Size") == "" {
		t.Fatalf("LFS file: %d", resp.StatusCode)
	}
	// A missing file answers 404 EntryNotFound at /resolve/ (no redirect).
	if resp, _ := do(t, http.MethodHead, ts.URL+"/alice/pub/resolve/main/nope.txt", nil); resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "EntryNotFound" || resp.Header.Get("X-Repo-Commit") == "" {
		t.Fatalf("missing file: %d %v", resp.StatusCode, resp.Header)
	}
	// Legacy ids.
	if _, final, body := follow(t, "/gpt9/resolve/main/config.json"); final == nil || final.StatusCode != 200 || string(body) != "{}" {
		t.Fatalf("legacy id: %v %q", final, body)
	}
	// A private repo: the owner follows with the token; the resolve-cache
	// URL itself refuses callers without access.
	first, final, body = follow(t, "/alice/priv/resolve/main/a.txt", bearer("hf_alice")...)
	if final == nil || final.StatusCode != 200 || string(body) != "secret" {
		t.Fatalf("private repo for its owner: %d %v %q", first.StatusCode, final, body)
	}
	loc := first.Header.Get("Location")
	if resp, _ := do(t, http.MethodGet, ts.URL+loc, nil); resp.StatusCode != 401 || resp.Header.Get("X-Error-Code") != "RepoNotFound" {
		t.Fatalf("private resolve-cache, anonymous: %d", resp.StatusCode)
	}
	if resp, _ := do(t, http.MethodGet, ts.URL+loc, nil, bearer("hf_bob")...); resp.StatusCode != 404 {
		t.Fatalf("private resolve-cache, other user: %d", resp.StatusCode)
	}
	// A gated repo: the owner passes; bob gets 403 GatedRepo at /resolve/.
	if _, final, _ := follow(t, "/alice/gated/resolve/main/a.txt", bearer("hf_alice")...); final == nil || final.StatusCode != 200 {
		t.Fatal("gated repo for its owner")
	}
	if resp, _ := do(t, http.MethodGet, ts.URL+"/alice/gated/resolve/main/a.txt", nil, bearer("hf_bob")...); resp.StatusCode != 403 || resp.Header.Get("X-Error-Code") != "GatedRepo" {
		t.Fatalf("gated /resolve/ for bob: %d", resp.StatusCode)
	}
	gatedLoc := strings.Replace(loc, "alice/priv", "alice/gated", 1)
	c, _ := st.Resolve(store.Model, "alice/gated", "main")
	gatedLoc = regexp.MustCompile(`[0-9a-f]{40}/a\.txt`).ReplaceAllString(gatedLoc, c.ID+"/a.txt")
	if resp, _ := do(t, http.MethodGet, ts.URL+gatedLoc, nil, bearer("hf_bob")...); resp.StatusCode != 403 || resp.Header.Get("X-Error-Code") != "GatedRepo" {
		t.Fatalf("gated resolve-cache for bob: %d", resp.StatusCode)
	}
	// Bad resolve-cache URLs.
	for _, p := range []string{"/api/resolve-cache/", "/api/resolve-cache/widgets/a/b/c/d", "/api/resolve-cache/models/alice/pub/main"} {
		if resp, _ := do(t, http.MethodGet, ts.URL+p, nil); resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// Renamed repos redirect at resolve-cache too, keeping the rest.
	if err := st.MoveRepo(ctx, store.Model, "alice/pub", "alice/moved"); err != nil {
		t.Fatal(err)
	}
	pubLoc := strings.Replace(loc, "alice/priv", "alice/pub", 1)
	resp, _ = do(t, http.MethodGet, ts.URL+pubLoc, nil)
	if resp.StatusCode != 307 || !strings.HasPrefix(resp.Header.Get("Location"), "/api/resolve-cache/models/alice/moved/") {
		t.Fatalf("renamed repo at resolve-cache: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Off by default: 200 directly.
	plain, _ := testServer(t, st)
	if resp, body := do(t, http.MethodGet, plain.URL+"/gpt9/resolve/main/config.json", nil); resp.StatusCode != 200 || string(body) != "{}" {
		t.Fatalf("default server: %d", resp.StatusCode)
	}
}

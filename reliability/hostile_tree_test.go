package reliability

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
)

// hostileTreeHub serves acme/model at fakeCommit with a tree listing whose
// entries are the given paths, each with content "content of <path>" and a
// matching git blob id, so a client that trusts the names would write them.
func hostileTreeHub(t *testing.T, paths []string) *rawHub {
	t.Helper()
	content := func(p string) []byte { return []byte("content of " + p) }
	return newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/api/models/acme/model/revision/"):
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"id": matrixRepo, "sha": fakeCommit, "siblings": []any{}})
		case strings.HasPrefix(p, "/api/models/acme/model/tree/"):
			var ents []map[string]any
			for _, name := range paths {
				c := content(name)
				ents = append(ents, map[string]any{"type": "file", "oid": gitSHA1Hex(c), "size": len(c), "path": name})
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(ents)
		case strings.Contains(p, "/resolve/"):
			_, rest, _ := strings.Cut(r.URL.EscapedPath(), "/resolve/"+fakeCommit+"/")
			name, _ := url.PathUnescape(rest)
			c := content(name)
			fileHeaders(w, gitSHA1Hex(c), len(c))
			if r.Method == http.MethodGet {
				serveBytes(w, r, c)
			}
		default:
			http.NotFound(w, r)
		}
	})
}

// assertConfined fails if any regular file or symlink under root lies
// outside the allowed folders.
func assertConfined(t *testing.T, root string, allowed ...string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		for _, a := range allowed {
			if strings.HasPrefix(p, a+string(filepath.Separator)) {
				return nil
			}
		}
		t.Errorf("file written outside its folder: %s", p)
		return nil
	})
}

// TestHostileTreeNames points Snapshot (cache and local-dir modes) and
// Download at a server whose listing names files "../x", "/x", "a\x",
// "x\x00y", 300-character names and names differing only in case. Nothing
// may be written outside the snapshot or local folder; the well-formed
// files must be intact.
func TestHostileTreeNames(t *testing.T) {
	long := strings.Repeat("n", 300) + ".txt"
	hostile := []string{
		"../escape1.txt",
		"sub/../../escape2.txt",
		"sub/../../../../escape3.txt",
		"/abs-escape.txt",
		`..\escape4.txt`,
		`sub\..\..\escape5.txt`,
		"nul\x00.txt",
		"./dot.txt",
		"a//b.txt",
		long,
	}
	safe := []string{"good.txt", "Case.txt", "case.txt", "dir/CASE.txt"}
	for _, mode := range []string{"cache", "local-dir"} {
		for _, bad := range hostile {
			t.Run(mode+"/"+strings.ReplaceAll(bad, "\x00", `\0`)[:min(len(bad), 30)], func(t *testing.T) {
				rh := hostileTreeHub(t, append([]string{bad}, safe...))
				c, cacheDir := newClient(t, rh.URL, func(cc *clientConfig) {
					// Deep enough that "../../../../" stays inside the temp dir.
					cc.cfg.CacheDir = filepath.Join(cc.cfg.HFHome, "a", "b", "c", "hub")
				})
				home := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(cacheDir))))
				local := filepath.Join(filepath.Dir(cacheDir), "local")
				o := &hfhub.SnapshotOptions{}
				if mode == "local-dir" {
					o.LocalDir = local
				}
				dir, err := c.Snapshot(t.Context(), matrixRepo, o)
				t.Logf("Snapshot: %q, %v", dir, err)
				assertConfined(t, home, cacheDir, local)
				if err == nil {
					for _, s := range safe {
						got, rerr := os.ReadFile(filepath.Join(dir, filepath.FromSlash(s)))
						if rerr != nil || string(got) != "content of "+s {
							t.Errorf("%s: %q, %v", s, got, rerr)
						}
					}
				}
				// A single-file download of the hostile name is refused
				// before any request.
				n := len(rh.requests())
				if _, err := c.Download(t.Context(), matrixRepo, bad, &hfhub.DownloadOptions{Revision: fakeCommit, LocalDir: o.LocalDir}); err == nil && bad != long {
					t.Errorf("Download(%q) succeeded", bad)
				}
				if bad != long && len(rh.requests()) != n {
					t.Errorf("Download(%q) sent a request", bad)
				}
				assertConfined(t, home, cacheDir, local)
				assertCacheClean(t, cacheDir)
			})
		}
	}
}

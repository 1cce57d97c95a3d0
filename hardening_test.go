package hfhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileHub is a loopback server answering like a broken or malicious
// Hub: routes maps "METHOD path" to a handler.
func hostileHub(t *testing.T, routes map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.Method+" "+r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.Error(w, `{"error":"not here"}`, http.StatusNotFound)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func jsonAnswer(v any, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
}

const goodSHA = "0123456789abcdef0123456789abcdef01234567"

func TestHostileCommitSHA(t *testing.T) {
	for _, sha := range []string{"../../../../tmp/evil", "ABCDEF0123456789ABCDEF0123456789ABCDEF01", "abc", strings.Repeat("g", 40)} {
		ts := hostileHub(t, map[string]http.HandlerFunc{
			"GET /api/models/acme/m":               jsonAnswer(map[string]any{"id": "acme/m", "sha": sha}),
			"GET /api/models/acme/m/revision/main": jsonAnswer(map[string]any{"id": "acme/m", "sha": sha}),
			"HEAD /acme/m/resolve/main/a.txt": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(HeaderRepoCommit, sha)
				w.Header().Set("ETag", `"`+goodSHA+`"`)
				w.Header().Set("Content-Length", "1")
			},
		})
		c, _ := newTestClient(t, ts.URL)
		home := c.CacheDir()
		if _, err := c.ModelInfo(t.Context(), "acme/m", nil); !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "not 40 lowercase hex") {
			t.Errorf("ModelInfo with sha %q: %v, want a clear ErrServer", sha, err)
		}
		if _, err := c.Snapshot(t.Context(), "acme/m", nil); err == nil {
			t.Errorf("Snapshot with sha %q succeeded", sha)
		}
		if _, err := c.Download(t.Context(), "acme/m", "a.txt", nil); err == nil {
			t.Errorf("Download with X-Repo-Commit %q succeeded", sha)
		}
		// Nothing was written under a name the server chose.
		filepath.Walk(home, func(p string, fi os.FileInfo, err error) error {
			if err == nil && (strings.Contains(p, "evil") || filepath.Base(filepath.Dir(p)) == "snapshots") {
				t.Errorf("%s written", p)
			}
			return nil
		})
		if _, err := os.Stat("/tmp/evil"); err == nil {
			t.Fatal("/tmp/evil exists")
		}
	}
}

func TestHostileTreeEntries(t *testing.T) {
	ts := hostileHub(t, map[string]http.HandlerFunc{
		"GET /api/models/acme/m/revision/main": jsonAnswer(map[string]any{"id": "acme/m", "sha": goodSHA}),
		"GET /api/models/acme/m/tree/" + goodSHA: jsonAnswer([]map[string]any{
			{"type": "file", "path": "ok.txt", "oid": "1", "size": 2},
			{"type": "file", "path": "", "oid": "2", "size": 1},
			{"type": "file", "path": "../escape.txt", "oid": "3", "size": 1},
			{"type": "file", "path": "a/../../x", "oid": "4", "size": 1},
			{"type": "file", "path": "/abs", "oid": "5", "size": 1},
		}),
		"GET /api/models/acme/m/tree/main": jsonAnswer([]map[string]any{
			{"type": "file", "path": "ok.txt"}, {"type": "file", "path": ".."}, {"type": "directory", "path": ""},
		}),
		"GET /acme/m/resolve/" + goodSHA + "/ok.txt": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(HeaderRepoCommit, goodSHA)
			w.Header().Set("ETag", `"d81cc0c8d9ab7ac8ec0a4a7fbb2ea3d7dd10dc04"`)
			w.Write([]byte("ok"))
		},
	})
	var logs bytes.Buffer
	c, _ := newTestClient(t, ts.URL, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	files, err := c.ListRepoFiles(t.Context(), "acme/m", nil)
	if err != nil || len(files) != 1 || files[0] != "ok.txt" {
		t.Fatalf("ListRepoFiles = %q, %v; want only ok.txt", files, err)
	}
	if !strings.Contains(logs.String(), "unsafe path") {
		t.Errorf("no warning logged for the skipped entries: %q", logs.String())
	}
	dir := t.TempDir()
	local := filepath.Join(dir, "local")
	got, err := c.Snapshot(t.Context(), "acme/m", &SnapshotOptions{DownloadOptions: DownloadOptions{LocalDir: local}})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	entries, _ := os.ReadDir(got)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.txt")); err == nil {
		t.Fatal("a listed ../escape.txt was written outside the folder")
	}
	if b, err := os.ReadFile(filepath.Join(got, "ok.txt")); err != nil || string(b) != "ok" {
		t.Fatalf("ok.txt: %q, %v (folder has %v)", b, err, names)
	}
}

func TestHostileCommitAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  map[string]any
		want string
	}{
		{"pr without URL", map[string]any{"success": true, "commitOid": goodSHA, "commitUrl": "x"}, "names no pull request URL"},
		{"bad commit id", map[string]any{"success": true, "commitOid": "../x", "pullRequestUrl": "http://h/acme/m/discussions/1"}, "not 40 lowercase hex"},
	} {
		ts := hostileHub(t, map[string]http.HandlerFunc{
			"POST /api/validate-yaml":                jsonAnswer(map[string]any{"errors": []any{}, "warnings": []any{}}),
			"POST /api/models/acme/m/preupload/main": jsonAnswer(map[string]any{"files": []map[string]any{{"path": "a.txt", "uploadMode": "regular", "shouldIgnore": false}}}),
			"POST /api/models/acme/m/commit/main":    jsonAnswer(tc.out),
		})
		c, _ := newTestClient(t, ts.URL, WithToken("hf_x"))
		_, err := c.CreateCommit(t.Context(), "acme/m", []CommitOperation{AddFromBytes("a.txt", []byte("a"))}, &CommitOptions{Message: "m", CreatePR: true})
		if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrServer naming %q", tc.name, err, tc.want)
		}
	}
}

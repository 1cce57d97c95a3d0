package reliability

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// partials lists the resumable temporaries in a repo's blobs folder.
func partials(t *testing.T, cacheDir, repo string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(cacheDir, "models--"+strings.ReplaceAll(repo, "/", "--"), "blobs", "*.incomplete"))
	return m
}

// TestResumeAfterFileChanged covers a download cut half way whose file
// then changes on the Hub (a new commit): the next download fetches and
// verifies the new content; the old partial, named by the old etag, is
// never stitched into the new file.
func TestResumeAfterFileChanged(t *testing.T) {
	v1 := randomBytes(12<<20, 21) // journaled: over the engine's 8 MiB minimum
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: matrixRepo, Files: map[string][]byte{"model.bin": v1}}))
	content := sha256Hex(v1)
	hub.Fail(hubtest.Fault{Match: content, DropAfter: int64(len(v1) / 2)})
	hub.Fail(hubtest.Fault{Match: content, Status: http.StatusServiceUnavailable, Times: -1})
	c, cacheDir := newClient(t, hub.URL, retries(0))
	if _, err := c.Download(t.Context(), matrixRepo, "model.bin", nil); err == nil {
		t.Fatal("the cut download succeeded")
	}
	if len(partials(t, cacheDir, matrixRepo)) == 0 {
		t.Fatal("no partial download kept after the cut")
	}
	v2 := append([]byte(nil), v1...)
	for i := len(v2) / 4; i < len(v2); i += 4096 {
		v2[i] ^= 0xff // changes in both halves
	}
	if _, err := hub.Commit("model", matrixRepo, "main", "new weights", map[string][]byte{"model.bin": v2}, nil); err != nil {
		t.Fatal(err)
	}
	hub.ClearFaults()
	before := hub.BodyBytes()
	p, err := c.Download(t.Context(), matrixRepo, "model.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, v2) {
		t.Fatal("the download after the change does not hold the new content")
	}
	if moved := hub.BodyBytes() - before; moved < int64(len(v2)) {
		t.Errorf("the new file came with %d bytes of %d: part of the old partial was reused", moved, len(v2))
	}
	assertCacheClean(t, cacheDir)
}

// TestResumeWhenServerChangesBytesUnderOneEtag covers a broken server (or
// mirror) that serves other bytes under the same etag after a cut: the
// resumed file fails its sha256 check, the partial is discarded, and
// nothing is published.
func TestResumeWhenServerChangesBytesUnderOneEtag(t *testing.T) {
	v1 := randomBytes(256<<10, 11)
	v2 := append([]byte(nil), v1...)
	for i := len(v2) / 2; i < len(v2); i++ {
		v2[i] ^= 0x5a
	}
	etag := sha256Hex(v1)
	var gets atomic.Int32
	rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		fileHeaders(w, etag, len(v1))
		if r.Method == http.MethodHead {
			return
		}
		if gets.Add(1) == 1 { // the first transfer is cut half way
			w.Header().Set("Content-Length", itoa(int64(len(v1))))
			w.WriteHeader(http.StatusOK)
			w.Write(v1[:len(v1)/2])
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		}
		serveBytes(w, r, v2) // then other bytes under the same etag
	})
	c, cacheDir := newClient(t, rh.URL, retries(0))
	if _, err := c.Download(t.Context(), matrixRepo, "f.bin", nil); err == nil {
		t.Fatal("the cut download succeeded")
	}
	c2, _ := newClient(t, rh.URL, retries(2), func(cc *clientConfig) {
		cc.cfg.HFHome, cc.cfg.CacheDir = filepath.Dir(cacheDir), cacheDir
	})
	_, err := c2.Download(t.Context(), matrixRepo, "f.bin", nil)
	if !errors.Is(err, hfhub.ErrChecksumMismatch) {
		t.Fatalf("want ErrChecksumMismatch, got %v", err)
	}
	t.Logf("error (as wanted): %v", err)
	if n := blobCount(t, cacheDir, matrixRepo); n != 0 {
		t.Errorf("%d blob(s) published from mismatching bytes", n)
	}
	assertCacheClean(t, cacheDir)
}

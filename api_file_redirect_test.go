package hfhub

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/server"
)

func TestNormalizeEtagLikePython(t *testing.T) {
	// Expected values are Python's etag.lstrip("W/").strip('"').
	for in, want := range map[string]string{
		`"abc"`:          "abc",
		`W/"abc"`:        "abc",
		`abc`:            "abc",
		`W/W/"abc"`:      "abc",
		`WW//"abc"`:      "abc",
		`/"abc"`:         "abc",
		`Wabc`:           "abc", // a leading W of the value goes too, as in Python
		`"W/abc"`:        "W/abc",
		`""abc""`:        "abc",
		`w/"abc"`:        `w/"abc`, // lstrip is case-sensitive; strip('"') only trims the end here
		` "abc"`:         ` "abc`,  // no whitespace trimming
		`"a"b"`:          `a"b`,
		`W/`:             "",
		"":               "",
		`"7c5d3f4b8b"`:   "7c5d3f4b8b",
		`W/"7c5d3f4b8b"`: "7c5d3f4b8b",
	} {
		if got := NormalizeEtag(in); got != want {
			t.Errorf("NormalizeEtag(%q) = %q, want %q", in, got, want)
		}
	}
}

// countingServer serves h on a loopback port and counts requests by path.
type countingServer struct {
	URL  string
	mu   sync.Mutex
	reqs []string
}

func (s *countingServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func serveLoopback(t *testing.T, h http.Handler) *countingServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingServer{URL: "http://" + ln.Addr().String()}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		cs.reqs = append(cs.reqs, r.Method+" "+r.URL.Path)
		cs.mu.Unlock()
		h.ServeHTTP(w, r)
	})}
	go hs.Serve(ln) // returns when closed
	t.Cleanup(func() { hs.Close() })
	return cs
}

// An hf serve style server answers LFS files with an ABSOLUTE redirect to
// its own host and port. FileMetadata must not follow it (Python follows
// only relative redirects): the metadata comes from the 302's headers and
// Location is the content URL. Downloads still work through it.
func TestFileMetadataDoesNotFollowAbsoluteSameOriginRedirect(t *testing.T) {
	weights := randomBytes(5000, 9)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/same", Files: map[string][]byte{
		"w.bin": weights, "config.json": []byte(`{"x":1}`),
	}}))
	// The same repositories, served with LFS content on the same origin.
	same := serveLoopback(t, server.New(hub.Store()))
	c, _ := dlClient(t, &hubtest.Server{URL: same.URL})
	ctx := t.Context()

	m, err := c.FileMetadata(ctx, "acme/same", "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !IsCommitHash(m.CommitHash) || m.Etag != sha256hex(weights) || m.Size != int64(len(weights)) {
		t.Errorf("metadata from the 302 = %+v", m)
	}
	if !strings.HasPrefix(m.Location, same.URL+"/lfs-content/") {
		t.Errorf("Location = %q, want the absolute content URL on %s", m.Location, same.URL)
	}
	if reqs := same.requests(); len(reqs) != 1 || !strings.HasPrefix(reqs[0], "HEAD /acme/same/resolve/") {
		t.Errorf("requests %v: the absolute redirect was followed", reqs)
	}

	// A regular file: no redirect, size from Content-Length.
	m, err = c.FileMetadata(ctx, "acme/same", "config.json", nil)
	if err != nil || m.Size != int64(len(`{"x":1}`)) || m.Etag == "" {
		t.Errorf("config.json metadata = %+v, %v", m, err)
	}

	// The download path shares this HEAD and still fetches the file.
	p, err := c.Download(ctx, "acme/same", "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, weights) {
		t.Errorf("download through the same-origin redirect: %v", err)
	}
}

// A redirect's own Content-Length is never taken for the file's size.
func TestFileMetadataRedirectWithoutLinkedSize(t *testing.T) {
	target := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	}))
	front := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderRepoCommit, strings.Repeat("a", 40))
		w.Header().Set(HeaderLinkedEtag, `"`+strings.Repeat("b", 64)+`"`)
		w.Header().Set("Location", target.URL+"/blob")
		w.Header().Set("Content-Length", "17")
		w.WriteHeader(http.StatusFound)
	}))
	c, _ := dlClient(t, &hubtest.Server{URL: front.URL})
	m, err := c.FileMetadataURL(t.Context(), front.URL+"/acme/x/resolve/main/w.bin")
	if err != nil {
		t.Fatal(err)
	}
	if m.Size != -1 || m.Location != target.URL+"/blob" || m.Etag != strings.Repeat("b", 64) {
		t.Errorf("metadata = %+v: want size -1 (unknown), the Location, the linked etag", m)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("%d requests reached the redirect target", n)
	}
}

package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

// testServer serves st over loopback with the LFS content on a second
// listener, like hubtest does (hubtest cannot be imported here: it imports
// this package).
func testServer(t *testing.T, st *store.Store, opts ...Option) (*httptest.Server, *Server) {
	t.Helper()
	var srv *Server
	content := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ContentHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(content.Close)
	srv = New(st, append([]Option{WithContentURL(content.URL)}, opts...)...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, srv
}

func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// seed creates a repo (if needed) and commits files to main.
func seed(t *testing.T, st *store.Store, typ store.RepoType, id string, files map[string]string) *store.Commit {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Repo(typ, id); err != nil {
		if _, err := st.CreateRepo(ctx, typ, id, store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var ops []store.Op
	for p, c := range files {
		b, err := st.PutBlob(ctx, strings.NewReader(c))
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, store.Op{Kind: store.OpAdd, Path: p, SHA256: b.SHA256})
	}
	res, err := st.Commit(ctx, typ, id, store.CommitRequest{Title: "Upload files", Author: "alice", Ops: ops})
	if err != nil {
		t.Fatal(err)
	}
	return res.Commit
}

// do sends a request without following redirects.
func do(t *testing.T, method, url string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

// tinySafetensors returns a valid safetensors file with one F32 tensor of n values.
func tinySafetensors(n int) string {
	hdr := `{"w":{"dtype":"F32","shape":[` + strconv.Itoa(n) + `],"data_offsets":[0,` + strconv.Itoa(4*n) + `]}}`
	for len(hdr)%8 != 0 {
		hdr += " "
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.Write(make([]byte, 4*n))
	return b.String()
}

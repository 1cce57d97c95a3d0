package reliability

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCommit is the commit a raw hub claims for every file.
const fakeCommit = "0123456789abcdef0123456789abcdef01234567"

// rawHub is a plain net/http server on loopback that a test scripts to
// misbehave in ways hubtest cannot: hostile JSON, changing etags, redirect
// loops, endless pages.
type rawHub struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
	auth  []string
}

// newRawHub serves h on 127.0.0.1 and logs every request path and
// Authorization header.
func newRawHub(t testing.TB, h http.HandlerFunc) *rawHub {
	t.Helper()
	rh := &rawHub{}
	rh.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rh.mu.Lock()
		rh.paths = append(rh.paths, r.Method+" "+r.URL.RequestURI())
		rh.auth = append(rh.auth, r.Header.Get("Authorization"))
		rh.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(rh.Close)
	return rh
}

// requests returns the logged "METHOD /path?query" lines.
func (rh *rawHub) requests() []string {
	rh.mu.Lock()
	defer rh.mu.Unlock()
	return append([]string(nil), rh.paths...)
}

// authHeaders returns the Authorization headers received (empty strings
// for requests without one).
func (rh *rawHub) authHeaders() []string {
	rh.mu.Lock()
	defer rh.mu.Unlock()
	return append([]string(nil), rh.auth...)
}

// fileHeaders sets the /resolve/ metadata headers of a Hub file.
func fileHeaders(w http.ResponseWriter, etag string, size int) {
	h := w.Header()
	h.Set("X-Repo-Commit", fakeCommit)
	h.Set("ETag", `"`+etag+`"`)
	h.Set("Content-Length", strconv.Itoa(size))
	h.Set("Accept-Ranges", "bytes")
}

// serveBytes answers a GET with data, honouring a simple "bytes=a-" or
// "bytes=a-b" Range.
func serveBytes(w http.ResponseWriter, r *http.Request, data []byte) {
	if rg := r.Header.Get("Range"); rg != "" {
		spec := strings.TrimPrefix(rg, "bytes=")
		a, b, _ := strings.Cut(spec, "-")
		start, err := strconv.Atoi(a)
		end := len(data) - 1
		if b != "" {
			if e, err2 := strconv.Atoi(b); err2 == nil {
				end = min(e, len(data)-1)
			}
		}
		if err == nil && start <= end {
			w.Header().Set("Content-Range", "bytes "+strconv.Itoa(start)+"-"+strconv.Itoa(end)+"/"+strconv.Itoa(len(data)))
			w.Header().Set("Content-Length", strconv.Itoa(end-start+1))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(data[start : end+1])
			return
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// slowLoris accepts connections on loopback and answers each request by
// trickling an endless header, one byte every interval, until the client
// gives up or the test ends.
func slowLoris(t testing.TB, interval time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for { // read the request head
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				msg := "HTTP/1.1 200 OK\r\nX-Padding: " + strings.Repeat("a", 1<<20)
				for i := 0; i < len(msg); i++ {
					if _, err := conn.Write([]byte{msg[i]}); err != nil {
						return
					}
					select {
					case <-done:
						return
					case <-time.After(interval):
					}
				}
			})
		}
	})
	return "http://" + ln.Addr().String()
}

// closedPort returns a loopback URL on which nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

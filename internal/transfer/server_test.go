package transfer

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// testServer serves one file at /data (and a redirect to it at /redirect)
// over loopback, with fault knobs. It is a real net/http server: faults
// happen on real TCP connections.
type testServer struct {
	*httptest.Server
	data []byte

	mu          sync.Mutex
	ignoreRange bool
	faults      []fault
	reqs        []logged
	capPerReq   int64         // >0: send at most this many body bytes, then block
	release     chan struct{} // closed to unblock capped requests

	sent      atomic.Int64 // body bytes written
	redirects atomic.Int64
}

type fault struct {
	status    int   // answer with this status
	dropAfter int64 // >0: kill the connection after this many body bytes
	corruptAt int64 // >=0 with corrupt: flip the byte at this file offset
	corrupt   bool
	stall     bool // with dropAfter: block instead of dropping
	times     int  // how many requests it hits (0 = 1, -1 = all)
}

type logged struct {
	Path, Range string
}

func newTestServer(t testing.TB, data []byte) *testServer {
	s := &testServer{data: data, release: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Start()
	t.Cleanup(func() {
		s.unblock()
		s.Close()
	})
	return s
}

func (s *testServer) setCap(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.capPerReq = n
}

// unblock releases requests stalled by a fault or the cap, and lifts the cap.
func (s *testServer) unblock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.capPerReq = 0
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

func (s *testServer) addFault(f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.times == 0 {
		f.times = 1
	}
	s.faults = append(s.faults, f)
}

func (s *testServer) setIgnoreRange(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ignoreRange = v
}

func (s *testServer) requests() []logged {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]logged(nil), s.reqs...)
}

func (s *testServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/redirect" {
		s.redirects.Add(1)
		http.Redirect(w, r, s.URL+"/data?sig=secret", http.StatusFound)
		return
	}
	if r.URL.Path != "/data" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, logged{r.URL.Path, r.Header.Get("Range")})
	var f *fault
	if len(s.faults) > 0 {
		cp := s.faults[0]
		f = &cp
		if s.faults[0].times > 0 {
			s.faults[0].times--
			if s.faults[0].times == 0 {
				s.faults = s.faults[1:]
			}
		}
	}
	ignore, capPerReq, release := s.ignoreRange, s.capPerReq, s.release
	s.mu.Unlock()

	if f != nil && f.status != 0 {
		w.Header().Set("Retry-After", "0")
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	size := int64(len(s.data))
	start, end := int64(0), size-1
	status := http.StatusOK
	if rh := r.Header.Get("Range"); rh != "" && !ignore {
		a, b, ok := parseRangeHeader(rh, size)
		if !ok {
			w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		start, end, status = a, b, http.StatusPartialContent
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", a, b, size))
	}
	w.Header().Set("Content-Length", strconv.FormatInt(end-start+1, 10))
	w.Header().Set("Accept-Ranges", "bytes")
	w.WriteHeader(status)
	var sent int64
	for off := start; off <= end; {
		n := min(int64(64<<10), end-off+1)
		if f != nil && f.dropAfter > 0 {
			if left := f.dropAfter - sent; left <= 0 {
				w.(http.Flusher).Flush()
				if f.stall {
					select {
					case <-r.Context().Done():
					case <-release:
					}
				}
				panic(http.ErrAbortHandler)
			} else {
				n = min(n, left)
			}
		}
		if capPerReq > 0 {
			if left := capPerReq - sent; left <= 0 {
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-release:
				}
				panic(http.ErrAbortHandler) // capped requests never complete
			} else {
				n = min(n, left)
			}
		}
		chunk := s.data[off : off+n]
		if f != nil && f.corrupt && f.corruptAt >= off && f.corruptAt < off+n {
			chunk = append([]byte(nil), chunk...)
			chunk[f.corruptAt-off] ^= 0xff
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		s.sent.Add(n)
		sent += n
		off += n
	}
}

func parseRangeHeader(h string, size int64) (int64, int64, bool) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start >= size {
		return 0, 0, false
	}
	end := size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < start {
			return 0, 0, false
		}
		end = min(e, size-1)
	}
	return start, end, true
}

func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func gitSHA1Hex(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

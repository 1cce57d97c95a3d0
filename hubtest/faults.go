package hubtest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Fault makes matching requests misbehave. Zero fields do nothing, so a
// Fault can combine, say, Latency with a Status.
type Fault struct {
	// Match is a substring of the request path ("" matches every request).
	Match string
	// Times is how many matching requests the fault hits: 0 means 1,
	// a negative value means every one.
	Times int
	// Status answers with this status (e.g. 500, 503, 429) instead of the
	// real response.
	Status int
	// RetryAfter, with Status 429 or 503, sets Retry-After (whole seconds).
	RetryAfter time.Duration
	// DropAfter > 0 sends the headers and this many body bytes, then kills
	// the connection.
	DropAfter int64
	// Latency waits this long before answering.
	Latency time.Duration
	// CorruptAt is the body offset of the byte flipped when Corrupt is set.
	CorruptAt int64
	// Corrupt flips one byte of the body (at CorruptAt).
	Corrupt bool
	// Stall, with DropAfter, pauses this long after DropAfter bytes instead
	// of dropping the connection, then finishes the body.
	Stall time.Duration
}

type faultState struct {
	Fault
	left int // < 0: unlimited
}

// Fail queues a fault; faults are matched in the order they were queued.
func (s *Server) Fail(f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// SetIgnoreRange makes the server answer Range requests with 200 and the
// whole body, like a server without range support.
func (s *Server) SetIgnoreRange(ignore bool) {
	s.mu.Lock()
	s.ignoreRange = ignore
	s.mu.Unlock()
}

// Request is one logged request.
type Request struct {
	Method string
	// Path is the escaped path ("/api/models/a/b/tree/refs%2Fpr%2F1").
	Path   string
	Query  url.Values
	Header http.Header
	// Status is the status answered (0 if the connection was dropped first).
	Status int
}

// Requests returns the requests answered so far (both listeners), oldest
// first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests clears the request log and the [Server.BodyBytes] count.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.body.n.Store(0)
	s.mu.Unlock()
}

// takeFault returns the first live fault matching path, consuming one use.
func (s *Server) takeFault(path, rawPath string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.left == 0 || !(strings.Contains(path, f.Match) || strings.Contains(rawPath, f.Match)) {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		ff := f.Fault
		if f.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return &ff
	}
	return nil
}

// wrap adds the request log and fault injection around h.
func (s *Server) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone()}
		fw := &faultWriter{ResponseWriter: w, count: &s.body.n}
		defer func() {
			rec.Status = fw.status
			s.mu.Lock()
			s.requests = append(s.requests, rec)
			s.mu.Unlock()
		}()
		s.mu.Lock()
		ignoreRange := s.ignoreRange
		s.mu.Unlock()
		if ignoreRange {
			r.Header.Del("Range")
			r.Header.Del("If-Range")
		}
		f := s.takeFault(r.URL.Path, r.URL.EscapedPath())
		if f == nil {
			h.ServeHTTP(fw, r)
			return
		}
		if f.Latency > 0 && !s.sleep(r, f.Latency) {
			return
		}
		if f.Status != 0 {
			if f.RetryAfter > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
				secs := int((f.RetryAfter + time.Second - 1) / time.Second)
				fw.Header().Set("Retry-After", strconv.Itoa(secs))
				if f.Status == http.StatusTooManyRequests {
					fw.Header().Set("RateLimit", `"api";r=0;t=`+strconv.Itoa(secs))
					fw.Header().Set("RateLimit-Policy", `"fixed window";"api";q=500;w=300`)
				}
			}
			msg := "hubtest: injected fault " + strconv.Itoa(f.Status)
			fw.Header().Set("X-Error-Message", msg)
			fw.Header().Set("Content-Type", "application/json; charset=utf-8")
			fw.WriteHeader(f.Status)
			if r.Method != http.MethodHead {
				fw.Write([]byte(`{"error":"` + msg + `"}`))
			}
			return
		}
		fw.fault, fw.srv, fw.req = f, s, r
		if f.DropAfter > 0 && f.Stall == 0 {
			// Make the client see the partial body before the cut.
			fw.Header().Set("Connection", "close")
		}
		h.ServeHTTP(fw, r)
	})
}

// sleep waits d, or less if the request or the server ends first.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

// faultWriter records the status and applies body faults.
type faultWriter struct {
	http.ResponseWriter
	status  int
	written int64
	fault   *Fault
	srv     *Server
	req     *http.Request
	stalled bool
	count   *atomic.Int64 // the server's BodyBytes, added before each write
}

func (f *faultWriter) WriteHeader(code int) {
	if f.status == 0 {
		f.status = code
	}
	f.ResponseWriter.WriteHeader(code)
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if f.status == 0 {
		f.status = http.StatusOK
	}
	f.count.Add(int64(len(p)))
	flt := f.fault
	if flt == nil || f.status >= 300 {
		n, err := f.ResponseWriter.Write(p)
		f.written += int64(n)
		return n, err
	}
	if flt.Corrupt && flt.CorruptAt >= f.written && flt.CorruptAt < f.written+int64(len(p)) {
		q := append([]byte(nil), p...)
		q[flt.CorruptAt-f.written] ^= 0xff
		p = q
	}
	if flt.DropAfter > 0 && !f.stalled && f.written+int64(len(p)) >= flt.DropAfter {
		k := flt.DropAfter - f.written
		n, err := f.ResponseWriter.Write(p[:k])
		f.written += int64(n)
		if err != nil {
			return n, err
		}
		http.NewResponseController(f.ResponseWriter).Flush()
		if flt.Stall == 0 {
			panic(http.ErrAbortHandler) // net/http closes the connection
		}
		f.stalled = true
		if !f.srv.sleep(f.req, flt.Stall) {
			panic(http.ErrAbortHandler)
		}
		m, err := f.ResponseWriter.Write(p[k:])
		f.written += int64(m)
		return n + m, err
	}
	n, err := f.ResponseWriter.Write(p)
	f.written += int64(n)
	return n, err
}

// Flush passes flushes through.
func (f *faultWriter) Flush() {
	http.NewResponseController(f.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (f *faultWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

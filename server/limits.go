package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Request-body limits. A commit body is NDJSON with inline (base64) regular
// files, each line at most maxCommitLine bytes; large files go through LFS.
const (
	// DefaultMaxCommitBytes bounds a whole commit request body.
	DefaultMaxCommitBytes int64 = 1 << 30
	// DefaultBodyIdleTimeout is how long the server waits for the next
	// bytes of a request body before giving up on the request.
	DefaultBodyIdleTimeout = time.Minute
)

// WithMaxCommitBytes bounds the body of a commit request (default
// [DefaultMaxCommitBytes]); a longer body is refused with 413.
func WithMaxCommitBytes(n int64) Option {
	return func(s *Server) { s.maxCommit = n }
}

// WithBodyIdleTimeout cuts a request whose body sends nothing for d
// (default [DefaultBodyIdleTimeout]; d < 0 disables the limit). It bounds
// how long a client trickling a body (slow-loris) holds a connection,
// without limiting uploads that keep sending: the deadline is renewed on
// every read. The request is answered 408 and its connection closed.
func WithBodyIdleTimeout(d time.Duration) Option {
	return func(s *Server) { s.bodyIdle = d }
}

// bodyIdleError is returned by a request body that sent nothing for idle.
type bodyIdleError struct{ idle time.Duration }

func (e *bodyIdleError) Error() string {
	return fmt.Sprintf("request body: no data received for %s", e.idle)
}

// Timeout marks the error as a timeout for net.Error-style checks.
func (e *bodyIdleError) Timeout() bool { return true }

// Unwrap keeps errors.Is(err, os.ErrDeadlineExceeded) true.
func (e *bodyIdleError) Unwrap() error { return os.ErrDeadlineExceeded }

// idleBody renews a read deadline on the connection before every read of a
// request body, so that only a body that stops sending times out.
type idleBody struct {
	io.ReadCloser
	ctl  *http.ResponseController
	idle time.Duration
	off  bool // deadlines unsupported by this connection
}

func (b *idleBody) Read(p []byte) (int, error) {
	if !b.off {
		if err := b.ctl.SetReadDeadline(time.Now().Add(b.idle)); err != nil {
			b.off = true // e.g. a ResponseWriter without deadlines: read unbounded
		}
	}
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, &bodyIdleError{b.idle}
	case !b.off:
		// End of body (or a broken one): lift the deadline so the
		// connection's background read, which watches for the client
		// going away, is not cut while the response is written.
		b.ctl.SetReadDeadline(time.Time{}) // best effort: the server resets deadlines per request
	}
	return n, err
}

// limitBody installs the idle deadline on r's body.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) {
	if s.bodyIdle < 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	idle := s.bodyIdle
	if idle == 0 {
		idle = DefaultBodyIdleTimeout
	}
	r.Body = &idleBody{ReadCloser: r.Body, ctl: http.NewResponseController(w), idle: idle}
}

// commitBody caps the body of a commit request.
func (s *Server) commitBody(w http.ResponseWriter, r *http.Request) {
	limit := s.maxCommit
	if limit <= 0 {
		limit = DefaultMaxCommitBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
}

// bodyError answers the request when err comes from reading its body past a
// limit: 413 for a body over its size cap, 408 for a body that stopped
// sending. It reports whether it answered.
func bodyError(w http.ResponseWriter, r *http.Request, err error) bool {
	var tooBig *http.MaxBytesError
	var idle *bodyIdleError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, r, http.StatusRequestEntityTooLarge, "",
			fmt.Sprintf("Payload Too Large: the request body is over %d bytes. Upload large files through LFS and split very large commits into several.", tooBig.Limit))
		return true
	case errors.As(err, &idle):
		w.Header().Set("Connection", "close")
		writeError(w, r, http.StatusRequestTimeout, "",
			fmt.Sprintf("Request Timeout: the request body sent no data for %s; the request was dropped.", idle.idle))
		return true
	}
	return false
}

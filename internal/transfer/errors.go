package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrChecksum is matched (errors.Is) by every [*ChecksumError].
var ErrChecksum = errors.New("downloaded content does not match its digest")

// A ChecksumError says the downloaded bytes do not have the expected digest
// (after [Engine.VerifyAttempts] whole-file attempts). The bad data has been
// deleted.
type ChecksumError struct {
	Path string   // destination that was not written
	Kind HashKind // digest algorithm
	Want string   // expected digest
	Got  string   // digest of what arrived
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: %s mismatch: want %s, got %s (the data was discarded; the server sent corrupt bytes, try again later)",
		e.Path, e.Kind, e.Want, e.Got)
}

// Is reports whether target is [ErrChecksum].
func (e *ChecksumError) Is(target error) bool { return target == ErrChecksum }

// ErrSize is matched (errors.Is) by every [*SizeError].
var ErrSize = errors.New("downloaded size differs from the expected size")

// A SizeError says the server sent more or fewer bytes than expected, or a
// Content-Range for a different total size. The bad data has been deleted.
type SizeError struct {
	URL       string // sanitized (no query)
	Want, Got int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s: size mismatch: expected %d bytes, server has %d (the file may have changed on the server; retry to fetch fresh metadata)",
		e.URL, e.Want, e.Got)
}

// Is reports whether target is [ErrSize].
func (e *SizeError) Is(target error) bool { return target == ErrSize }

// An HTTPError is a non-2xx answer to a data request, returned when the
// engine's CheckResponse is nil.
type HTTPError struct {
	URL        string // sanitized (no query)
	Status     int
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// errStalled is returned by a connection that delivered no byte in time.
type stallError struct{ d time.Duration }

func (e *stallError) Error() string {
	return fmt.Sprintf("no data received for %s (connection stalled; raise HF_HUB_DOWNLOAD_TIMEOUT on slow networks)", e.d)
}

// Timeout and Temporary make a stall a net.Error timeout, so callers can
// tell it apart with errors.As like any other network timeout.
func (e *stallError) Timeout() bool   { return true }
func (e *stallError) Temporary() bool { return true }

// errRangeIgnored says a server answered a parallel Range request with 200.
var errRangeIgnored = errors.New("server ignored the Range header")

// statusError carries a retryable or permanent HTTP answer and its mapped form.
type statusError struct {
	status     int
	retryAfter time.Duration
	mapped     error
}

func (e *statusError) Error() string { return e.mapped.Error() }
func (e *statusError) Unwrap() error { return e.mapped }

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// localError marks a failure of the local disk (write, sync, rename).
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// retryable reports whether a range should be tried again after err.
func retryable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return retryableStatus(se.status)
	}
	var le *localError
	var st *stallError
	switch {
	case errors.As(err, &le):
		return false
	case errors.As(err, &st):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return true
	}
	// *url.Error is itself a net.Error: judge what it wraps instead (a
	// redirect loop or a refused redirect is not worth another try).
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Timeout() || retryable(ue.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// resumable reports whether the partial file is worth keeping after err.
func resumable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *statusError
	if errors.As(err, &se) {
		return true
	}
	return retryable(err)
}

// retryAfter parses a Retry-After header given in seconds (dates are ignored).
func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 5*time.Minute)
	}
	return 0
}

// sanitizeURL drops the query (presigned URLs carry credentials) for messages.
func sanitizeURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

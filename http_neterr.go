package hfhub

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
)

// RequestError is a request that got no HTTP answer: the connection was
// refused, the host name did not resolve, the connection broke or timed out.
// Its message names the request and the cause in a few words ("GET <url>:
// cannot connect to 127.0.0.1:1 (connection refused)"); Err is the
// transport's error (a *url.Error), so errors.As finds the *url.Error, the
// net.Error and the syscall error under it as before.
type RequestError struct {
	Method string
	URL    string // without user info or signatures
	Err    error
}

// Error implements error.
func (e *RequestError) Error() string {
	return e.Method + " " + e.URL + ": " + describeNetErr(e.Err)
}

// Unwrap returns the transport's error.
func (e *RequestError) Unwrap() error { return e.Err }

// transportError wraps the transport error of req in a *RequestError; other
// errors (a header timeout, a cancelled context) are returned as they are.
func transportError(req *http.Request, err error) error {
	if _, ok := errors.AsType[*url.Error](err); !ok {
		return err
	}
	return &RequestError{Method: req.Method, URL: sanitizeURL(req.URL.String()), Err: err}
}

// describeNetErr says in a few words why a request got no answer.
func describeNetErr(err error) string {
	inner := err
	if ue, ok := errors.AsType[*url.Error](err); ok {
		inner = ue.Err
	}
	if de, ok := errors.AsType[*net.DNSError](inner); ok {
		reason := de.Err
		if de.IsNotFound {
			reason = "no such host"
		}
		return fmt.Sprintf("cannot resolve host %s (%s)", de.Name, reason)
	}
	if op, ok := errors.AsType[*net.OpError](inner); ok && op.Op == "dial" && !op.Timeout() {
		addr := ""
		if op.Addr != nil {
			addr = op.Addr.String()
		}
		reason := op.Err.Error()
		if se, ok := errors.AsType[*os.SyscallError](op.Err); ok {
			reason = se.Err.Error()
		}
		var errno syscall.Errno
		if errors.As(op.Err, &errno) {
			reason = errno.Error()
		}
		if addr == "" {
			return "cannot connect (" + reason + ")"
		}
		return "cannot connect to " + addr + " (" + reason + ")"
	}
	return inner.Error()
}

package hfhub

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"
	"time"
)

// sleepCtx waits d or until ctx is done (then returns ctx's error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// backoff returns the client's wait before retry n (1-based) when the
// server names none: baseWait doubled for each earlier retry, at most
// maxWait (1, 2, 4, 8, 8… s by default) — the schedule of the request
// layer (http.go), shared by the download engine and the LFS uploader.
func (c *Client) backoff(n int) time.Duration {
	d := c.baseWait
	for i := 1; i < n && d < c.maxWait; i++ {
		if d > c.maxWait/2 { // doubling reaches the cap (and cannot overflow)
			d = c.maxWait
			break
		}
		d *= 2
	}
	return min(d, c.maxWait)
}

// retryableNetErr reports whether a transport error is worth another try:
// timeouts, refused or reset connections and truncated responses, but not
// certificate errors (spec §5.4: Timeout, NetworkError, RemoteProtocolError).
func retryableNetErr(err error) bool {
	if err == nil {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, errTooManyRedirects) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// maxConnectRetries is how many times a request whose connection could not
// be opened at all (refused, unreachable host or network, unknown host) is
// sent again: once, soon, to ride over a server restart. Python sends
// metadata calls once; the long back-off is kept for what a wait can cure
// (5xx, 429, timeouts, connections dropped mid-answer).
const maxConnectRetries = 1

// connectRetryWait is the wait before that one retry.
const connectRetryWait = 200 * time.Millisecond

// connectFailed reports whether err means no connection could be opened:
// the port refused it, the host or network is unreachable, or the host name
// does not resolve. A dial that timed out is not one of them (it is retried
// with back-off like other timeouts).
func connectFailed(err error) bool {
	if err == nil {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsTimeout
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && !op.Timeout() {
		return true
	}
	return false
}

package hfhub

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// refusedEndpoint returns a loopback URL on which nothing listens.
func refusedEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// A refused connection is retried once, not with the five-step back-off
// meant for a busy server, and its error names the cause in a few words
// while still unwrapping to the transport's errors.
func TestRefusedConnectionFailsFast(t *testing.T) {
	ep := refusedEndpoint(t)
	c, w := newTestClient(t, ep)
	_, err := c.ModelInfo(t.Context(), "acme/tiny", nil)
	if err == nil {
		t.Fatal("ModelInfo on a closed port succeeded")
	}
	if got := len(w.get()); got != maxConnectRetries {
		t.Errorf("refused connection: %d retries (waits %v), want %d", got, w.get(), maxConnectRetries)
	}
	if _, ok := errors.AsType[*url.Error](err); !ok {
		t.Errorf("error %v (%T) does not unwrap to *url.Error", err, err)
	}
	if _, ok := errors.AsType[*RequestError](err); !ok {
		t.Errorf("error %v (%T) is not a *RequestError", err, err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not match ECONNREFUSED", err)
	}
	host := strings.TrimPrefix(ep, "http://")
	if msg := err.Error(); !strings.Contains(msg, "cannot connect to "+host+" (connection refused)") || strings.Count(msg, host) != 2 {
		t.Errorf("message = %q, want the URL once and \"cannot connect to %s (connection refused)\"", msg, host)
	}

	// A download of a file that is not cached fails as fast (HEAD + its
	// patient retry: one quick retry each).
	c2, w2 := newTestClient(t, ep)
	_, err = c2.Download(t.Context(), "acme/tiny", "config.json", nil)
	if !errors.Is(err, ErrLocalEntryNotFound) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Download with the Hub down = %v, want ErrLocalEntryNotFound caused by ECONNREFUSED", err)
	}
	if got := len(w2.get()); got > 2*maxConnectRetries+1 {
		t.Errorf("Download with the Hub down waited %d times (%v), want at most %d", got, w2.get(), 2*maxConnectRetries+1)
	}
}

// A server error keeps the full back-off: the fast path is only for
// connections that could not be opened.
func TestServerErrorKeepsBackoff(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", Status: 503, Times: 100})
	c, w := newTestClient(t, hub.URL)
	_, err := c.ModelInfo(t.Context(), "acme/tiny", nil)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("ModelInfo with 503s = %v, want ErrServer", err)
	}
	if got := len(w.get()); got != c.maxRetries {
		t.Errorf("503: %d retries, want %d", got, c.maxRetries)
	}
}

func TestConnectFailed(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}, true},
		{"no such host", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}, true},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, false},
		{"reset mid-answer", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, false},
		{"unreachable", &net.OpError{Op: "dial", Err: syscall.EHOSTUNREACH}, true},
		{"nil", nil, false},
	} {
		if got := connectFailed(tt.err); got != tt.want {
			t.Errorf("%s: connectFailed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

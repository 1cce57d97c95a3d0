package hfhub

// Request plumbing shared by every file of package hfhub. Other engineers:
// build requests only through these, so auth, user agent, retries, offline
// mode and error mapping stay in one place.
//
//	c.newRequest(ctx, method, url, body) (*http.Request, error)
//	    sets User-Agent, X-Amzn-Trace-Id, and Authorization (only when url is
//	    on the endpoint's scheme/host/port and a token is configured).
//	c.do(req, *reqOpts) (*http.Response, error)
//	    sends with retries (GET/HEAD by default, see reqOpts.Retry), returns
//	    2xx and 3xx responses (3xx only when a redirect was not followed) and
//	    maps anything else to *HubError (body consumed and closed). ErrOffline
//	    when offline. The caller closes the body of a returned response.
//	c.getJSON(ctx, url, query, out) (http.Header, error)
//	c.sendJSON(ctx, method, url, in, out, *reqOpts) (http.Header, error)
//	c.sendForm(ctx, method, url, form, out, *reqOpts) (http.Header, error)
//	paginate[T](ctx, c, url, query, limit) iter.Seq2[T, error]   (pages.go)
//	c.apiURL(parts...), c.apiRepoURL(rt, id, parts...),            (repo.go)
//	c.repoWebURL(rt, id), c.resolveURL(rt, id, rev, filename)
//	quote(s, safe), QuoteRevision(rev), QuotePath(path)           (encode.go)
//	c.token() (token string, ok bool): the token requests send     (auth.go)
//	c.cfg: the resolved Config (CacheDir, DownloadTimeout, ...)
//	c.logger: *slog.Logger (discards by default)
//
// reqOpts.Redirect chooses how redirects are followed: redirectFollow (the
// default; Authorization is dropped whenever scheme, host or port change),
// redirectSameOrigin (relative/same-origin ones only: the /resolve/ HEAD),
// redirectNone (return the 3xx as is).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// redirectPolicy tells checkRedirect which redirects to follow.
type redirectPolicy int

const (
	redirectFollow     redirectPolicy = iota // follow every redirect (max 10)
	redirectSameOrigin                       // follow only same scheme/host/port redirects
	redirectNone                             // follow none
)

// retryMode tells do whether a request may be sent again.
type retryMode int

const (
	retryIdempotent retryMode = iota // retry GET and HEAD only (default)
	retryNever                       // one attempt
	retryAlways                      // retry any method (body must be rewindable: GetBody)
)

// reqOpts tunes one call of do. A nil *reqOpts means the defaults.
type reqOpts struct {
	Retry retryMode
	// RetryStatuses replaces the retried statuses (default 408, 429, 500,
	// 502, 503, 504); the download GET uses only 408 and 429.
	RetryStatuses []int
	Redirect      redirectPolicy
	// HeaderTimeout bounds the wait for the response headers of each
	// attempt (not the body). Zero: no limit.
	HeaderTimeout time.Duration
	// Token, if set, is sent instead of the configured token (Login checks
	// a token with it). NoAuth sends no token.
	Token  string
	NoAuth bool
	// BufferBody reads a 2xx body completely inside the retry loop, so a
	// connection dropped mid-body is retried like one dropped before the
	// headers (JSON calls use it; downloads must not).
	BufferBody bool
}

// maxBufferedBody bounds a buffered (JSON) response body: a hostile or
// broken server cannot make the client buffer more.
const maxBufferedBody = 128 << 20

type ctxKey int

const redirectPolicyKey ctxKey = 0

var defaultRetryStatuses = []int{408, 429, 500, 502, 503, 504}

// newRequest builds a request with the headers every Hub call carries:
// User-Agent, X-Amzn-Trace-Id and, for URLs on the endpoint's origin,
// Authorization from the configured token.
func (c *Client) newRequest(ctx context.Context, method, u string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, sanitizeURL(u), err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set(HeaderTraceID, newTraceID())
	if c.sameOriginAsEndpoint(req.URL) {
		if tok, ok := c.token(); ok {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	return req, nil
}

// sameOriginAsEndpoint reports whether u is on the endpoint's scheme, host
// and port.
func (c *Client) sameOriginAsEndpoint(u *url.URL) bool {
	return sameOrigin(u, c.endpointURL)
}

// sameOrigin compares scheme, host and port (default ports made explicit).
func sameOrigin(a, b *url.URL) bool {
	if a == nil || b == nil {
		return false
	}
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// errTooManyRedirects ends a redirect chain (or loop) of more than 10 hops;
// it is never retried.
var errTooManyRedirects = errors.New("stopped after 10 redirects (a redirect loop?): the server or a proxy is misconfigured; check HF_ENDPOINT")

// checkRedirect is the redirect policy of every client: it follows
// relative and absolute redirects as the request's policy allows, and
// removes Authorization whenever any hop changes scheme, host or port
// (Go's default keeps it across ports and subdomains).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errTooManyRedirects
	}
	pol, _ := req.Context().Value(redirectPolicyKey).(redirectPolicy)
	prev := via[len(via)-1]
	switch pol {
	case redirectNone:
		return http.ErrUseLastResponse
	case redirectSameOrigin:
		if !sameOrigin(req.URL, prev.URL) {
			return http.ErrUseLastResponse
		}
	}
	for _, v := range via {
		if !sameOrigin(v.URL, req.URL) {
			req.Header.Del("Authorization")
			break
		}
	}
	return nil
}

// do sends req, retrying per opts, and returns a 2xx/3xx response or an
// error: *HubError for other statuses (body consumed and closed), the
// transport error after the last retry, ErrOffline in offline mode, or the
// context's error once ctx is done.
func (c *Client) do(req *http.Request, opts *reqOpts) (*http.Response, error) {
	if opts == nil {
		opts = &reqOpts{}
	}
	if c.cfg.Offline {
		return nil, fmt.Errorf("%w (HF_HUB_OFFLINE): %s %s was not sent; unset HF_HUB_OFFLINE to reach the Hub",
			ErrOffline, req.Method, sanitizeURL(req.URL.String()))
	}
	switch {
	case opts.NoAuth:
		req.Header.Del("Authorization")
	case opts.Token != "" && c.sameOriginAsEndpoint(req.URL):
		req.Header.Set("Authorization", "Bearer "+opts.Token)
	}
	ctx := req.Context()
	ctx = context.WithValue(ctx, redirectPolicyKey, opts.Redirect)

	retry := opts.Retry == retryAlways ||
		(opts.Retry == retryIdempotent && (req.Method == http.MethodGet || req.Method == http.MethodHead))
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		retry = false // cannot rewind the body
	}
	statuses := opts.RetryStatuses
	if statuses == nil {
		statuses = defaultRetryStatuses
	}
	maxAttempts := 1
	if retry {
		maxAttempts += c.maxRetries
	}
	wait := c.baseWait
	connectFails := 0
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if attempt > 1 && req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("%s %s: rewind body: %w", req.Method, sanitizeURL(req.URL.String()), err)
			}
			r.Body = b
		}
		resp, err := c.roundTrip(r, opts.HeaderTimeout)
		last := attempt >= maxAttempts
		if err != nil {
			if cerr := req.Context().Err(); cerr != nil {
				return nil, fmt.Errorf("%s %s: %w", req.Method, sanitizeURL(req.URL.String()), context.Cause(req.Context()))
			}
			if last || !retryableNetErr(err) {
				return nil, transportError(req, err)
			}
			if connectFailed(err) {
				// Nothing listens there (or the name does not resolve): one
				// quick retry, not the back-off meant for a busy server.
				if connectFails >= maxConnectRetries {
					return nil, transportError(req, err)
				}
				connectFails++
				c.logger.Debug("hfhub: retrying after a failed connection", "method", req.Method, "url", sanitizeURL(req.URL.String()), "attempt", attempt, "err", err)
				if err := c.sleep(req.Context(), min(connectRetryWait, wait)); err != nil {
					return nil, err
				}
				continue
			}
			c.logger.Debug("hfhub: retrying after network error", "method", req.Method, "url", sanitizeURL(req.URL.String()), "attempt", attempt, "err", err)
			if err := c.sleep(req.Context(), wait); err != nil {
				return nil, err
			}
			wait = min(wait*2, c.maxWait)
			continue
		}
		c.logWarnings(resp)
		if resp.StatusCode < 300 && opts.BufferBody {
			data, err := io.ReadAll(io.LimitReader(resp.Body, maxBufferedBody+1))
			resp.Body.Close()
			if err == nil && int64(len(data)) > maxBufferedBody {
				return nil, fmt.Errorf("%w: %s %s: the response is larger than %d MiB, more than any Hub answer; check HF_ENDPOINT",
					ErrServer, req.Method, sanitizeURL(req.URL.String()), maxBufferedBody>>20)
			}
			if err != nil {
				err = fmt.Errorf("%s %s: reading the response: %w", req.Method, sanitizeURL(req.URL.String()), err)
				if req.Context().Err() != nil {
					return nil, fmt.Errorf("%s %s: %w", req.Method, sanitizeURL(req.URL.String()), context.Cause(req.Context()))
				}
				if last || !retryableNetErr(err) {
					return nil, err
				}
				if err := c.sleep(req.Context(), wait); err != nil {
					return nil, err
				}
				wait = min(wait*2, c.maxWait)
				continue
			}
			resp.Body = io.NopCloser(bytes.NewReader(data))
			return resp, nil
		}
		if resp.StatusCode < 400 {
			return resp, nil
		}
		if !last && containsInt(statuses, resp.StatusCode) {
			d := retryAfter(resp)
			if d == 0 {
				d = wait
			}
			drainClose(resp.Body)
			c.logger.Debug("hfhub: retrying", "method", req.Method, "url", sanitizeURL(req.URL.String()), "status", resp.StatusCode, "attempt", attempt, "wait", d)
			if err := c.sleep(req.Context(), d); err != nil {
				return nil, err
			}
			wait = min(wait*2, c.maxWait)
			continue
		}
		herr := c.newHubError(resp, resp.Request.Header.Get("Authorization") != "")
		resp.Body.Close()
		return nil, herr
	}
}

// errHeaderTimeout is the cause of a request cancelled because its response
// headers did not arrive in time.
var errHeaderTimeout = errors.New("timed out waiting for the response headers")

// roundTrip sends one attempt. With a header timeout, the request's context
// is cancelled if the headers do not arrive in time; the body then stays
// readable until closed.
func (c *Client) roundTrip(req *http.Request, headerTimeout time.Duration) (*http.Response, error) {
	if headerTimeout <= 0 {
		return c.hc.Do(req)
	}
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(headerTimeout, func() { cancel(errHeaderTimeout) })
	resp, err := c.hc.Do(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		if context.Cause(ctx) == errHeaderTimeout && req.Context().Err() == nil {
			err = &timeoutError{op: req.Method + " " + sanitizeURL(req.URL.String()), d: headerTimeout}
		}
		cancel(nil)
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: func() { cancel(nil) }}
	return resp, nil
}

// timeoutError is a response-header timeout; it is a net.Error with
// Timeout() true, so it is retried like other timeouts.
type timeoutError struct {
	op string
	d  time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%s: no response within %s (raise HF_HUB_ETAG_TIMEOUT or HF_HUB_DOWNLOAD_TIMEOUT on slow networks)", e.op, e.d)
}
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

type cancelOnClose struct {
	io.ReadCloser
	cancel func()
	once   sync.Once
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.cancel)
	return err
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// drainClose reads a little of body (so the connection can be reused) and
// closes it.
func drainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10)) // best effort: only for connection reuse
	body.Close()
}

// getJSON GETs u with the query q (may be nil) and decodes the JSON answer
// into out (skipped when out is nil). It returns the response headers.
func (c *Client) getJSON(ctx context.Context, u string, q url.Values, out any) (http.Header, error) {
	req, err := c.newRequest(ctx, http.MethodGet, withQuery(u, q), nil)
	if err != nil {
		return nil, err
	}
	return c.doJSON(req, out, nil)
}

// sendJSON sends in as a JSON body (nil: no body) and decodes the answer
// into out (nil: ignored).
func (c *Client) sendJSON(ctx context.Context, method, u string, in, out any, opts *reqOpts) (http.Header, error) {
	var body io.Reader
	var data []byte
	if in != nil {
		var err error
		if data, err = json.Marshal(in); err != nil {
			return nil, fmt.Errorf("%s %s: encode body: %w", method, sanitizeURL(u), err)
		}
		body = bytes.NewReader(data)
	}
	req, err := c.newRequest(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.doJSON(req, out, opts)
}

// sendForm sends form as application/x-www-form-urlencoded and decodes the
// answer into out (nil: ignored).
func (c *Client) sendForm(ctx context.Context, method, u string, form url.Values, out any, opts *reqOpts) (http.Header, error) {
	req, err := c.newRequest(ctx, method, u, strings.NewReader(encodeQuery(form)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.doJSON(req, out, opts)
}

func (c *Client) doJSON(req *http.Request, out any, opts *reqOpts) (http.Header, error) {
	o := reqOpts{}
	if opts != nil {
		o = *opts
	}
	o.BufferBody = true
	resp, err := c.do(req, &o)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		drainClose(resp.Body)
		return resp.Header, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.Header, fmt.Errorf("%s %s: decode response: %w", req.Method, sanitizeURL(req.URL.String()), err)
	}
	return resp.Header, nil
}

// withQuery appends q to u.
func withQuery(u string, q url.Values) string {
	if len(q) == 0 {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + encodeQuery(q)
}

// encodeQuery encodes q like httpx: keys sorted, repeated keys for lists,
// spaces as %20 and the rest per Python's quote with safe "" (spec §1.3).
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// sanitizeURL removes user info and token-like query values from a URL
// before it enters an error message or a log.
func sanitizeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.User = nil
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "token") || strings.Contains(lk, "signature") || lk == "key-pair-id" || lk == "policy" || strings.HasPrefix(lk, "x-amz-") {
				q.Set(k, "REDACTED")
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// newTraceID returns a random UUID4 for X-Amzn-Trace-Id.
func newTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// warnOnce remembers which X-HF-Warning topics were already logged.
type warnOnce struct {
	mu   sync.Mutex
	seen map[string]bool
}

// logWarnings logs each X-HF-Warning topic once per client.
func (c *Client) logWarnings(resp *http.Response) {
	for _, w := range resp.Header.Values(HeaderHFWarning) {
		topic, msg, ok := strings.Cut(w, ";")
		if !ok {
			topic, msg = "", w
		}
		c.warned.mu.Lock()
		if c.warned.seen == nil {
			c.warned.seen = map[string]bool{}
		}
		dup := c.warned.seen[topic]
		c.warned.seen[topic] = true
		c.warned.mu.Unlock()
		if !dup {
			c.logger.Warn("hfhub: "+strings.TrimSpace(msg), "topic", strings.TrimSpace(topic))
		}
	}
}

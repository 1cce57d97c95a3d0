package lfs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// Uploader moves object bytes to the URLs of a batch response: a single PUT
// (basic), parallel part PUTs then a completion POST (multipart), then the
// verify POST. It reads straight from an io.ReaderAt (an *os.File, say)
// through section readers, so memory stays bounded by the transport's
// buffers whatever the object's size.
//
// The zero value works (http.DefaultClient, 8 parallel parts, 5 retries). An
// Uploader is safe for concurrent use once configured; do not change its
// fields while uploads run.
type Uploader struct {
	// HTTPClient sends every request. Verify needs the Hub token, so give a
	// client whose transport adds it for the endpoint host only; presigned
	// URLs on other hosts must not receive it. nil means http.DefaultClient.
	HTTPClient *http.Client
	// Concurrency is how many parts of one multipart object are in flight at
	// once; 0 means 8.
	Concurrency int
	// MaxRetries is how many times a failed request (transport error, 408,
	// 429 or 5xx) is retried; 0 means 5, negative means none.
	MaxRetries int
	// Backoff returns the wait before retry number attempt (1-based); resp is
	// the failed response or nil after a transport error. nil means the Hub
	// clients' schedule: Retry-After + 1 s when given, else 1, 2, 4, 8, 8… s.
	Backoff func(attempt int, resp *http.Response) time.Duration
	// Progress, if non-nil, receives byte deltas as request bodies are sent;
	// a failed attempt reports a negative delta for what it had sent. It is
	// called from several goroutines at once and must not block.
	Progress func(delta int64)
	// Journal, if non-nil, remembers the parts of multipart uploads that
	// finished, so a run interrupted mid-object uploads only the missing
	// parts when the server hands out the same upload again.
	Journal Journal
	// Sleep, if non-nil, waits between retries instead of a timer; it must
	// return early with an error once ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// PrepareRequest, if non-nil, is called on every request before it is
	// sent (each attempt), to add headers such as User-Agent or, for the
	// Hub's own host only, Authorization.
	PrepareRequest func(*http.Request)
}

// Journal records finished multipart parts, keyed by the upload's href.
// [DirJournal] stores them on disk. Implementations must be safe for
// concurrent use.
type Journal interface {
	// Parts returns the ETags of the parts already stored, by part number.
	Parts(key string) (map[int]string, error)
	// PartDone records that part n was stored with this ETag.
	PartDone(key string, n int, etag string) error
	// Forget drops the record once the upload is complete.
	Forget(key string) error
}

// HTTPError is a non-2xx answer to a transfer request.
type HTTPError struct {
	Method, URL string // URL without its query (presigned URLs carry secrets)
	StatusCode  int
	Body        string // first KiB of the response body
}

// Error returns "{method} {url}: {status}[: {body}]".
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Upload sends obj's bytes, read from src, as its actions say (nothing when
// the server already has the object), then calls verify when asked. An
// object carrying an error returns that error.
func (u *Uploader) Upload(ctx context.Context, obj *Object, src io.ReaderAt) error {
	if obj.Error != nil {
		return fmt.Errorf("lfs object %s: %w", obj.OID.Short(), obj.Error)
	}
	if obj.Actions == nil {
		return nil
	}
	if up := obj.Actions.Upload; up != nil {
		var err error
		if up.IsMultipart() {
			err = u.UploadMultipart(ctx, up, obj.OID, src, obj.Size)
		} else {
			err = u.UploadBasic(ctx, up, src, obj.Size)
		}
		if err != nil {
			return fmt.Errorf("upload lfs object %s: %w", obj.OID.Short(), err)
		}
	}
	if v := obj.Actions.Verify; v != nil {
		if err := u.Verify(ctx, v, obj.OID, obj.Size); err != nil {
			return fmt.Errorf("verify lfs object %s: %w", obj.OID.Short(), err)
		}
	}
	return nil
}

// UploadBasic PUTs size bytes of src to a.Href with a.Header (the Hub sends
// none for presigned URLs) and no credentials of its own.
func (u *Uploader) UploadBasic(ctx context.Context, a *Action, src io.ReaderAt, size int64) error {
	_, err := u.put(ctx, a.Href, a.Header, src, 0, size)
	return err
}

// Verify POSTs {"oid","size"} to a verify action.
func (u *Uploader) Verify(ctx context.Context, a *Action, oid OID, size int64) error {
	body, err := json.Marshal(VerifyRequest{OID: oid, Size: size})
	if err != nil {
		return err
	}
	return u.postJSON(ctx, a.Href, a.Header, body)
}

// put sends one PUT of src[off:off+n] and returns the response's ETag.
func (u *Uploader) put(ctx context.Context, href string, hdr map[string]string, src io.ReaderAt, off, n int64) (string, error) {
	var etag string
	err := u.retry(ctx, func() (*http.Response, error) {
		body := newCountingReader(src, off, n, u.Progress)
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, href, body)
		if err != nil {
			return nil, err
		}
		req.ContentLength = n
		if n == 0 {
			req.Body = http.NoBody
		}
		req.GetBody = func() (io.ReadCloser, error) { // for 307/308 redirects
			body.rollback()
			body = newCountingReader(src, off, n, u.Progress)
			return io.NopCloser(body), nil
		}
		for k, v := range hdr {
			if k != "chunk_size" && !isDigits(k) {
				req.Header.Set(k, v)
			}
		}
		if u.PrepareRequest != nil {
			u.PrepareRequest(req)
		}
		resp, err := u.client().Do(req)
		if err != nil || resp.StatusCode/100 != 2 {
			body.rollback()
		}
		if err == nil {
			etag = resp.Header.Get("ETag")
		}
		return resp, err
	})
	return etag, err
}

func (u *Uploader) postJSON(ctx context.Context, href string, hdr map[string]string, body []byte) error {
	return u.retry(ctx, func() (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, href, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		SetHeaders(req.Header)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		if u.PrepareRequest != nil {
			u.PrepareRequest(req)
		}
		return u.client().Do(req)
	})
}

// retry runs do until it answers 2xx, a non-retryable status, or the retries
// run out. It closes every response body.
func (u *Uploader) retry(ctx context.Context, do func() (*http.Response, error)) error {
	max := u.MaxRetries
	if max == 0 {
		max = 5
	}
	for attempt := 0; ; attempt++ {
		resp, err := do()
		if err == nil && resp.StatusCode/100 == 2 {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drain for keep-alive; errors irrelevant
			return resp.Body.Close()
		}
		if ctx.Err() != nil {
			if resp != nil {
				resp.Body.Close()
			}
			return fmt.Errorf("%w (after %v)", ctx.Err(), err)
		}
		var failure error
		retryable := true
		if err != nil {
			failure = err
		} else {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024)) // best effort: only for the message
			resp.Body.Close()
			failure = &HTTPError{Method: resp.Request.Method, URL: redact(resp.Request.URL), StatusCode: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
			retryable = retryableStatus(resp.StatusCode)
		}
		if !retryable || attempt >= max {
			return failure
		}
		wait := u.backoff(attempt+1, resp)
		if u.Sleep != nil {
			if err := u.Sleep(ctx, wait); err != nil {
				return fmt.Errorf("%w (retrying after %v)", err, failure)
			}
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (retrying after %v)", ctx.Err(), failure)
		case <-t.C:
		}
	}
}

func (u *Uploader) backoff(attempt int, resp *http.Response) time.Duration {
	if u.Backoff != nil {
		return u.Backoff(attempt, resp)
	}
	return DefaultBackoff(attempt, resp)
}

// DefaultBackoff is the Hub clients' retry schedule: a Retry-After header's
// seconds plus one when present, else 1, 2, 4, 8, 8… seconds.
func DefaultBackoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			return time.Duration(s+1) * time.Second
		}
	}
	return time.Duration(min(1<<min(attempt-1, 3), 8)) * time.Second
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

func (u *Uploader) client() *http.Client {
	if u.HTTPClient != nil {
		return u.HTTPClient
	}
	return http.DefaultClient
}

// redact drops the query (presigned signatures) and user info from a URL.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery, c.User, c.Fragment = "", nil, ""
	return c.String()
}

// countingReader reports bytes read and can withdraw its report when its
// attempt fails. After rollback it reports nothing more: the transport may
// still read from it while it closes the failed request.
type countingReader struct {
	r      *io.SectionReader
	report func(int64)
	sent   atomic.Int64
	dead   atomic.Bool
}

func newCountingReader(src io.ReaderAt, off, n int64, report func(int64)) *countingReader {
	return &countingReader{r: io.NewSectionReader(src, off, n), report: report}
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && !c.dead.Load() {
		c.sent.Add(int64(n))
		if c.report != nil {
			c.report(int64(n))
		}
	}
	return n, err
}

// rollback withdraws what the reader had reported.
func (c *countingReader) rollback() {
	c.dead.Store(true)
	if n := c.sent.Swap(0); n != 0 && c.report != nil {
		c.report(-n)
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

var errNoETag = errors.New("part upload answered without an ETag header")

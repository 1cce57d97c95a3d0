package inference

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// request is one HTTP exchange a shape prepared.
type request struct {
	method      string
	url         string
	body        []byte
	contentType string // "" with a body: raw bytes, no Content-Type (spec §1.5)
	accept      string
	noAuth      bool // asset downloads: never send a key
}

// RetryPolicy is the opt-in retry of [WithRetry]: 429 waits for
// Retry-After, 503 for the estimated load time (or Retry-After), each wait
// capped by MaxWait, for at most MaxAttempts sends in total and MaxTotal of
// waiting. A stream is never retried after its first byte.
type RetryPolicy struct {
	MaxAttempts int           // total sends including the first; 0 means 3
	MaxWait     time.Duration // cap of one wait; 0 means 30s
	MaxTotal    time.Duration // cap of all waits; 0 means 2m
	// Default is the wait when the server gives none; 0 means 1s.
	Default time.Duration
}

func (p RetryPolicy) attempts() int { return cmpOr(p.MaxAttempts, 3) }
func (p RetryPolicy) maxWait() time.Duration {
	return cmpOr(p.MaxWait, 30*time.Second)
}
func (p RetryPolicy) maxTotal() time.Duration { return cmpOr(p.MaxTotal, 2*time.Minute) }
func (p RetryPolicy) def() time.Duration      { return cmpOr(p.Default, time.Second) }

func cmpOr[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// send performs r for target t, honouring the retry policy, and returns a
// 2xx response whose body the caller closes. Error statuses become *Error.
func (c *Client) send(ctx context.Context, t *target, r *request) (*http.Response, error) {
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		resp, err := c.sendOnce(ctx, t, r)
		if err == nil {
			return resp, nil
		}
		e, ok := errors.AsType[*Error](err)
		if !ok || c.retry == nil || attempt >= c.retry.attempts() {
			return nil, err
		}
		var wait time.Duration
		switch e.kind {
		case ErrRateLimited:
			wait = cmpOr(e.RetryAfter, c.retry.def())
		case ErrModelLoading, ErrOverloaded:
			if e.StatusCode != http.StatusServiceUnavailable {
				return nil, err
			}
			wait = cmpOr(cmpOr(e.RetryAfter, e.EstimatedTime), c.retry.def())
		default:
			return nil, err
		}
		wait = min(wait, c.retry.maxWait())
		if waited+wait > c.retry.maxTotal() {
			return nil, err
		}
		waited += wait
		c.logger.Info("inference: retrying", "url", e.URL, "status", e.StatusCode, "wait", wait, "attempt", attempt+1)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("%w (waiting to retry after: %v)", context.Cause(ctx), err)
		case <-timer.C:
		}
	}
}

func (c *Client) sendOnce(ctx context.Context, t *target, r *request) (*http.Response, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	method := cmpOr(r.method, http.MethodPost)
	req, err := http.NewRequestWithContext(ctx, method, r.url, body)
	if err != nil {
		return nil, fmt.Errorf("%w: request URL %q: %v", ErrInvalidInput, r.url, err)
	}
	c.setHeaders(req, t, r)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("inference: %s %s: %w", method, redactURL(req), ctxErr(ctx, err))
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := readBounded(io.LimitReader(resp.Body, 64<<10), 64<<10)
	return nil, newHTTPError(resp, b, providerName(t))
}

func providerName(t *target) string {
	if t == nil {
		return ""
	}
	return t.provider
}

// setHeaders writes the headers of spec §1.7: the key (Bearer, or fal's
// Key for its own keys), Content-Type, Accept, X-HF-Bill-To, the provider's
// extra headers, then the caller's, which win.
func (c *Client) setHeaders(req *http.Request, t *target, r *request) {
	h := req.Header
	h.Set("User-Agent", c.userAgent)
	if !r.noAuth && t != nil && t.key != "" {
		if !t.routed && !t.custom && t.spec != nil && t.spec.auth == authKey {
			h.Set("Authorization", "Key "+t.key)
		} else {
			h.Set("Authorization", "Bearer "+t.key)
		}
	}
	if r.body != nil && r.contentType != "" {
		h.Set("Content-Type", r.contentType)
	}
	if r.accept != "" {
		h.Set("Accept", r.accept)
	}
	if r.noAuth {
		return // asset downloads carry nothing of ours
	}
	if c.billTo != "" {
		h.Set("X-HF-Bill-To", c.billTo)
	}
	if t != nil && t.spec != nil {
		for _, kv := range t.spec.headers {
			h.Set(kv[0], kv[1])
		}
	}
	for k, vs := range c.headers {
		h[k] = append([]string(nil), vs...)
	}
}

// Meta is what a response said about itself (spec §1.9). Pass a *Meta in
// a call's options to receive it.
type Meta struct {
	RequestID   string // x-request-id
	ComputeType string // x-compute-type: cpu, cache, 2-a10-g, …
	ComputeTime string // x-compute-time
	Provider    string // the provider the client chose; x-inference-provider when auto-routed
	URL         string // the URL called
	StatusCode  int
	Header      http.Header
}

func metaOf(resp *http.Response, t *target) Meta {
	m := Meta{
		RequestID:   resp.Header.Get("X-Request-Id"),
		ComputeType: resp.Header.Get("X-Compute-Type"),
		ComputeTime: resp.Header.Get("X-Compute-Time"),
		Provider:    providerName(t),
		URL:         redactURL(resp.Request),
		StatusCode:  resp.StatusCode,
		Header:      resp.Header,
	}
	if p := resp.Header.Get("X-Inference-Provider"); p != "" {
		m.Provider = p
	}
	return m
}

// Blob is a binary result (image, audio, video) with its MIME type: the
// server's Content-Type when it gave a specific one, else sniffed from the
// bytes. Never assume PNG.
type Blob struct {
	Data        []byte
	ContentType string
}

// sniff returns ct unless it is empty or generic, else a type detected
// from the bytes.
func sniff(data []byte, ct string) string {
	if ct != "" && ct != "application/octet-stream" && ct != "binary/octet-stream" {
		return ct
	}
	switch {
	case bytes.HasPrefix(data, []byte("fLaC")):
		return "audio/flac"
	case len(data) > 12 && string(data[4:8]) == "ftyp":
		return "video/mp4"
	}
	return http.DetectContentType(data)
}

package hfhub

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// FileMetadataError says a /resolve/ HEAD answered without something a
// download needs (X-Repo-Commit, an ETag, or a size). The server is not
// Hub-compatible, or a proxy stripped the headers.
type FileMetadataError struct {
	URL     string
	Missing string // the header(s) that were missing
}

func (e *FileMetadataError) Error() string {
	return fmt.Sprintf("HEAD %s: no %s in the response: the server is not Hub-compatible or a proxy removed the header; check HF_ENDPOINT", e.URL, e.Missing)
}

// resolvedFile is the metadata a download needs.
type resolvedFile struct {
	commit string
	etag   string
	size   int64
	url    string // where to GET the bytes
}

// retryHeadTimeout is the header timeout of the retried HEAD (spec §3.2).
const retryHeadTimeout = 60 * time.Second

// fileMetadata fetches what downloading r needs. Offline it fails with
// ErrOffline without a request. A file known from a tree listing needs no
// request. retry selects the second, patient attempt of spec §3.2 step 3.
func (c *Client) fileMetadata(ctx context.Context, r *fileRequest, retry bool) (*resolvedFile, error) {
	if c.offline(r) {
		return nil, fmt.Errorf("%w: no request for %s %s was sent", ErrOffline, r.id, r.filename)
	}
	if k := r.known; k != nil {
		return &resolvedFile{commit: k.commit, etag: k.etag, size: k.size,
			url: c.resolveURL(r.rt, r.id, k.commit, r.filename)}, nil
	}
	u := c.resolveURL(r.rt, r.id, r.rev, r.filename)
	ro := &reqOpts{Retry: retryNever, HeaderTimeout: c.cfg.EtagTimeout}
	if retry {
		ro.Retry, ro.HeaderTimeout = retryIdempotent, max(retryHeadTimeout, c.cfg.EtagTimeout)
	}
	resp, err := c.headFollowingRelative(ctx, u, ro)
	if err != nil {
		return nil, err
	}
	m := parseFileMetadata(resp)
	redirect := resp.StatusCode >= 300 && resp.StatusCode < 400
	size := int64(-1)
	if s := resp.Header.Get(HeaderLinkedSize); s != "" {
		size, _ = strconv.ParseInt(s, 10, 64)
	} else if !redirect {
		size = m.Size
	}
	bad := func(what string) error { return &FileMetadataError{URL: sanitizeURL(u), Missing: what} }
	switch {
	case m.CommitHash == "":
		return nil, bad(HeaderRepoCommit)
	case m.Etag == "":
		return nil, bad(HeaderLinkedEtag + " or ETag")
	case size < 0:
		return nil, bad(HeaderLinkedSize + " or Content-Length")
	}
	if !IsCommitHash(m.CommitHash) {
		return nil, bad("valid " + HeaderRepoCommit)
	}
	out := &resolvedFile{commit: m.CommitHash, etag: m.Etag, size: size, url: u}
	// Without Xet support a Xet-backed file is fetched through the original
	// /resolve/ URL (the Hub's bridge serves it); anything else from where
	// the HEAD pointed. Credentials only ever go to the endpoint's origin.
	if m.XetHash == "" && m.Location != "" {
		out.url = m.Location
	}
	return out, nil
}

// headFollowingRelative sends the metadata HEAD of spec §3.2: Accept-Encoding
// identity, and only relative redirects followed (a renamed repo, the Hub's
// resolve-cache): the next URL is the current one with its path replaced by
// the Location's path. An absolute redirect, even to the same host (a CDN,
// or hf serve's LFS route), is returned as is: its headers carry the
// metadata. The body is closed.
func (c *Client) headFollowingRelative(ctx context.Context, u string, ro *reqOpts) (*http.Response, error) {
	opts := *ro
	opts.Redirect = redirectNone
	cur := u
	for range 10 {
		req, err := c.newRequest(ctx, http.MethodHead, cur, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := c.do(req, &opts)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return resp, nil
		}
		lu, err := url.Parse(loc)
		if err != nil || lu.Host != "" || lu.Scheme != "" {
			return resp, nil
		}
		next, err := url.Parse(cur)
		if err != nil {
			return resp, nil
		}
		ref, err := next.Parse(lu.Path) // resolves a relative path against the current one
		if err != nil {
			return resp, nil
		}
		next.Path, next.RawPath = ref.Path, ref.RawPath
		if lu.RawPath != "" && strings.HasPrefix(loc, "/") {
			next.RawPath = lu.RawPath
		}
		cur = next.String()
	}
	return nil, fmt.Errorf("HEAD %s: more than 10 relative redirects", sanitizeURL(u))
}

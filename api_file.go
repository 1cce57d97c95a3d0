package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FileMetadata is what the HEAD of a /resolve/ URL tells about a file
// (get_hf_file_metadata, spec §3.7).
type FileMetadata struct {
	// CommitHash is the commit the revision resolved to (X-Repo-Commit).
	CommitHash string
	// Etag is the normalised etag: the git blob sha1 of a regular file, the
	// sha256 of an LFS file (X-Linked-Etag, else ETag), without W/ and
	// quotes.
	Etag string
	// Location is where to GET the file: the absolute redirect target of an
	// LFS file (on another host), else the URL that answered.
	Location string
	// Size in bytes: X-Linked-Size, else Content-Length unless the answer
	// is a redirect (whose Content-Length describes the redirect itself);
	// -1 if unknown.
	Size int64
	// XetHash is set for Xet-backed files (X-Xet-Hash).
	XetHash string
	// XetRefreshRoute is the Xet token URL (Link rel="xet-auth" or
	// X-Xet-Refresh-Route), for Xet-backed files.
	XetRefreshRoute string
	// Header holds all the response headers of the HEAD.
	Header http.Header
}

// NormalizeEtag normalises an ETag the way the Python client does
// (etag.lstrip("W/").strip('"')): every leading 'W' and '/' character is
// removed (a character set, not the "W/" prefix), then quotes at both ends.
// `W/"abc"` and `"abc"` both give "abc".
func NormalizeEtag(etag string) string {
	return strings.Trim(strings.TrimLeft(etag, "W/"), `"`)
}

// FileMetadata sends the HEAD request of spec §3 for filename in repo id,
// like Python's get_hf_file_metadata: Accept-Encoding identity, relative
// redirects (renamed repos, the Hub's resolve-cache) followed, absolute ones
// never followed, even to the same host (their Location is returned: the
// LFS/CDN URL to GET), timeout HF_HUB_ETAG_TIMEOUT. Errors match
// [ErrRepoNotFound], [ErrGatedRepo], [ErrRevisionNotFound],
// [ErrEntryNotFound] (whose *HubError Header carries X-Repo-Commit).
func (c *Client) FileMetadata(ctx context.Context, id, filename string, opts *RepoOptions) (*FileMetadata, error) {
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	if filename == "" {
		return nil, fmt.Errorf("%w: empty filename", ErrValidation)
	}
	return c.FileMetadataURL(ctx, c.resolveURL(opts.repoType(), id, opts.revision(), filename))
}

// FileMetadataURL is [Client.FileMetadata] for a /resolve/ URL built by
// the caller (see [Client.ResolveURL]).
func (c *Client) FileMetadataURL(ctx context.Context, u string) (*FileMetadata, error) {
	return c.fileMetadataURL(ctx, u, &reqOpts{HeaderTimeout: c.cfg.EtagTimeout})
}

// fileMetadataURL is FileMetadataURL with the caller's retry policy and
// timeout (the download path's first HEAD is not retried, spec §3.2).
func (c *Client) fileMetadataURL(ctx context.Context, u string, ro *reqOpts) (*FileMetadata, error) {
	resp, err := c.headFollowingRelative(ctx, u, ro)
	if err != nil {
		return nil, err
	}
	return parseFileMetadata(resp), nil
}

// maxRelativeRedirects bounds the relative redirects a metadata HEAD
// follows (Python has no bound; a loop must end).
const maxRelativeRedirects = 10

// headFollowingRelative sends the metadata HEAD of spec §3.2: Accept-Encoding
// identity, and only relative redirects followed (a Location without a
// host: a renamed repo, the Hub's resolve-cache). The next URL is the
// current one with its path replaced by the Location's path (the current
// scheme, host and query are kept, the Location's query is dropped), as
// Python's _httpx_follow_relative_redirects does. An absolute redirect, even
// to the same host (a CDN, or hf serve's LFS route), is returned as is: its
// headers carry the metadata. The body is closed.
func (c *Client) headFollowingRelative(ctx context.Context, u string, ro *reqOpts) (*http.Response, error) {
	opts := *ro
	opts.Redirect = redirectNone
	cur := u
	for range maxRelativeRedirects + 1 {
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
	return nil, fmt.Errorf("HEAD %s: more than %d relative redirects (a redirect loop?); check HF_ENDPOINT", sanitizeURL(u), maxRelativeRedirects)
}

func parseFileMetadata(resp *http.Response) *FileMetadata {
	h := resp.Header
	m := &FileMetadata{
		CommitHash: h.Get(HeaderRepoCommit),
		Etag:       NormalizeEtag(firstHeader(h, HeaderLinkedEtag, "ETag")),
		Size:       -1,
		XetHash:    h.Get(HeaderXetHash),
		Header:     h,
	}
	redirect := resp.StatusCode >= 300 && resp.StatusCode < 400
	size := h.Get(HeaderLinkedSize)
	if size == "" && !redirect {
		size = h.Get("Content-Length")
	}
	if n, err := strconv.ParseInt(size, 10, 64); err == nil && n >= 0 {
		m.Size = n
	}
	if loc := h.Get("Location"); loc != "" && redirect {
		if lu, err := resp.Request.URL.Parse(loc); err == nil {
			m.Location = lu.String()
		}
	} else {
		m.Location = resp.Request.URL.String()
	}
	m.XetRefreshRoute = LinkURL(h, LinkRelXetAuth)
	if m.XetRefreshRoute == "" {
		m.XetRefreshRoute = h.Get(HeaderXetRefreshRoute)
	}
	if m.XetRefreshRoute != "" {
		if ru, err := resp.Request.URL.Parse(m.XetRefreshRoute); err == nil {
			m.XetRefreshRoute = ru.String()
		}
	}
	return m
}

// FileExists reports whether filename exists in repo id at the revision.
// A missing repo, revision or file answers false; a gated repo is an error
// ([ErrGatedRepo]), as in Python. Hub API: HEAD /{prefix}{id}/resolve/{rev}/{file}.
func (c *Client) FileExists(ctx context.Context, id, filename string, opts *RepoOptions) (bool, error) {
	_, err := c.FileMetadata(ctx, id, filename, opts)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrGatedRepo):
		return false, err
	case errors.Is(err, ErrEntryNotFound), errors.Is(err, ErrRevisionNotFound), errors.Is(err, ErrRepoNotFound):
		return false, nil
	}
	return false, err
}

package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	// Size in bytes (X-Linked-Size, else Content-Length); -1 if unknown.
	Size int64
	// XetHash is set for Xet-backed files (X-Xet-Hash).
	XetHash string
	// XetRefreshRoute is the Xet token URL (Link rel="xet-auth" or
	// X-Xet-Refresh-Route), for Xet-backed files.
	XetRefreshRoute string
	// Header holds all the response headers of the HEAD.
	Header http.Header
}

// NormalizeEtag removes a weak-validator prefix (W/) and surrounding quotes.
func NormalizeEtag(etag string) string {
	etag = strings.TrimSpace(etag)
	etag = strings.TrimPrefix(etag, "W/")
	return strings.Trim(etag, `"`)
}

// FileMetadata sends the HEAD request of spec §3 for filename in repo id:
// Accept-Encoding identity, relative redirects (renamed repos, the Hub's
// resolve-cache) followed, absolute ones to another host not followed (their
// Location is returned), timeout HF_HUB_ETAG_TIMEOUT. Errors match
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
	req, err := c.newRequest(ctx, http.MethodHead, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := c.do(req, &reqOpts{Redirect: redirectSameOrigin, HeaderTimeout: c.cfg.EtagTimeout})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return parseFileMetadata(resp), nil
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
	if s := firstHeader(h, HeaderLinkedSize, "Content-Length"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			m.Size = n
		}
	}
	if loc := h.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode < 400 {
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

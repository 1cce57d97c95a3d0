package hfhub

import (
	"context"
	"fmt"
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
	url    string   // where to GET the bytes
	xet    *xetFile // set for a Xet file when Xet is on (download_xet.go)
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
		out := &resolvedFile{commit: k.commit, etag: k.etag, size: k.size,
			url: c.resolveURL(r.rt, r.id, k.commit, r.filename)}
		if k.xetHash != "" {
			out.xet = c.xetKnown(r.rt, r.id, k.commit, k.xetHash)
		}
		return out, nil
	}
	u := c.resolveURL(r.rt, r.id, r.rev, r.filename)
	ro := &reqOpts{Retry: retryNever, HeaderTimeout: c.cfg.EtagTimeout}
	if retry {
		ro.Retry, ro.HeaderTimeout = retryIdempotent, max(retryHeadTimeout, c.cfg.EtagTimeout)
	}
	m, err := c.fileMetadataURL(ctx, u, ro) // api_file.go: FileMetadata's HEAD
	if err != nil {
		return nil, err
	}
	size := m.Size
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
	out := &resolvedFile{commit: m.CommitHash, etag: m.Etag, size: size, url: u, xet: c.xetInfo(m.XetHash, m.XetRefreshRoute)}
	// Without Xet support a Xet-backed file is fetched through the original
	// /resolve/ URL (the Hub's bridge serves it); anything else from where
	// the HEAD pointed. Credentials only ever go to the endpoint's origin.
	if m.XetHash == "" && m.Location != "" {
		out.url = m.Location
	}
	return out, nil
}

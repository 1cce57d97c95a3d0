package hfhub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/internal/transfer"
)

// CachedDownloadOptions configures [Client.CachedDownload]. A nil pointer
// uses {HF_HOME}/hfhub/url-cache and validates with one HEAD request.
type CachedDownloadOptions struct {
	// Dir is the cache folder (default {HF_HOME}/hfhub/url-cache).
	Dir string
	// Offline returns the cached copy without any request (also implied by
	// the client's offline mode).
	Offline bool
	// Progress receives progress events (Path is the URL).
	Progress ProgressObserver
}

// urlCacheEntry is the metadata file {key}.json of a cached URL.
type urlCacheEntry struct {
	URL  string `json:"url"`
	Etag string `json:"etag"`
	File string `json:"file"` // base name of the content file
	Size int64  `json:"size"`
}

// CachedDownload downloads any URL (typically a Hub /resolve/ or API URL)
// into an ETag-validated cache and returns the local path: a HEAD request
// reads the ETag (X-Linked-Etag first, as for Hub files); if the cache holds
// the content for that ETag it is returned, else it is downloaded
// (verified when the ETag is a sha256 or a git blob id) and stored as
// {Dir}/{hash of the URL}.{hash of the ETag}. When the URL cannot be reached
// (or offline) the last cached copy is returned; without one the error
// matches [ErrLocalEntryNotFound]. The token is sent only to the endpoint.
func (c *Client) CachedDownload(ctx context.Context, url string, opts *CachedDownloadOptions) (string, error) {
	o := &CachedDownloadOptions{}
	if opts != nil {
		o = opts
	}
	dir := o.Dir
	if dir == "" {
		dir = filepath.Join(c.cfg.HFHome, "hfhub", "url-cache")
	}
	ca, err := cache.Open(dir, nil)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrValidation, err)
	}
	sum := sha256.Sum256([]byte(url))
	key := hex.EncodeToString(sum[:16])
	metaPath := filepath.Join(dir, key+".json")
	cached := func() (string, bool) {
		b, err := os.ReadFile(metaPath)
		if err != nil {
			return "", false
		}
		var e urlCacheEntry
		if json.Unmarshal(b, &e) != nil || e.URL != url || e.File == "" || filepath.Base(e.File) != e.File {
			return "", false
		}
		p := filepath.Join(dir, e.File)
		return p, existsFile(p)
	}
	fallback := func(cause error) (string, error) {
		if p, ok := cached(); ok {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s is not cached and could not be fetched: %w", ErrLocalEntryNotFound, sanitizeURL(url), cause)
	}
	if o.Offline || c.cfg.Offline {
		return fallback(ErrOffline)
	}
	etag, size, getURL, err := c.headURL(ctx, url)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		var he *HubError
		if errors.As(err, &he) && he.StatusCode < 500 && he.StatusCode != http.StatusTooManyRequests {
			return "", err // the URL is wrong, not unreachable
		}
		return fallback(err)
	}
	etagSum := sha256.Sum256([]byte(etag))
	file := key + "." + hex.EncodeToString(etagSum[:8])
	dest := filepath.Join(dir, file)
	entry := urlCacheEntry{URL: url, Etag: etag, File: file, Size: size}
	writeMeta := func() error {
		b, err := json.Marshal(entry)
		if err != nil {
			return err
		}
		return ca.WriteFileAtomic(metaPath, b)
	}
	if existsFile(dest) {
		return dest, writeMeta()
	}
	if err := ca.MkdirAll(dir); err != nil {
		return "", err
	}
	unlock, err := ca.Lock(ctx, filepath.Join(dir, cache.LocksDirName, key+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if !existsFile(dest) {
		job := transfer.Job{URL: getURL, Size: size, Hash: transfer.HashKindFor(etag), Dest: dest, Temp: dest + ".hfhub.incomplete"}
		if job.Hash != transfer.NoHash {
			job.Want = etag
		}
		if o.Progress != nil {
			job.Observer = &fileProgress{obs: o.Progress, path: url}
		}
		if _, err := c.engine(&DownloadOptions{}, nil).Download(ctx, job); err != nil {
			return "", mapTransferError(&fileRequest{id: "", filename: sanitizeURL(url)}, err)
		}
	}
	if err := writeMeta(); err != nil {
		return "", err
	}
	emit(o.Progress, ProgressEvent{Kind: FileDone, Path: url, Total: size})
	return dest, nil
}

// headURL sends the metadata HEAD for any URL: relative redirects are
// followed, an absolute one to another origin is not (its Location is where
// to GET). It returns the normalised etag, the size (-1 if unknown) and the
// URL to download.
func (c *Client) headURL(ctx context.Context, u string) (etag string, size int64, getURL string, err error) {
	m, err := c.FileMetadataURL(ctx, u)
	if err != nil {
		return "", 0, "", err
	}
	if m.Etag == "" {
		return "", 0, "", &FileMetadataError{URL: sanitizeURL(u), Missing: "ETag"}
	}
	size = m.Size
	getURL = u
	if m.XetHash == "" && m.Location != "" {
		getURL = m.Location
	}
	return m.Etag, size, getURL, nil
}

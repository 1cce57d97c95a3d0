package hfhub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/hfuri"
)

// BucketInfo describes a bucket (bucket_info, list_buckets).
type BucketInfo struct {
	ID         string    `json:"id"`
	Private    bool      `json:"private"`
	CreatedAt  time.Time `json:"createdAt"`
	Size       int64     `json:"size"`       // bytes, all files
	TotalFiles int       `json:"totalFiles"` // number of files
}

// BucketEntry is a file or folder of a bucket (list_bucket_tree,
// get_bucket_paths_info).
type BucketEntry struct {
	Type       string     `json:"type"` // "file" or "directory"
	Path       string     `json:"path"`
	Size       int64      `json:"size,omitempty"`
	XetHash    string     `json:"xetHash,omitempty"`
	MTime      *time.Time `json:"mtime,omitempty"`
	UploadedAt *time.Time `json:"uploadedAt,omitempty"`
}

// IsDir reports whether e is a folder.
func (e *BucketEntry) IsDir() bool { return e.Type == "directory" }

// bucketID validates a bucket id ("namespace/name", or an hf://buckets/
// URI without a path).
func bucketID(id string) (string, error) {
	if hfuri.IsURI(id) {
		u, err := hfuri.Parse(id)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrValidation, err)
		}
		if !u.IsBucket() || u.Path != "" {
			return "", fmt.Errorf("%w: %s is not a bucket id: write namespace/name or hf://buckets/namespace/name", ErrValidation, id)
		}
		return u.ID, nil
	}
	if err := ValidateRepoID(id); err != nil || strings.Count(id, "/") != 1 {
		return "", fmt.Errorf("%w: bucket id %q: write namespace/name", ErrValidation, id)
	}
	return id, nil
}

func (c *Client) bucketAPI(id string, parts ...string) string {
	return c.apiURL(append([]string{"buckets", id}, parts...)...)
}

// CreateBucketOptions configures [Client.CreateBucket].
type CreateBucketOptions struct {
	Private bool
	// ExistOK makes an existing bucket a success.
	ExistOK bool
}

// CreateBucket creates bucket id ("namespace/name"; a bare name is created
// in the caller's namespace) and returns its web URL. Hub API: POST
// /api/buckets/{namespace}/{name}. An existing bucket is [ErrConflict]
// unless ExistOK.
func (c *Client) CreateBucket(ctx context.Context, id string, opts *CreateBucketOptions) (string, error) {
	o := CreateBucketOptions{}
	if opts != nil {
		o = *opts
	}
	if !strings.Contains(id, "/") && !hfuri.IsURI(id) {
		id = "me/" + id
	}
	id, err := bucketID(id)
	if err != nil {
		return "", err
	}
	body := map[string]any{}
	if o.Private {
		body["private"] = true
	}
	var out struct {
		URL string `json:"url"`
	}
	_, err = c.sendJSON(ctx, http.MethodPost, c.bucketAPI(id), body, &out, &reqOpts{Retry: retryNever})
	if err != nil && o.ExistOK && errors.Is(err, ErrConflict) {
		return c.endpoint + "/buckets/" + id, nil
	}
	if err != nil {
		return "", fmt.Errorf("create bucket %s: %w", id, err)
	}
	return out.URL, nil
}

// BucketInfo returns bucket id. Hub API: GET /api/buckets/{id}. A missing
// (or hidden) bucket is [ErrRepoNotFound].
func (c *Client) BucketInfo(ctx context.Context, id string) (*BucketInfo, error) {
	id, err := bucketID(id)
	if err != nil {
		return nil, err
	}
	var info BucketInfo
	if _, err := c.getJSON(ctx, c.bucketAPI(id), nil, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// ListBuckets lists the buckets of namespace ns ("" : the caller's),
// those whose name contains search when it is not empty. Hub API: GET
// /api/buckets/{ns}?search=.
func (c *Client) ListBuckets(ctx context.Context, ns, search string) iter.Seq2[*BucketInfo, error] {
	if ns == "" {
		ns = "me"
	}
	q := url.Values{}
	if search != "" {
		q.Set("search", search)
	}
	return paginate[*BucketInfo](ctx, c, c.apiURL("buckets", url.PathEscape(ns)), q, 0)
}

// DeleteBucket deletes bucket id; with missingOK a missing bucket is not an
// error. Hub API: DELETE /api/buckets/{id}.
func (c *Client) DeleteBucket(ctx context.Context, id string, missingOK bool) error {
	id, err := bucketID(id)
	if err != nil {
		return err
	}
	_, err = c.sendJSON(ctx, http.MethodDelete, c.bucketAPI(id), nil, nil, &reqOpts{Retry: retryNever})
	if err != nil && missingOK && errors.Is(err, ErrRepoNotFound) {
		return nil
	}
	return err
}

// MoveBucket renames bucket from to to (both "namespace/name"). Hub API:
// POST /api/repos/move {"type": "bucket"}.
func (c *Client) MoveBucket(ctx context.Context, from, to string) error {
	f, err := bucketID(from)
	if err != nil {
		return err
	}
	t, err := bucketID(to)
	if err != nil {
		return err
	}
	_, err = c.sendJSON(ctx, http.MethodPost, c.apiURL("repos", "move"), map[string]string{"fromRepo": f, "toRepo": t, "type": "bucket"}, nil, &reqOpts{Retry: retryNever})
	return err
}

// ListBucketTree lists the files and folders of bucket id under prefix
// (folder path; "" the root), the whole subtree when recursive. Hub API:
// GET /api/buckets/{id}/tree[/{prefix}]?recursive=.
func (c *Client) ListBucketTree(ctx context.Context, id, prefix string, recursive bool) iter.Seq2[*BucketEntry, error] {
	id, err := bucketID(id)
	if err != nil {
		return fail[*BucketEntry](err)
	}
	parts := []string{"tree"}
	if p := strings.Trim(prefix, "/"); p != "" {
		parts = append(parts, url.PathEscape(p))
	}
	q := url.Values{}
	if recursive {
		q.Set("recursive", "true")
	}
	return paginate[*BucketEntry](ctx, c, c.bucketAPI(id, parts...), q, 0)
}

// bucketPathsChunk is how many paths one paths-info request carries.
const bucketPathsChunk = 1000

// BucketPathsInfo returns the files of bucket id at paths; missing paths
// are left out. Hub API: POST /api/buckets/{id}/paths-info (1000 paths per
// request).
func (c *Client) BucketPathsInfo(ctx context.Context, id string, paths []string) ([]BucketEntry, error) {
	id, err := bucketID(id)
	if err != nil {
		return nil, err
	}
	out := []BucketEntry{}
	for start := 0; start < len(paths); start += bucketPathsChunk {
		var page []BucketEntry
		body := map[string][]string{"paths": paths[start:min(start+bucketPathsChunk, len(paths))]}
		if _, err := c.sendJSON(ctx, http.MethodPost, c.bucketAPI(id, "paths-info"), body, &page, &reqOpts{Retry: retryAlways}); err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	return out, nil
}

// BucketCopy is a server-side copy into a bucket of content named by its
// Xet hash, from a bucket or repository ([Client.BatchBucketFiles]).
type BucketCopy struct {
	SourceType string // "bucket", "model", "dataset", "space"
	SourceID   string
	XetHash    string
	Dest       string // path in the bucket
}

// BatchBucketFiles copies files by Xet hash (no bytes move) and deletes
// paths of bucket id, in one request. Hub API: POST
// /api/buckets/{id}/batch (NDJSON copyFile and deleteFile lines). Adding
// new content needs a Xet upload first, which this client does not make
// yet: copy content the Hub already stores.
func (c *Client) BatchBucketFiles(ctx context.Context, id string, copies []BucketCopy, deletes []string) error {
	id, err := bucketID(id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, cp := range copies {
		if cp.XetHash == "" || cp.Dest == "" {
			return fmt.Errorf("%w: a bucket copy needs a Xet hash and a destination path", ErrValidation)
		}
		enc.Encode(map[string]string{"type": "copyFile", "path": strings.Trim(cp.Dest, "/"), "xetHash": cp.XetHash, "sourceRepoType": cp.SourceType, "sourceRepoId": cp.SourceID})
	}
	for _, p := range deletes {
		enc.Encode(map[string]string{"type": "deleteFile", "path": strings.Trim(p, "/")})
	}
	if buf.Len() == 0 {
		return nil
	}
	req, err := c.newRequest(ctx, http.MethodPost, c.bucketAPI(id, "batch"), bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	_, err = c.doJSON(req, nil, &reqOpts{Retry: retryAlways})
	return err
}

// bucketResolveURL is where the bytes of a bucket file are served.
func (c *Client) bucketResolveURL(id, p string) string {
	return c.endpoint + "/buckets/" + id + "/resolve/" + QuotePath(p)
}

// OpenBucketFS opens a read-only [FS] over bucket id (or its folder
// prefix), listed once with one recursive tree request. Files carry their
// modification times and Xet hashes (Sys); reads are Range GETs of
// /buckets/{id}/resolve/{path} with the FS read-ahead. A bucket changes in
// place: the FS shows it as listed.
func (c *Client) OpenBucketFS(ctx context.Context, id, prefix string, opts *FSOptions) (*FS, error) {
	id, err := bucketID(id)
	if err != nil {
		return nil, err
	}
	prefix = strings.Trim(prefix, "/")
	var files []fsEntry
	for e, err := range c.ListBucketTree(ctx, id, prefix, true) {
		if err != nil {
			return nil, err
		}
		if e.IsDir() {
			continue
		}
		rel := e.Path
		if prefix != "" {
			rel = strings.TrimPrefix(e.Path, prefix+"/")
		}
		fe := fsEntry{path: rel, size: e.Size, etag: e.XetHash}
		if e.MTime != nil {
			fe.modTime = *e.MTime
		}
		files = append(files, fe)
	}
	root, err := buildTree(files)
	if err != nil {
		return nil, fmt.Errorf("%w: the listing of bucket %s: %v", ErrServer, id, err)
	}
	o := FSOptions{}
	if opts != nil {
		o = *opts
	}
	desc := "hf://buckets/" + id
	if prefix != "" {
		desc += "/" + prefix
	}
	f := &FS{ctx: ctx, c: c, desc: desc, root: root, ahead: readAhead(o.ReadAhead)}
	f.url = func(name string) string {
		if prefix != "" {
			name = prefix + "/" + name
		}
		return c.bucketResolveURL(id, name)
	}
	f.local = func(string, *fsNode) string { return "" }
	return f, nil
}

// DownloadBucketFiles downloads files of bucket id: each pair maps a path in
// the bucket to a local path, written atomically. Progress, when not nil,
// receives per-file events. Hub API: GET /buckets/{id}/resolve/{path}.
func (c *Client) DownloadBucketFiles(ctx context.Context, id string, files map[string]string, progress ProgressObserver) error {
	id, err := bucketID(id)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	infos, err := c.BucketPathsInfo(ctx, id, paths)
	if err != nil {
		return err
	}
	entries := make([]fsEntry, 0, len(infos))
	for _, e := range infos {
		entries = append(entries, fsEntry{path: e.Path, size: e.Size, etag: e.XetHash})
	}
	if len(infos) != len(files) {
		for _, p := range paths {
			if !containsPath(infos, p) {
				return fmt.Errorf("%w: bucket %s has no file %s", ErrEntryNotFound, id, p)
			}
		}
	}
	root, err := buildTree(entries)
	if err != nil {
		return err
	}
	fsys := &FS{ctx: ctx, c: c, desc: "hf://buckets/" + id, root: root, ahead: DefaultReadAhead,
		url: func(name string) string { return c.bucketResolveURL(id, name) }, local: func(string, *fsNode) string { return "" }}
	for _, p := range paths {
		if err := copyFileTo(ctx, fsys, p, files[p], progress); err != nil {
			return err
		}
	}
	return nil
}

func containsPath(es []BucketEntry, p string) bool {
	for _, e := range es {
		if e.Path == p {
			return true
		}
	}
	return false
}

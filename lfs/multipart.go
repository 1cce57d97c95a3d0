package lfs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Multipart is a multipart upload plan read from an upload action: the part
// size and one URL per part, in part order.
type Multipart struct {
	// ChunkSize is the size of every part but the last.
	ChunkSize int64
	// PartURLs[i] receives part i+1, bytes [i*ChunkSize, (i+1)*ChunkSize).
	PartURLs []string
	// CompletionURL receives the completion POST (the action's href).
	CompletionURL string
}

// ParseMultipart reads a multipart action for an object of size bytes. The
// header's all-digit keys ("1", "00002", ...) number the parts; their count
// must be ceil(size/chunk_size), as the Hub clients check.
func ParseMultipart(a *Action, size int64) (*Multipart, error) {
	cs, ok := a.Header["chunk_size"]
	if !ok {
		return nil, fmt.Errorf("upload action has no chunk_size header: not a multipart upload")
	}
	chunk, err := strconv.ParseInt(cs, 10, 64)
	if err != nil || chunk <= 0 {
		return nil, fmt.Errorf("multipart chunk_size %q is not a positive integer", cs)
	}
	type part struct {
		n   int
		url string
	}
	var parts []part
	for k, v := range a.Header {
		if !isDigits(k) {
			continue
		}
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("multipart part number %q is invalid", k)
		}
		parts = append(parts, part{n, v})
	}
	slices.SortFunc(parts, func(a, b part) int { return a.n - b.n })
	want := (size + chunk - 1) / chunk
	if int64(len(parts)) != want {
		return nil, fmt.Errorf("multipart upload offers %d part URLs, a %d-byte object in %d-byte chunks needs %d", len(parts), size, chunk, want)
	}
	m := &Multipart{ChunkSize: chunk, CompletionURL: a.Href}
	for i, p := range parts {
		if p.n != i+1 {
			return nil, fmt.Errorf("multipart part numbers are not 1..%d (found %d at position %d)", len(parts), p.n, i+1)
		}
		m.PartURLs = append(m.PartURLs, p.url)
	}
	return m, nil
}

// UploadMultipart uploads size bytes of src as the multipart action a
// describes: parts in parallel (at most Concurrency at a time), each read
// from src through its own section reader, then the completion POST with the
// parts' ETags. With a Journal, parts recorded as done for this upload are
// not sent again.
func (u *Uploader) UploadMultipart(ctx context.Context, a *Action, oid OID, src io.ReaderAt, size int64) error {
	m, err := ParseMultipart(a, size)
	if err != nil {
		return err
	}
	etags := make([]string, len(m.PartURLs))
	if u.Journal != nil {
		done, err := u.Journal.Parts(m.CompletionURL)
		if err != nil {
			return fmt.Errorf("read multipart journal: %w", err)
		}
		for n, e := range done {
			if n >= 1 && n <= len(etags) {
				etags[n-1] = e
				if u.Progress != nil {
					u.Progress(m.partLen(n-1, size))
				}
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	workers := u.Concurrency
	if workers <= 0 {
		workers = 8
	}
	g.SetLimit(workers)
	for i, href := range m.PartURLs {
		if etags[i] != "" {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			etag, err := u.put(gctx, href, nil, src, int64(i)*m.ChunkSize, m.partLen(i, size))
			if err != nil {
				return fmt.Errorf("part %d of %d: %w", i+1, len(m.PartURLs), err)
			}
			if etag == "" {
				return fmt.Errorf("part %d of %d: %w", i+1, len(m.PartURLs), errNoETag)
			}
			etags[i] = etag
			if u.Journal != nil {
				if err := u.Journal.PartDone(m.CompletionURL, i+1, etag); err != nil {
					return fmt.Errorf("record part %d: %w", i+1, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	req := CompletionRequest{OID: oid, Parts: make([]CompletionPart, len(etags))}
	for i, e := range etags {
		req.Parts[i] = CompletionPart{PartNumber: i + 1, ETag: e}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if err := u.postJSON(ctx, m.CompletionURL, nil, body); err != nil {
		return fmt.Errorf("complete multipart upload: %w", err)
	}
	if u.Journal != nil {
		if err := u.Journal.Forget(m.CompletionURL); err != nil {
			return fmt.Errorf("clear multipart journal: %w", err)
		}
	}
	return nil
}

func (m *Multipart) partLen(i int, size int64) int64 {
	off := int64(i) * m.ChunkSize
	return min(m.ChunkSize, size-off)
}

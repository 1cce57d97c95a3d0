package hfhub

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// maxCopyDownload bounds the regular (non-LFS) file a copy re-downloads.
const maxCopyDownload = 100 << 20

// resolveCopies looks up the source of every copy: LFS files are copied by
// oid on the server, regular ones are downloaded to be sent again.
func (cm *commitRun) resolveCopies(ctx context.Context) error {
	type key struct{ rev, path string }
	byRev := map[string][]string{}
	for _, op := range cm.ops {
		if op.kind == opCopy {
			rev := cm.copySource(op)
			byRev[rev] = append(byRev[rev], op.srcPath)
		}
	}
	found := map[key]TreeEntry{}
	for rev, paths := range byRev {
		entries, err := cm.c.PathsInfo(ctx, cm.id, paths, &PathsInfoOptions{RepoType: cm.opts.RepoType, Revision: rev})
		if err != nil {
			return err
		}
		for _, e := range entries {
			found[key{rev, e.Path}] = e
		}
	}
	downloaded := map[key][]byte{}
	for _, op := range cm.ops {
		if op.kind != opCopy {
			continue
		}
		rev := cm.copySource(op)
		k := key{rev, op.srcPath}
		e, ok := found[k]
		if !ok || e.IsDir() {
			return fmt.Errorf("copy %s: %w: no file %s at revision %s", op.pathInRepo, ErrEntryNotFound, op.srcPath, rev)
		}
		if e.LFS != nil {
			op.copyLFS = e.LFS
			continue
		}
		if b, ok := downloaded[k]; ok {
			op.copyBytes = b
			continue
		}
		b, err := cm.download(ctx, rev, op.srcPath, e.Size)
		if err != nil {
			return fmt.Errorf("copy %s: %w", op.pathInRepo, err)
		}
		downloaded[k], op.copyBytes = b, b
	}
	return nil
}

// copySource returns the revision a copy reads from: its own, or the
// commit's.
func (cm *commitRun) copySource(op *preparedOp) string {
	if op.srcRevision != "" {
		return op.srcRevision
	}
	return cm.rev
}

// download fetches a regular file of at most maxCopyDownload bytes whole.
func (cm *commitRun) download(ctx context.Context, rev, p string, size int64) ([]byte, error) {
	if size > maxCopyDownload {
		return nil, fmt.Errorf("%s is a %d-byte regular file: too big to copy through the client", p, size)
	}
	req, err := cm.c.newRequest(ctx, http.MethodGet, cm.c.resolveURL(cm.opts.RepoType, cm.id, rev, p), nil)
	if err != nil {
		return nil, err
	}
	resp, err := cm.c.do(req, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxCopyDownload+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", p, err)
	}
	if int64(len(b)) != size {
		return nil, fmt.Errorf("download %s: got %d bytes, the Hub listed %d", p, len(b), size)
	}
	return b, nil
}

package hfhub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hfhub-go/hfhub/archive"
	"github.com/hfhub-go/hfhub/cache"
)

// ExtractOptions asks [Client.Download] to unpack the downloaded archive
// (zip, tar, tar.gz/tgz, tar.xz, or a single .gz file) and return the
// folder it was unpacked to instead of the file. Extraction happens once
// per blob: a later call finds the folder and returns it at once. Entries
// that would escape the folder (.., absolute paths, links out of the tree),
// device files, and archives that expand past Limits are refused (see
// package archive).
type ExtractOptions struct {
	// Dir is the destination folder. Empty means, in cache mode,
	// {repo folder}/extracted/{etag} (beside blobs/, shared by every revision
	// holding the same archive) and, with LocalDir, {file}.extracted. An
	// existing Dir is taken as already extracted.
	Dir string
	// Limits bounds the extraction; the zero value applies the archive
	// package's defaults (64 GiB, 1,000,000 entries, ratio 1000).
	Limits archive.Limits
}

// ExtractedDirName is the folder of a repo's cache folder that holds
// extracted archives, one sub-folder per blob etag.
const ExtractedDirName = cache.ExtractedDirName

// extractDownloaded unpacks the file at path per r.o.Extract and returns
// the folder.
func (c *Client) extractDownloaded(ctx context.Context, r *fileRequest, path string) (string, error) {
	dst := r.o.Extract.Dir
	if dst == "" {
		if r.o.LocalDir != "" {
			dst = path + ".extracted"
		} else {
			dst = filepath.Join(r.cache.RepoDir(r.rts, r.id), ExtractedDirName, blobKey(path))
		}
	}
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		return dst, nil // extracted before: once per blob
	}
	mkdir := func(dir string) error { return os.MkdirAll(dir, 0o777) }
	if r.cache != nil && r.o.LocalDir == "" {
		mkdir = r.cache.MkdirAll // shared caches: the cache's folder mode
	}
	if err := mkdir(filepath.Dir(dst)); err != nil {
		return "", err
	}
	err := archive.Extract(ctx, path, dst, r.o.Extract.Limits)
	if errors.Is(err, fs.ErrExist) {
		return dst, nil // another process extracted it first
	}
	if err != nil {
		return "", fmt.Errorf("extracting %s %s: %w", r.id, r.filename, err)
	}
	return dst, nil
}

// blobKey names a snapshot file's content: its blob's etag when it is a
// symlink into blobs/, else a digest of its real path (caches without
// symlinks).
func blobKey(pointer string) string {
	if real, err := filepath.EvalSymlinks(pointer); err == nil {
		if filepath.Base(filepath.Dir(real)) == cache.BlobsDirName {
			return filepath.Base(real)
		}
		pointer = real
	}
	sum := sha256.Sum256([]byte(pointer))
	return "path-" + hex.EncodeToString(sum[:8])
}

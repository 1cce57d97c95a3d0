package hfhub

import (
	"bufio"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// localDirPaths are the files of one repo file in local-dir mode (spec §3.3).
type localDirPaths struct {
	root     string // the local dir, absolute
	file     string // {root}/{filename}
	metadata string // {root}/.cache/huggingface/download/{filename}.metadata
	lock     string // ... .lock
}

// localMetaDir is the bookkeeping folder inside a local dir.
func localMetaDir(root string) string { return filepath.Join(root, ".cache", "huggingface") }

func newLocalDirPaths(root, filename string) localDirPaths {
	rel := filepath.FromSlash(filename)
	dl := filepath.Join(localMetaDir(root), "download")
	return localDirPaths{
		root:     root,
		file:     filepath.Join(root, rel),
		metadata: filepath.Join(dl, rel+".metadata"),
		lock:     filepath.Join(dl, rel+".lock"),
	}
}

// tempFor returns the resumable temp file for etag: Python's
// {B}.{etag}.{8hex}.incomplete shape with a fixed "hfhub" in place of the
// random part, B = urlsafe-base64(sha1(basename + ".metadata")).
func (p localDirPaths) tempFor(etag string) string {
	sum := sha1.Sum([]byte(filepath.Base(p.metadata)))
	b := base64.URLEncoding.EncodeToString(sum[:])
	return filepath.Join(filepath.Dir(p.metadata), b+"."+etag+".hfhub.incomplete")
}

// localMetadata is the content of a .metadata file.
type localMetadata struct {
	commit, etag string
	timestamp    float64
}

// readLocalMetadata reads p.metadata. A malformed file is deleted; a file
// older than the local file's modification (timestamp < mtime - 1) is
// ignored. ok is false when there is no valid metadata.
func readLocalMetadata(p localDirPaths) (m localMetadata, ok bool) {
	f, err := os.Open(p.metadata)
	if err != nil {
		return m, false
	}
	sc := bufio.NewScanner(io.LimitReader(f, 4096))
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	f.Close()
	var ts float64
	if len(lines) >= 3 {
		ts, err = strconv.ParseFloat(lines[2], 64)
	}
	if len(lines) < 3 || err != nil || lines[0] == "" || lines[1] == "" {
		_ = os.Remove(p.metadata) // malformed: deleted and ignored, as Python does
		return m, false
	}
	fi, err := os.Stat(p.file)
	if err != nil {
		return m, false
	}
	mtime := float64(fi.ModTime().UnixNano()) / 1e9
	if mtime-1 > ts {
		return m, false // the file changed after the metadata was written
	}
	return localMetadata{commit: lines[0], etag: lines[1], timestamp: ts}, true
}

// writeLocalMetadata writes "<commit>\n<etag>\n<unix time>\n" atomically.
func writeLocalMetadata(ca *cache.Cache, p localDirPaths, commit, etag string) error {
	ts := strconv.FormatFloat(float64(time.Now().UnixNano())/1e9, 'f', 6, 64)
	return ca.WriteFileAtomic(p.metadata, []byte(commit+"\n"+etag+"\n"+ts+"\n"))
}

// ensureLocalMetaDir creates .cache/huggingface with its .gitignore ("*")
// and CACHEDIR.TAG, as Python does.
func ensureLocalMetaDir(ca *cache.Cache, root string) error {
	dir := localMetaDir(root)
	if err := ca.MkdirAll(dir); err != nil {
		return err
	}
	gi := filepath.Join(dir, ".gitignore")
	if _, err := os.Stat(gi); err != nil {
		if err := ca.WriteFileAtomic(gi, []byte("*")); err != nil {
			return err
		}
	}
	tag := filepath.Join(dir, cache.CacheDirTagName)
	if _, err := os.Stat(tag); err != nil {
		meta, err := cache.Open(dir, nil)
		if err == nil {
			_ = meta.WriteCacheDirTag() // best effort: only backup tools read it
		}
	}
	return nil
}

// downloadLocalDir is hf_hub_download with local_dir (spec §3.3).
func (c *Client) downloadLocalDir(ctx context.Context, r *fileRequest, dry bool) (string, *DryRunFileInfo, error) {
	root, err := filepath.Abs(r.o.LocalDir)
	if err != nil {
		return "", nil, fmt.Errorf("%w: local dir: %v", ErrValidation, err)
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	p := newLocalDirPaths(root, r.filename)
	force := r.o.ForceDownload
	done := func(cached bool, size int64) {
		emit(r.o.Progress, ProgressEvent{Kind: FileDone, RepoID: r.id, Path: r.filename, Cached: cached, Total: size})
	}
	// 1. A commit revision that the local file already has.
	if IsCommitHash(r.rev) && !force && !dry {
		if m, ok := readLocalMetadata(p); ok && m.commit == r.rev && existsFile(p.file) {
			done(true, -1)
			return p.file, nil, nil
		}
	}
	// 2-3. Metadata, or the local file when the Hub cannot be reached.
	meta, headErr := c.fileMetadata(ctx, r, false)
	if headErr != nil {
		if err := ctx.Err(); err != nil {
			return "", nil, headErr
		}
		if errors.Is(headErr, ErrEntryNotFound) || errors.Is(headErr, ErrRevisionNotFound) {
			return "", nil, headErr
		}
		if existsFile(p.file) && !force && !dry {
			c.logger.Warn("hfhub: could not check the file on the Hub; using the local copy", "file", p.file, "err", headErr)
			done(true, -1)
			return p.file, nil, nil
		}
		if !c.offline(r) && retryableHeadError(headErr) {
			meta, headErr = c.fileMetadata(ctx, r, true)
		}
		if headErr != nil {
			return "", nil, c.noLocalCopyError(r, headErr)
		}
	}
	m, haveMeta := readLocalMetadata(p)
	upToDate := existsFile(p.file) && haveMeta && m.etag == meta.etag
	if dry {
		return "", &DryRunFileInfo{CommitHash: meta.commit, FileSize: meta.size, Filename: r.filename,
			LocalPath: p.file, IsCached: upToDate, WillDownload: force || !upToDate}, nil
	}
	if err := ensureLocalMetaDir(r.cache, root); err != nil {
		return "", nil, err
	}
	// 4. The local file is current: refresh its metadata.
	if existsFile(p.file) && !force {
		if upToDate {
			if err := writeLocalMetadata(r.cache, p, meta.commit, meta.etag); err != nil {
				return "", nil, err
			}
			done(true, meta.size)
			return p.file, nil, nil
		}
		if !haveMeta && cache.IsSHA256(meta.etag) {
			if sum, err := sha256File(p.file); err == nil && sum == meta.etag {
				if err := writeLocalMetadata(r.cache, p, meta.commit, meta.etag); err != nil {
					return "", nil, err
				}
				done(true, meta.size)
				return p.file, nil, nil
			}
		}
	}
	if err := r.cache.MkdirAll(filepath.Dir(p.file)); err != nil {
		return "", nil, err
	}
	if err := r.cache.MkdirAll(filepath.Dir(p.metadata)); err != nil {
		return "", nil, err
	}
	unlock, err := r.cache.Lock(ctx, p.lock)
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	// 5. The main cache has it for that commit: copy.
	if !force {
		if src, st, err := r.cache.TryLoadFromCache(r.rts, r.id, r.filename, meta.commit); err == nil && st == cache.Found {
			if err := copyFileAtomic(src, p.file); err != nil {
				return "", nil, err
			}
			if err := writeLocalMetadata(r.cache, p, meta.commit, meta.etag); err != nil {
				return "", nil, err
			}
			done(true, meta.size)
			return p.file, nil, nil
		}
	}
	// 6. Download. The old file goes first (Python deletes it too).
	if err := os.Remove(p.file); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, err
	}
	if err := c.transferTo(ctx, r, meta, p.file, p.tempFor(meta.etag)); err != nil {
		return "", nil, err
	}
	if err := writeLocalMetadata(r.cache, p, meta.commit, meta.etag); err != nil {
		return "", nil, err
	}
	done(false, meta.size)
	return p.file, nil, nil
}

// sha256File returns the hex sha256 of a file.
func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close() // read-only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyFileAtomic copies src to dst (mode 0644) through a temp file beside
// dst: fsync, rename, folder fsync.
func copyFileAtomic(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close() // read-only
	return fsutil.WriteAtomic(dst, 0o644, "", func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

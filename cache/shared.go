package cache

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The shared blob store of newer Python clients (huggingface_hub's
// cross-repo store of Xet files): a marked top-level blobs/ folder holding
// blobs/{2 hex}/{xet hash} payloads, each repo's blobs/{etag} being a
// relative symlink to one, and blobs/{2 hex}/{xet hash}.refs listing the
// repo blobs (relative to the cache) that point at it. Reads need nothing
// special (symlinks are followed). A scan does not report the store as a
// stray folder and counts each payload once in the cache-wide size; a
// delete or eviction removes a payload once no repo blob points at it
// (checked on the symlinks themselves: the manifest is only a hint).

const (
	// SharedBlobsMarker is the file that marks blobs/ as a shared store.
	SharedBlobsMarker = ".huggingface-shared-blobs"
	sharedLayoutLine  = "1\n"
	sharedRefsSuffix  = ".refs"
)

var sharedPrefixRe = regexp.MustCompile(`^[0-9a-f]{2}$`)

// sharedStore returns the shared store folder, or "" when the cache has
// none (no marker, or a marker of another layout version: never touched).
func (c *Cache) sharedStore() string {
	dir := filepath.Join(c.Dir, BlobsDirName)
	b, err := os.ReadFile(filepath.Join(dir, SharedBlobsMarker))
	if err != nil || string(b) != sharedLayoutLine {
		return ""
	}
	return dir
}

// sharedPayload is one file of the store.
type sharedPayload struct {
	path string
	size int64
}

func sharedPayloads(store string) []sharedPayload {
	var out []sharedPayload
	prefixes, _ := os.ReadDir(store)
	for _, p := range prefixes {
		if !p.IsDir() || !sharedPrefixRe.MatchString(p.Name()) {
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(store, p.Name()))
		for _, e := range entries {
			n := e.Name()
			if !e.Type().IsRegular() || !strings.HasPrefix(n, p.Name()) || strings.Contains(n, ".") {
				continue // manifests, locks, temporary files
			}
			if info, err := e.Info(); err == nil {
				out = append(out, sharedPayload{filepath.Join(store, p.Name(), n), info.Size()})
			}
		}
	}
	return out
}

// adjustSharedSizes makes the cache-wide size count each shared payload
// once (repo sizes stay logical, as in Python): resolved holds, per repo,
// the resolved blob paths and their sizes.
func (c *Cache) adjustSharedSizes(rep *Report, resolved map[string]int64) {
	store := c.sharedStore()
	if store == "" {
		return
	}
	real, err := filepath.EvalSymlinks(store)
	if err != nil {
		return
	}
	prefix := real + string(filepath.Separator)
	for p, size := range resolved {
		if r, err := filepath.EvalSymlinks(p); err == nil && strings.HasPrefix(r, prefix) {
			rep.SizeOnDisk -= size
		}
	}
	for _, sp := range sharedPayloads(store) {
		rep.SizeOnDisk += sp.size
	}
}

// referenced reports whether a repo blob still points at payload: a line
// of its manifest that names a symlink resolving to it, else (manifest
// missing or unreadable: keep the payload) true.
func (c *Cache) referenced(payload string) bool {
	f, err := os.Open(payload + sharedRefsSuffix)
	if err != nil {
		return true // no manifest: prefer leaking to breaking
	}
	defer f.Close()
	want, err := filepath.EvalSymlinks(payload)
	if err != nil {
		return true
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := string(bytes.TrimSpace(sc.Bytes()))
		if line == "" || strings.Contains(line, "..") || filepath.IsAbs(line) {
			continue
		}
		link := filepath.Join(c.Dir, filepath.FromSlash(line))
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		if got, err := filepath.EvalSymlinks(link); err == nil && got == want {
			return true
		}
	}
	return sc.Err() != nil
}

// sweepShared removes the shared payloads no repo blob points at any more
// (after a delete or an eviction), with their manifests.
func (c *Cache) sweepShared(res *ExecuteResult) {
	store := c.sharedStore()
	if store == "" {
		return
	}
	for _, sp := range sharedPayloads(store) {
		if c.referenced(sp.path) {
			continue
		}
		if err := os.Remove(sp.path); err != nil {
			res.Warnings = append(res.Warnings, Warning{Path: sp.path, Message: "cannot remove unreferenced shared blob: " + err.Error()})
			continue
		}
		_ = os.Remove(sp.path + sharedRefsSuffix)
		res.Removed++
	}
}

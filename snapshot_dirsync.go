package hfhub

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// dirSyncer collects the folders a snapshot renamed files into, so that
// each is fsync'd once when every file is in place instead of once per file
// (1000 small files in one folder: 1 directory fsync, not 1000). Each file
// is still fsync'd before its rename; only the durability of the renames
// themselves is batched, and it is complete before the snapshot is
// reported done.
type dirSyncer struct {
	mu   sync.Mutex
	dirs map[string]struct{}
}

func newDirSyncer() *dirSyncer { return &dirSyncer{dirs: map[string]struct{}{}} }

// add records that a rename happened in dir. A nil syncer does nothing.
func (d *dirSyncer) add(dir string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	d.dirs[dir] = struct{}{}
	d.mu.Unlock()
}

// empty reports whether nothing was renamed.
func (d *dirSyncer) empty() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.dirs) == 0
}

// sync fsyncs every recorded folder (and forgets them).
func (d *dirSyncer) sync() error {
	d.mu.Lock()
	dirs := make([]string, 0, len(d.dirs))
	for dir := range d.dirs {
		dirs = append(dirs, dir)
	}
	d.dirs = map[string]struct{}{}
	d.mu.Unlock()
	sort.Strings(dirs)
	for _, dir := range dirs {
		if err := fsutil.SyncDir(dir); err != nil {
			return fmt.Errorf("making the downloaded files in %s durable: %w", dir, err)
		}
	}
	return nil
}

// syncSnapshotDirs fsyncs, once each, the folders the snapshot's downloads
// renamed files into: blobs/ (or the local dir's folders) and, in the cache,
// the snapshot folders holding the new entries. Nothing is synced when
// nothing was downloaded.
func syncSnapshotDirs(base *fileRequest, snapDir, localDir string, names []string) error {
	if base.dirs.empty() {
		return nil
	}
	if localDir == "" {
		for _, name := range names {
			base.dirs.add(filepath.Dir(filepath.Join(snapDir, filepath.FromSlash(name))))
		}
	}
	return base.dirs.sync()
}

package cache

import (
	"fmt"
	"time"
)

// Report is the result of [Cache.Scan]: the same information as the Python
// client's scan_cache_dir (HFCacheInfo), plus what eviction needs.
type Report struct {
	// Dir is the scanned cache folder.
	Dir string `json:"cache_dir"`
	// Repos are the repos found, sorted by type then id.
	Repos []*RepoInfo `json:"repos"`
	// SizeOnDisk is the sum of the repos' sizes (blobs only, as Python
	// reports it).
	SizeOnDisk int64 `json:"size_on_disk"`
	// ExtractedSize is the sum of the repos' [RepoInfo.ExtractedSize]: the
	// unpacked archives the hfhub client keeps beside the blobs. The space
	// the cache takes is SizeOnDisk + ExtractedSize (see [Report.TotalSize]).
	ExtractedSize int64 `json:"extracted_size"`
	// Warnings lists everything malformed that the scan stepped over.
	Warnings []Warning `json:"warnings"`
	// IncompleteFiles are the blobs/*.incomplete files (downloads in
	// progress or interrupted).
	IncompleteFiles []IncompleteFile `json:"incomplete_files"`
}

// Warning describes one malformed entry found by [Cache.Scan]. It is an error.
type Warning struct {
	// Path is the file or folder concerned.
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// Error returns "path: message".
func (w Warning) Error() string { return w.Path + ": " + w.Message }

// IncompleteFile is a partial download left in a blobs folder.
type IncompleteFile struct {
	// Path is the file.
	Path string `json:"path"`
	// RepoType and RepoID name its repo.
	RepoType string `json:"repo_type"`
	RepoID   string `json:"repo_id"`
	// Size is its current size in bytes.
	Size int64 `json:"size_on_disk"`
	// LastModified is its modification time.
	LastModified time.Time `json:"last_modified"`
}

// RepoInfo is one cached repo (Python's CachedRepoInfo).
type RepoInfo struct {
	// Type is "model", "dataset", "space" or "kernel".
	Type string `json:"repo_type"`
	// ID is "org/name" (or a legacy "name").
	ID string `json:"repo_id"`
	// Path is the repo folder.
	Path string `json:"repo_path"`
	// SizeOnDisk sums the sizes of the distinct blobs of all revisions,
	// exactly as Python's scan_cache_dir does.
	SizeOnDisk int64 `json:"size_on_disk"`
	// ExtractedSize sums the sizes of the files below the repo's extracted/
	// folder (archives the hfhub client unpacked, unfinished extractions
	// included); Python knows nothing of them. It is not part of
	// SizeOnDisk.
	ExtractedSize int64 `json:"extracted_size"`
	// NumFiles is the number of distinct blobs.
	NumFiles int `json:"nb_files"`
	// LastAccessed and LastModified are the latest blob access and
	// modification times (the repo folder's when it has no files).
	LastAccessed time.Time `json:"last_accessed"`
	LastModified time.Time `json:"last_modified"`
	// LastUsed is the latest [RevisionInfo.LastUsed] of its revisions.
	LastUsed time.Time `json:"last_used"`
	// Revisions are the snapshots, sorted by commit.
	Revisions []*RevisionInfo `json:"revisions"`
	// Refs maps ref names ("main", "refs/pr/1") to commits.
	Refs map[string]string `json:"refs"`

	// extracted maps the names of the folders below extracted/ (blob etags,
	// "path-…" keys, unfinished extractions) to their sizes.
	extracted map[string]int64
}

// TotalSize is the space the repo folder's files take: its blobs and its
// extracted archives.
func (r *RepoInfo) TotalSize() int64 { return r.SizeOnDisk + r.ExtractedSize }

// CacheID returns "{type}/{id}", e.g. "model/gpt2", the name `hf cache`
// commands accept.
func (r *RepoInfo) CacheID() string { return r.Type + "/" + r.ID }

// RevisionInfo is one snapshot of a repo (Python's CachedRevisionInfo).
type RevisionInfo struct {
	// Commit is the snapshot folder name, the commit hash.
	Commit string `json:"commit_hash"`
	// SnapshotPath is snapshots/{commit}.
	SnapshotPath string `json:"snapshot_path"`
	// Files are its files, sorted by name.
	Files []FileInfo `json:"files"`
	// Refs are the ref names pointing to it, sorted; empty for a detached
	// revision.
	Refs []string `json:"refs"`
	// SizeOnDisk sums the sizes of the distinct blobs it references.
	SizeOnDisk int64 `json:"size_on_disk"`
	// NumFiles is len(Files).
	NumFiles int `json:"nb_files"`
	// LastModified is the latest blob modification time (the snapshot
	// folder's when empty).
	LastModified time.Time `json:"last_modified"`
	// LastUsed is when the revision was last used: the later of the
	// snapshot folder's modification time (set by [Cache.Touch]) and its
	// blobs' access times.
	LastUsed time.Time `json:"last_used"`
	// Missing lists files whose blob is missing (dangling symlinks); they
	// are not in Files.
	Missing []string `json:"missing_files,omitempty"`

	repo *RepoInfo
}

// Repo returns the repo the revision belongs to.
func (r *RevisionInfo) Repo() *RepoInfo { return r.repo }

// FileInfo is one file of a snapshot (Python's CachedFileInfo).
type FileInfo struct {
	// Name is the base name ("w.bin").
	Name string `json:"file_name"`
	// Filename is the path in the repo, with forward slashes ("sub/w.bin").
	Filename string `json:"filename"`
	// Path is the file in the snapshot folder.
	Path string `json:"file_path"`
	// BlobPath is what Path resolves to (Path itself in caches written
	// without symlinks).
	BlobPath string `json:"blob_path"`
	// SizeOnDisk is the blob's size.
	SizeOnDisk int64 `json:"size_on_disk"`
	// BlobLastAccessed and BlobLastModified are the blob's times.
	BlobLastAccessed time.Time `json:"blob_last_accessed"`
	BlobLastModified time.Time `json:"blob_last_modified"`
}

// TotalSize is the space the cache's files take: blobs and extracted
// archives (partial downloads excluded). It is what [Cache.Evict] holds to
// its budget.
func (r *Report) TotalSize() int64 { return r.SizeOnDisk + r.ExtractedSize }

// Repo returns the repo with that type and id, or nil.
func (r *Report) Repo(repoType, repoID string) *RepoInfo {
	for _, repo := range r.Repos {
		if repo.Type == repoType && repo.ID == repoID {
			return repo
		}
	}
	return nil
}

// Revision returns the revision with that commit (in any repo), or nil.
func (r *Report) Revision(commit string) *RevisionInfo {
	for _, repo := range r.Repos {
		for _, rev := range repo.Revisions {
			if rev.Commit == commit {
				return rev
			}
		}
	}
	return nil
}

// FormatSize renders a byte count for people like the Python client: one
// decimal and a decimal unit letter, no space ("3.0M", "1.2G", "999.9K").
// Below 1000 bytes it prints the exact count with a B ("0B", "512B") where
// the Python client would print "512.0". hf prints every size through it.
func FormatSize(n int64) string {
	if n > -1000 && n < 1000 {
		return fmt.Sprintf("%dB", n)
	}
	f := float64(n)
	for _, u := range []string{"K", "M", "G", "T", "P"} {
		f /= 1000
		if f > -999.95 && f < 999.95 { // would round to 1000.0: next unit
			return fmt.Sprintf("%.1f%s", f, u)
		}
	}
	return fmt.Sprintf("%.1fE", f/1000)
}

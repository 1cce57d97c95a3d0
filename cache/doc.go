// Package cache reads and writes the Hugging Face hub cache, byte for byte
// the layout the Python huggingface_hub client uses, so both share one
// cache. It is pure filesystem: no network.
//
//	{cache}/
//	├── CACHEDIR.TAG
//	├── .locks/models--org--name/{etag}.lock
//	└── models--org--name/
//	    ├── blobs/{etag}                     (git sha1 or sha256 of the content)
//	    ├── refs/main, refs/refs/pr/1        (40-hex commit, no newline)
//	    ├── snapshots/{commit}/{path}        -> ../../blobs/{etag}
//	    ├── trees/{commit}.json              (tree cache, Python 1.22+)
//	    └── .no_exist/{commit}/{path}        (empty: known missing)
//
// # Writing
//
// [Open] a [Cache]; the download code uses the layout helpers
// ([Cache.BlobPath], [Cache.SnapshotPath], [Cache.LockPath], ...), takes the
// blob's lock with [Cache.Lock], writes [Cache.CreateBlobTemp], checks it,
// calls [Cache.Publish] and [Cache.LinkSnapshot], then [Cache.WriteRef].
// Every write goes through a temporary file in the same folder, fsync and
// rename, so a crash leaves the old state or the new one.
//
// # Shared caches
//
// [Options.GroupWritable] (HF_HUB_CACHE_PERMISSIONS=group, parsed by
// [ParsePermissions]) creates folders 2775 and files 0664 whatever the
// umask. Locks are flock(2) on the same paths as the Python client's
// filelock, opened read-only, so they exclude each other between users and
// between Go and Python processes.
//
// # Reading, cleaning and budgets
//
// [Cache.Scan] is Python's scan_cache_dir (tolerant: bad entries become
// warnings). [Report.PlanDelete], [Report.PlanDeleteRevisions] and
// [Cache.PlanPrune] build a [DeletePlan] (a dry run is just printing it);
// [Cache.Execute] carries it out. [Cache.Verify] re-hashes blobs and can
// repair through a [Refetcher]. [Cache.Evict] keeps the cache under a byte
// budget (HF_HUB_CACHE_MAX_SIZE, parsed by [ParseSize]) counting blobs and
// extracted archives ([Report.TotalSize]; SizeOnDisk stays Python's blob
// size and [RepoInfo.ExtractedSize] is reported apart). No-network lookups:
// [Cache.TryLoadFromCache], [Cache.Path], [Cache.Cached].
//
// Everything that removes a blob or a partial download first takes that
// blob's lock with TryLock and holds it while removing: a file another
// process is downloading is never touched.
//
// # Last use
//
// Eviction needs to know when a revision was last used. Access times are
// unreliable: mounts use noatime or relatime (on this project's ext4
// relatime machine a second read of a file did not move its atime; relatime
// updates it at most once a day or when older than mtime), and some network
// filesystems never update it. So the library records use itself:
// [Cache.Touch] sets the modification time of snapshots/{commit} to now (one
// utimensat(2) call with UTIME_NOW, about 5 µs, needing only write access so
// it works in shared caches) on every cache hit and every download. A
// revision's last use ([RevisionInfo.LastUsed]) is the latest of that time
// and of its blobs' access times, which still orders caches filled only by
// the Python client sensibly (a snapshot folder's mtime is when files were
// last added to it). No marker file is added: Python's scan would report a
// file in snapshots/ as corruption.
package cache

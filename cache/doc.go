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
// # Last use
//
// Eviction needs to know when a revision was last used. Access times are
// unreliable (noatime, relatime updates at most once a day, some network
// filesystems never), so the library records use itself: [Cache.Touch] sets
// the modification time of snapshots/{commit} to now on every cache hit and
// download. A revision's last use is the latest of that time and of the
// access times of its blobs (which still helps for caches filled only by the
// Python client). Touching a folder is one utimensat(2) call.
package cache

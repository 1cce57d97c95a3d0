// Package transfer is hfhub's HTTP download engine: it fetches one URL into one
// file, fast, resumably and verified.
//
// A [Engine] downloads small files (below [Engine.Threshold]) in one stream and
// large files as parallel Range requests (at most [Engine.Connections] at a
// time) against the final redirected URL. Every byte goes with a positioned
// write (WriteAt) into one preallocated temporary file beside the destination,
// so memory stays bounded (one buffer per connection, whatever the file size).
//
// # Durability
//
// The temporary file is fsync'd before it is renamed into place, and the
// rename is made durable by an fsync of the directory (unless [Job.NoDirSync]:
// the caller syncs the directory once for many files). To keep that fsync
// short, each range asks the kernel to start writing its data to disk every
// [Engine.WritebackBytes] (sync_file_range on Linux), so the disk writes run
// during the transfer rather than after it.
//
// # Verification
//
// The digest named by [Job.Hash] (sha256 for LFS files, the git blob sha1 for
// regular files) is computed while the transfer runs, over the contiguous
// prefix of the file that is complete on disk: as soon as the first N bytes
// are written they are hashed, so when the last byte arrives only the tail is
// left to hash and no second pass over the file is needed (files up to 1 MiB
// are simply hashed from the page cache once complete). A digest or size
// mismatch deletes the temporary file and starts over (at most
// [Engine.VerifyAttempts] times); a bad file is never renamed into place.
//
// # Resume
//
// Progress is recorded in a small journal beside the temporary file
// ("<temp>.journal" where the temp file is "<name>.incomplete", see
// [JournalPath]). The journal is written atomically (temp file, fsync, rename)
// after the data it describes has been fdatasync'd, every
// [Engine.CheckpointBytes] (but at most once per [Engine.CheckpointInterval]
// after the first) and when the transfer stops (error or cancellation). A later run with the
// same [Job.Temp], [Job.Size] and [Job.Want] continues from what the journal
// says is on disk and re-hashes only that prefix. The temporary name is
// stable, so the caller must guarantee exclusive access to it (hfhub holds the
// blob's lock file from the cache package for the whole transfer).
//
// # Errors and retries
//
// Each range is retried on network errors, on stalls (no byte for
// [Engine.StallTimeout]) and on HTTP 408, 429 and 5xx, with back-off; the
// failure counter resets whenever bytes arrive. A server that answers a Range
// request with 200 is handled by switching to one stream of the whole body.
// Cancelling the context stops every connection promptly and leaves the
// temporary file and its journal for a later resume; corruption and a full
// disk delete them.
//
// The engine never reads the environment and never adds credentials: the
// caller supplies the *http.Client and a request builder.
package transfer

// Package store keeps Hub-style repositories on disk: models, datasets and
// spaces, each with a commit history, branches, tags, pull-request refs
// (refs/pr/N) and conversion refs (refs/convert/parquet).
//
// Identifiers are computed the way the Hugging Face Hub (and git) computes
// them: a regular file's id is its git blob sha1, an LFS file is identified
// by the sha256 of its content (and its git id is the sha1 of its pointer
// file), directories have git tree ids and commits are 40-hex git commit ids.
//
// File content is stored once per sha256 under objects/, written through a
// temporary file, fsync and rename, so readers never see a partial blob.
// Repository metadata and commits are small JSON files written the same way.
//
// # Writing
//
// Content enters with [Store.PutBlob] (streamed, hashed while copied, never
// held in memory), then becomes part of a commit with [Store.Commit], which
// applies add, delete and copy operations atomically to a branch. Repos are
// created, moved and deleted with [Store.CreateRepo], [Store.MoveRepo] and
// [Store.DeleteRepo]; [Store.ImportFolder] turns a local folder into a commit.
//
// # Concurrency
//
// A Store is safe for concurrent use by multiple goroutines. Readers never
// block on blob uploads; commits and ref updates are serialised.
package store

// Package server is a Hugging Face Hub-compatible HTTP server over a
// [store.Store]: the official Python and JS clients, and ours, work against
// it with only the endpoint changed.
//
// [New] returns a [Server], an http.Handler serving the Hub API (repo info,
// listings, tree, paths-info, refs, commits, whoami-v2) and file resolution
// (/resolve/ and /raw/) for models, datasets and spaces. Like the Hub, LFS
// files are answered with a 302 to an absolute, signed content URL: serve
// [Server.ContentHandler] on a second listener and pass its URL with
// [WithContentURL] so clients exercise cross-host redirects (by default the
// content is served by the same handler under /lfs-content/).
//
// # Errors
//
// Errors are signalled the way the Hub does: X-Error-Code and
// X-Error-Message headers on every error (HEAD has no body), a JSON
// {"error": ...} body otherwise, X-Repo-Commit on EntryNotFound, 401 with
// RepoNotFound for missing or private repos without credentials, 404 with a
// valid token, 401/403 GatedRepo for gated files.
//
// # Access
//
// [WithTokens] installs bearer tokens (see [LoadTokens]): users read and
// write repos under their own namespace, admins any repo. Without tokens the
// server is anonymous: public repos only, Authorization headers ignored.
// Files of gated repos are served to the namespace owner, admins and users
// granted access, which owners manage with the Hub's access-request API
// (POST /api/{type}s/{id}/user-access-request/grant {"user": NAME}, and
// handle, pending, accepted, rejected); grants are kept in the store.
//
// # Options worth knowing
//
// [WithResolveCache] answers /resolve/ of regular files with the Hub's 307
// to /api/resolve-cache/ (what huggingface.co does since 2026) instead of a
// 200. [WithMaxCommitBytes] caps commit bodies (413 beyond it) and
// [WithBodyIdleTimeout] cuts request bodies that stop sending (408). The
// read side can serve another [Source] with [WithSource]; [New] then takes
// a nil store and registers no write endpoint ([NewCacheServer] serves an
// HF cache this way, from a [store.Memory]).
//
// # Concurrency
//
// A Server is safe for concurrent use.
package server

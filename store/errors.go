package store

import "errors"

// Sentinel errors. Errors returned by the store wrap one of these when it
// applies, so callers can test with errors.Is.
var (
	// ErrRepoNotFound: no repository with that type and id.
	ErrRepoNotFound = errors.New("repository not found")
	// ErrRevisionNotFound: the branch, tag, ref or commit does not exist.
	ErrRevisionNotFound = errors.New("revision not found")
	// ErrEntryNotFound: no file or folder at that path in the revision.
	ErrEntryNotFound = errors.New("entry not found")
	// ErrBlobNotFound: no stored content with that sha256.
	ErrBlobNotFound = errors.New("blob not found")
	// ErrRepoExists: a repository with that id already exists.
	ErrRepoExists = errors.New("repository already exists")
	// ErrRefExists: the branch or tag already exists.
	ErrRefExists = errors.New("reference already exists")
	// ErrParentMismatch: the commit's expected parent is not the branch head.
	ErrParentMismatch = errors.New("parent commit is not the head of the branch")
	// ErrInvalid: a malformed argument (repo id, ref name, path, operation).
	ErrInvalid = errors.New("invalid argument")
	// ErrChecksum: uploaded content does not match its announced sha256 or size.
	ErrChecksum = errors.New("content does not match its checksum")
)

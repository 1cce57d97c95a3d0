package cache

import "io/fs"

// ErrNotCached is returned when the cache holds no answer for a lookup: the
// file, repo or revision was never downloaded. errors.Is also matches it
// with [fs.ErrNotExist].
var ErrNotCached error = notExist("not in the cache")

// ErrKnownMissing is returned when the cache records (in .no_exist/) that the
// file does not exist at that revision on the Hub. errors.Is also matches
// it with [fs.ErrNotExist].
var ErrKnownMissing error = notExist("the cache records that the file does not exist at this revision")

// ErrCacheNotFound is returned by [Cache.Scan] when the cache folder does not
// exist. errors.Is also matches it with [fs.ErrNotExist].
var ErrCacheNotFound error = notExist("no cache folder")

// notExist is a sentinel that is an [fs.ErrNotExist] for errors.Is without
// carrying that error's "file does not exist" into its text.
type notExist string

func (e notExist) Error() string { return string(e) }

// Is reports whether target is fs.ErrNotExist.
func (e notExist) Is(target error) bool { return target == fs.ErrNotExist }

// missingError is a plain message ("gpt2 is not in the cache at /c") that
// errors.Is matches with its sentinel (and so with fs.ErrNotExist).
type missingError struct {
	msg  string
	kind error // ErrNotCached, ErrKnownMissing or ErrCacheNotFound
}

func (e *missingError) Error() string { return e.msg }

// Unwrap returns the sentinel.
func (e *missingError) Unwrap() error { return e.kind }

// repoLabel names a repo as people write it: "org/name" for a model,
// "dataset org/name" for the other types.
func repoLabel(repoType, repoID string) string {
	if repoType == "" || repoType == "model" {
		return repoID
	}
	return repoType + " " + repoID
}

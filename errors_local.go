package hfhub

import (
	"errors"
	"strings"
)

// LocalEntryError is the error of a file or snapshot that is not in the
// local cache when the Hub could not be asked for it. It matches
// [ErrLocalEntryNotFound] (Python's LocalEntryNotFoundError) and unwraps to
// the reason: [ErrOffline] in offline mode, the network or server error when
// the Hub was unreachable or failing, nil with LocalFilesOnly. Its message
// says it all once: "acme/tiny/config.json (main) is not in the local cache
// and offline mode is on (HF_HUB_OFFLINE); run without HF_HUB_OFFLINE to
// download it".
type LocalEntryError struct {
	What string // what was asked for: "acme/tiny/config.json (main)", "snapshot of acme/tiny (main)"
	Err  error  // the reason the Hub was not asked, see above
	Hint string // what to do next (empty when Err's own message ends with one)
}

// Error implements error.
func (e *LocalEntryError) Error() string {
	var b strings.Builder
	b.WriteString(e.What + " is not in the local cache and ")
	switch {
	case e.Err == nil:
		b.WriteString("network access is disabled (LocalFilesOnly)")
	case errors.Is(e.Err, ErrOffline):
		b.WriteString("offline mode is on (HF_HUB_OFFLINE)")
	default:
		b.WriteString("the Hub could not be reached: " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Is reports whether target is ErrLocalEntryNotFound.
func (e *LocalEntryError) Is(target error) bool { return target == ErrLocalEntryNotFound }

// Unwrap returns the reason.
func (e *LocalEntryError) Unwrap() error { return e.Err }

// newLocalEntryError builds the error for what when the Hub could not be
// asked because of cause (nil: LocalFilesOnly) and picks the hint.
func newLocalEntryError(what string, cause error) *LocalEntryError {
	e := &LocalEntryError{What: what, Err: cause}
	switch {
	case cause == nil:
		e.Hint = "allow network access to download it"
	case errors.Is(cause, ErrOffline):
		e.Hint = "run without HF_HUB_OFFLINE to download it"
	default:
		if he, ok := errors.AsType[*HubError](cause); ok && he.Hint != "" {
			break // the Hub's error already ends with what to do
		}
		e.Hint = "check your network connection and HF_ENDPOINT, or retry later"
	}
	return e
}

// describeFile names a file of a repo at a revision in errors:
// "acme/tiny/config.json (main)", "dataset acme/data/train.csv (main)".
func describeFile(rt RepoType, id, filename, rev string) string {
	s := id + "/" + filename + " (" + rev + ")"
	if rt != RepoModel && rt.String() != "" {
		s = rt.String() + " " + s
	}
	return s
}

// describeSnapshot names a snapshot in errors: "a snapshot of acme/tiny (main)".
func describeSnapshot(rt RepoType, id, rev string) string {
	s := id + " (" + rev + ")"
	if rt != RepoModel && rt.String() != "" {
		s = rt.String() + " " + s
	}
	return "a snapshot of " + s
}

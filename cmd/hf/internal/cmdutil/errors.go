package cmdutil

import (
	"errors"
	"fmt"
)

// FlagError is a usage error: a bad flag, argument or combination of flags.
// It exits with [ExitUsage] and its hint points at the command's help.
type FlagError struct {
	Err error
}

// Error returns the message of the wrapped error.
func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a [*FlagError] whose message is formatted like
// fmt.Errorf (so %w wraps).
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// Error is an error with an exit code and a hint chosen by the command, for
// failures the library does not classify itself ("no token stored",
// "the cache has no such repo"). Code zero means "classify Err as usual".
type Error struct {
	Err  error
	Code ExitCode
	Hint string // what the user can do about it; may be empty
}

// Error returns the message of the wrapped error.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// NewError returns an [*Error] with a code and a hint.
func NewError(code ExitCode, hint string, err error) error {
	return &Error{Err: err, Code: code, Hint: hint}
}

// Errorf returns an [*Error] with a code, a hint and a formatted message.
func Errorf(code ExitCode, hint, format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...), Code: code, Hint: hint}
}

// ErrSilent means "already reported": Main exits with [ExitError] and prints
// nothing more. Wrap it in an [*Error] to choose another code.
var ErrSilent = errors.New("silent error")

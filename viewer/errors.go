package viewer

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrNotFound: the dataset, config or split does not exist, or is
	// private or gated and the token cannot read it (the viewer does not
	// tell these apart).
	ErrNotFound = errors.New("dataset viewer: not found")
	// ErrUnauthorized: no token, or an invalid one, for a dataset that
	// needs one. Set HF_TOKEN or run `hf auth login`.
	ErrUnauthorized = errors.New("dataset viewer: authentication required")
	// ErrNotReady: the viewer has not computed this response yet; retry
	// later.
	ErrNotReady = errors.New("dataset viewer: response not ready yet")
	// ErrInvalidRequest: a required parameter is missing or invalid.
	ErrInvalidRequest = errors.New("dataset viewer: invalid request")
	// ErrNotSupported: the viewer refuses the dataset (blocked, too many
	// configs, feature not available).
	ErrNotSupported = errors.New("dataset viewer: not supported for this dataset")
	// ErrServer: the viewer failed, possibly because of an error in the
	// dataset itself (see Error.CauseMessage).
	ErrServer = errors.New("dataset viewer: server error")
)

// Error is an error answer of the dataset viewer.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the X-Error-Code header ("ResponseNotReady",
	// "ExternalUnauthenticatedError", ...), "" when absent.
	Code string
	// Message is the "error" field of the body.
	Message string
	// CauseException, CauseMessage and CauseTraceback describe an error in
	// the dataset itself, when the viewer reports one.
	CauseException string
	CauseMessage   string
	CauseTraceback []string
	// URL is the request URL.
	URL string
}

// Error implements error.
func (e *Error) Error() string {
	msg := fmt.Sprintf("dataset viewer: %s: %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.CauseMessage != "" {
		msg += ": " + e.CauseException + ": " + e.CauseMessage
	}
	switch e.category() {
	case ErrUnauthorized:
		msg += "; set HF_TOKEN or run `hf auth login`"
	case ErrNotReady:
		msg += "; retry later"
	}
	return msg
}

// Is matches the sentinel of the error's category.
func (e *Error) Is(target error) bool { return target == e.category() }

func (e *Error) category() error {
	switch {
	case e.Code == "ResponseNotReady" || e.Code == "ResponseNotReadyError":
		return ErrNotReady
	case e.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.StatusCode == http.StatusNotFound:
		return ErrNotFound
	case e.StatusCode == http.StatusUnprocessableEntity || e.StatusCode == http.StatusBadRequest:
		return ErrInvalidRequest
	case e.StatusCode == http.StatusNotImplemented:
		return ErrNotSupported
	}
	return ErrServer
}

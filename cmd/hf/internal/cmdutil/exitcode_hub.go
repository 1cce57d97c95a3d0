package cmdutil

import (
	"context"
	"errors"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/dataset"
)

// classifyHub maps the library's error categories to exit codes and hints.
// A [*hfhub.HubError] already carries the library's hint in its message; its
// Hint is returned so it is not repeated.
func classifyHub(err error) (ExitCode, string, bool) {
	hint := LibraryHint(err)
	or := func(h string) string {
		if hint != "" {
			return hint
		}
		return h
	}
	switch {
	case errors.Is(err, hfhub.ErrGatedRepo):
		return ExitAuth, or("request access on the repository's page, then log in with `hf auth login`"), true
	case errors.Is(err, hfhub.ErrUnauthorized), errors.Is(err, hfhub.ErrNoToken):
		return ExitAuth, or(hintLogin), true
	case errors.Is(err, hfhub.ErrForbidden), errors.Is(err, hfhub.ErrDisabledRepo):
		return ExitAuth, or("check that your token has access to this repository"), true
	case errors.Is(err, hfhub.ErrRepoNotFound):
		return ExitNotFound, or("check the repo id and --repo-type; private repos need a token"), true
	case errors.Is(err, hfhub.ErrRevisionNotFound):
		return ExitNotFound, or("check the --revision name"), true
	case errors.Is(err, hfhub.ErrEntryNotFound):
		return ExitNotFound, or("check the file name and --revision"), true
	case errors.Is(err, hfhub.ErrLocalEntryNotFound) && networkCause(err):
		// Not cached because the Hub could not be reached: a network
		// failure, whatever the library's category says.
		return ExitNetwork, or(hintNetwork), true
	case errors.Is(err, hfhub.ErrLocalEntryNotFound) && errors.Is(err, hfhub.ErrOffline):
		return ExitNotFound, or("run without HF_HUB_OFFLINE to download it"), true
	case errors.Is(err, hfhub.ErrLocalEntryNotFound):
		return ExitNotFound, or("download it first"), true
	case errors.Is(err, hfhub.ErrOffline):
		return ExitNetwork, or(hintOffline), true
	case errors.Is(err, hfhub.ErrRateLimited):
		return ExitNetwork, or("wait a moment and try again; logged-in users get higher limits"), true
	case errors.Is(err, hfhub.ErrServer):
		return ExitNetwork, or("the server failed; try again later"), true
	case errors.Is(err, hfhub.ErrValidation):
		return ExitUsage, hint, true
	case errors.Is(err, dataset.ErrConfigNotFound), errors.Is(err, dataset.ErrSplitNotFound):
		return ExitNotFound, or("`hf datasets configs <repo-id>` lists the configs and their splits"), true
	case errors.Is(err, dataset.ErrNoDefaultConfig):
		return ExitUsage, or("name one with --config; `hf datasets configs <repo-id>` lists them"), true
	case errors.Is(err, dataset.ErrFileNotFound), errors.Is(err, dataset.ErrEmptyDataset):
		return ExitNotFound, hint, true
	}
	if he, ok := errors.AsType[*hfhub.HubError](err); ok {
		switch {
		case he.StatusCode == 401 || he.StatusCode == 403:
			return ExitAuth, or("set HF_TOKEN, pass --token or run `hf auth login`"), true
		case he.StatusCode == 404:
			return ExitNotFound, hint, true
		case he.StatusCode >= 500 || he.StatusCode == 429 || he.StatusCode == 408:
			return ExitNetwork, or("the server failed; try again later"), true
		}
		return ExitError, hint, true
	}
	return 0, "", false
}

// Hints shared with the library's own messages: the same words, so the
// error line does not say it twice (FormatError moves a hint found at the
// end of the message into the "Hint:").
const (
	hintLogin   = "set HF_TOKEN or run `hf auth login`"
	hintOffline = "unset HF_HUB_OFFLINE to reach the Hub"
	hintNetwork = "check your network connection and HF_ENDPOINT (or --endpoint)"
)

// LibraryHint returns the hint the library put at the end of err's message
// (the Hint of a [*hfhub.LocalEntryError] or [*hfhub.HubError] in its
// chain), or "". The error line moves it after "Hint:" or, when the command
// chose another hint, drops it.
func LibraryHint(err error) string {
	if le, ok := errors.AsType[*hfhub.LocalEntryError](err); ok && le.Hint != "" {
		return le.Hint
	}
	if he, ok := errors.AsType[*hfhub.HubError](err); ok {
		return he.Hint
	}
	return ""
}

// networkCause reports whether err was caused by the network or the server
// rather than by what was asked: no connection, a timeout, a 5xx or a 429.
func networkCause(err error) bool {
	if errors.Is(err, hfhub.ErrServer) || errors.Is(err, hfhub.ErrRateLimited) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	return IsNetworkError(err)
}

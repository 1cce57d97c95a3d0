package cmdutil

import (
	"errors"

	"github.com/hfhub-go/hfhub"
)

// classifyHub maps the library's error categories to exit codes and hints.
// A [*hfhub.HubError] already carries the library's hint in its message; its
// Hint is returned so it is not repeated.
func classifyHub(err error) (ExitCode, string, bool) {
	hint := ""
	if he, ok := errors.AsType[*hfhub.HubError](err); ok {
		hint = he.Hint
	}
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
		return ExitAuth, or("set HF_TOKEN, pass --token or run `hf auth login`"), true
	case errors.Is(err, hfhub.ErrForbidden), errors.Is(err, hfhub.ErrDisabledRepo):
		return ExitAuth, or("check that your token has access to this repository"), true
	case errors.Is(err, hfhub.ErrRepoNotFound):
		return ExitNotFound, or("check the repo id and --repo-type; private repos need a token"), true
	case errors.Is(err, hfhub.ErrRevisionNotFound):
		return ExitNotFound, or("check the --revision name"), true
	case errors.Is(err, hfhub.ErrEntryNotFound):
		return ExitNotFound, or("check the file name and --revision"), true
	case errors.Is(err, hfhub.ErrLocalEntryNotFound):
		return ExitNotFound, or("download it first, or unset HF_HUB_OFFLINE"), true
	case errors.Is(err, hfhub.ErrOffline):
		return ExitNetwork, or("unset HF_HUB_OFFLINE to allow network access"), true
	case errors.Is(err, hfhub.ErrRateLimited):
		return ExitNetwork, or("wait a moment and try again; logged-in users get higher limits"), true
	case errors.Is(err, hfhub.ErrServer):
		return ExitNetwork, or("the server failed; try again later"), true
	case errors.Is(err, hfhub.ErrValidation):
		return ExitUsage, hint, true
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

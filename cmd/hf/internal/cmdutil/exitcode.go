package cmdutil

import (
	"context"
	"errors"
)

// ExitCode is the process exit status of hf. The values are part of the CLI's
// contract (scripts test them) and are listed by `hf --help` and docs/cli.md.
type ExitCode int

// Exit codes of hf.
const (
	ExitOK          ExitCode = 0   // success
	ExitError       ExitCode = 1   // any other failure
	ExitUsage       ExitCode = 2   // bad flag, argument or combination of flags
	ExitNotFound    ExitCode = 3   // repo, revision, file or cache entry not found
	ExitAuth        ExitCode = 4   // missing or invalid token, gated or forbidden repo
	ExitNetwork     ExitCode = 5   // endpoint unreachable, 5xx, rate limited after retries, offline mode
	ExitInterrupted ExitCode = 130 // interrupted (Ctrl-C); resumable state is kept
)

// ExitCodesHelp is the table of exit codes shown by `hf --help` and in
// docs/cli.md.
const ExitCodesHelp = `Exit codes:
  0    success
  1    any other failure
  2    usage error: bad flag, argument or combination of flags
  3    not found: repository, revision, file or cache entry
  4    authentication: missing or invalid token, gated or forbidden repository
  5    network or server: endpoint unreachable, 5xx, rate limited, offline mode
  130  interrupted (Ctrl-C); partial downloads are kept and resume next time`

// ExitCodeOf returns the exit code for err and the hint to print with it
// (empty when none applies). It is the one place that decides exit codes.
func ExitCodeOf(err error) (ExitCode, string) {
	if err == nil {
		return ExitOK, ""
	}
	if e, ok := errors.AsType[*Error](err); ok && e.Code != 0 {
		return e.Code, e.Hint
	}
	hint := ""
	if e, ok := errors.AsType[*Error](err); ok {
		hint = e.Hint
	}
	pick := func(code ExitCode, h string) (ExitCode, string) {
		if hint != "" {
			h = hint
		}
		return code, h
	}
	if _, ok := errors.AsType[*FlagError](err); ok {
		return pick(ExitUsage, "")
	}
	if errors.Is(err, context.Canceled) {
		return pick(ExitInterrupted, "run the same command again to resume")
	}
	if code, h, ok := classifyHub(err); ok {
		return pick(code, h)
	}
	if IsNetworkError(err) {
		return pick(ExitNetwork, hintNetwork)
	}
	if h, ok := LocalFSHint(err); ok {
		return pick(ExitError, h)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return pick(ExitNetwork, "the server was too slow; try again or raise HF_HUB_DOWNLOAD_TIMEOUT")
	}
	return pick(ExitError, "")
}

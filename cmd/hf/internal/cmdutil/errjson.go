package cmdutil

import (
	"encoding/json"
	"io"
	"strings"
)

// ErrorReport is the one JSON object hf writes on stderr when a command
// fails under --format json, instead of the "Error: … Hint: …" line. Field
// names and Kind values are API: scripts parse them.
type ErrorReport struct {
	Error    string `json:"error"`     // what went wrong, one line
	Hint     string `json:"hint"`      // what to do about it; "" when hf has no advice
	ExitCode int    `json:"exit_code"` // the process's exit status
	Kind     string `json:"kind"`      // not_found, auth, network, usage or other
}

// ErrorsHelp documents [ErrorReport] in `hf --help` and docs/cli.md.
const ErrorsHelp = `A failure prints one line on stderr: Error: <what went wrong>. Hint: <what to do>.
With --format json it prints one JSON object on stderr instead:
  {"error": "...", "hint": "...", "exit_code": 3, "kind": "not_found"}
where kind is not_found, auth, network, usage or other (the exit code says the
same). Warnings, hf's own and the library's (such as an X-HF-Warning from the
Hub), print as "Warning: ..." lines on stderr, or with --format json as JSON
lines {"event": "warning", "level": "WARN", "message": "...", "details": {...}};
--quiet hides them.`

// Kind returns the ErrorReport kind of an exit code: not_found (3), auth
// (4), network (5), usage (2) or other.
func (c ExitCode) Kind() string {
	switch c {
	case ExitNotFound:
		return "not_found"
	case ExitAuth:
		return "auth"
	case ExitNetwork:
		return "network"
	case ExitUsage:
		return "usage"
	}
	return "other"
}

// WriteErrorJSON writes r to w as one line of JSON.
func WriteErrorJSON(w io.Writer, r ErrorReport) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// ArgsWantJSON reports whether the command line asks for --format json or
// --json (the last --format before any "--" wins; --json anywhere). Main uses it to report errors that
// happen before flags are parsed (a bad flag, an unknown command) in the
// format the script expects.
func ArgsWantJSON(args []string) bool {
	want := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if a == "--json" {
			return true
		}
		if v, ok := strings.CutPrefix(a, "--format="); ok {
			want = strings.EqualFold(v, "json")
		} else if a == "--format" && i+1 < len(args) {
			i++
			want = strings.EqualFold(args[i], "json")
		}
	}
	return want
}

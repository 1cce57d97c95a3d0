package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the three standard streams of a command plus what is known
// about them: whether each is a terminal and whether colour is allowed.
// Commands write results to Out and diagnostics (progress, warnings, errors)
// to ErrOut, never to os.Stdout directly, so tests can capture both.
//
// The zero value is not usable; build one with [System] or [Test]. An
// IOStreams is not safe for concurrent reconfiguration, but its writers may be
// used from several goroutines if the underlying writers allow it.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	noColor               bool
	noProgress            bool
}

// System returns IOStreams over the process's standard streams, detecting
// terminals with golang.org/x/term. It honours NO_COLOR (any non-empty value
// turns colour off), TERM=dumb, and HF_HUB_DISABLE_PROGRESS_BARS.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.inTTY = isTerminal(os.Stdin)
	s.outTTY = isTerminal(os.Stdout)
	s.errTTY = isTerminal(os.Stderr)
	s.noColor = os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb"
	s.noProgress = envTrue(os.Getenv("HF_HUB_DISABLE_PROGRESS_BARS"))
	return s
}

// Test returns IOStreams over in-memory buffers, none of them a terminal, and
// the buffers for stdin, stdout and stderr.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, noColor: true}, in, out, errOut
}

func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// envTrue reports whether an environment value means "yes", with the
// Python client's rules: 1, ON, YES, TRUE in any case.
func envTrue(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// SetTTY overrides terminal detection, for tests.
func (s *IOStreams) SetTTY(in, out, errOut bool) {
	s.inTTY, s.outTTY, s.errTTY = in, out, errOut
}

// SetColor turns colour on or off, for tests; it still applies only on a
// terminal.
func (s *IOStreams) SetColor(on bool) { s.noColor = !on }

// SetProgressDisabled turns progress bars off (as HF_HUB_DISABLE_PROGRESS_BARS
// does) or back on.
func (s *IOStreams) SetProgressDisabled(off bool) { s.noProgress = off }

// ProgressDisabled reports whether HF_HUB_DISABLE_PROGRESS_BARS is set.
func (s *IOStreams) ProgressDisabled() bool { return s.noProgress }

// ColorEnabled reports whether stdout may carry ANSI colour: it is a terminal
// and NO_COLOR is not set.
func (s *IOStreams) ColorEnabled() bool { return s.outTTY && !s.noColor }

// ColorEnabledStderr reports whether stderr may carry ANSI colour.
func (s *IOStreams) ColorEnabledStderr() bool { return s.errTTY && !s.noColor }

// CanPrompt reports whether the user can be asked a question: stdin and
// stdout (or stderr, where prompts go) are terminals.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && (s.outTTY || s.errTTY) }

// ReadSecret asks for a secret (a token) without echoing it when stdin is a
// terminal; the prompt goes to stderr. Otherwise it reads one line from stdin
// without prompting. Surrounding white space is removed.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	if f, ok := s.In.(*os.File); ok && s.inTTY {
		fmt.Fprint(s.ErrOut, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read token from terminal: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := readLine(s.In)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// ReadLine reads one line from stdin, without its newline.
func (s *IOStreams) ReadLine() (string, error) {
	return readLine(s.In)
}

// readLine reads up to the first newline, one byte at a time so nothing
// beyond the line is consumed from a shared stdin.
func readLine(r io.Reader) (string, error) {
	var sb strings.Builder
	buf := make([]byte, 1)
	for sb.Len() < 64<<10 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return sb.String(), nil
			}
			sb.WriteByte(buf[0])
		}
		if errors.Is(err, io.EOF) {
			return sb.String(), nil
		}
		if err != nil {
			return "", fmt.Errorf("read stdin: %w", err)
		}
	}
	return sb.String(), nil
}

// Bold returns s in bold when colour is enabled on stdout.
func (s *IOStreams) Bold(t string) string {
	if !s.ColorEnabled() {
		return t
	}
	return "\x1b[1m" + t + "\x1b[0m"
}

// Red returns t in red when colour is enabled on stderr (it is used for
// error prefixes).
func (s *IOStreams) Red(t string) string {
	if !s.ColorEnabledStderr() {
		return t
	}
	return "\x1b[31m" + t + "\x1b[0m"
}

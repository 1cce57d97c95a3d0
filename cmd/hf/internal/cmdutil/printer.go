package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hfhub-go/hfhub/cache"
)

// Format is the value of the global --format flag.
type Format string

// Output formats.
const (
	FormatTable Format = "table" // human output: aligned table on a terminal, tab-separated in a pipe
	FormatJSON  Format = "json"  // one JSON document on stdout; JSON lines for progress on stderr
	FormatQuiet Format = "quiet" // what --format quiet parses to; the factory turns it into table + Quiet
)

// ParseFormat checks a --format value. The Python CLI's names are
// accepted: "human", "auto" and "agent" mean "table" (which is already
// tab-separated without a header in a pipe); "quiet" is [FormatQuiet].
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "table", "human", "auto", "agent":
		return FormatTable, nil
	case "json":
		return FormatJSON, nil
	case "quiet":
		return FormatQuiet, nil
	}
	return "", FlagErrorf("--format: %q is not a format; use table (or auto, human), json or quiet", s)
}

// Printer renders a command's result on stdout in the format the user chose,
// and its diagnostics on stderr. Get one from [Factory.Printer]. It is not
// safe for concurrent use.
//
//   - table (default): on a terminal, an aligned table with a bold header;
//     in a pipe, tab-separated full values without a header, RFC 3339 times.
//   - json: one indented JSON document (Printer.JSON or the data passed to
//     Printer.Table), never mixed with anything else on stdout.
//   - --quiet: only the first column of tables (ids, paths); no diagnostics.
type Printer struct {
	IO         *IOStreams
	Format     Format
	Quiet      bool
	NoTruncate bool // --no-truncate: full cell values in terminal tables
}

// IsJSON reports whether --format json was given.
func (p *Printer) IsJSON() bool { return p.Format == FormatJSON }

// JSON writes v as an indented JSON document to stdout.
func (p *Printer) JSON(v any) error {
	enc := json.NewEncoder(p.IO.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// Table prints rows under headers, or data as JSON with --format json (data
// is usually the slice the rows were built from, so JSON keeps every field).
// With --quiet only the first column is printed.
func (p *Printer) Table(headers []string, rows [][]string, data any) error {
	if p.IsJSON() {
		return p.JSON(data)
	}
	if p.Quiet {
		for _, r := range rows {
			if len(r) > 0 {
				fmt.Fprintln(p.IO.Out, r[0])
			}
		}
		return nil
	}
	if !p.IO.IsStdoutTTY() {
		for _, r := range rows {
			fmt.Fprintln(p.IO.Out, strings.Join(r, "\t"))
		}
		return nil
	}
	lines := make([][]string, 0, len(rows)+1)
	hs := make([]string, len(headers))
	for i, h := range headers {
		hs[i] = p.IO.Bold(h)
	}
	lines = append(lines, hs)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = c
			if !p.NoTruncate {
				cells[i] = truncate(c, 60)
			}
		}
		lines = append(lines, cells)
	}
	return writeColumns(p.IO.Out, lines, 2)
}

// Fields prints key/value pairs, one per line ("key: value" on a terminal,
// "key<TAB>value" in a pipe), or data as JSON with --format json. With
// --quiet only the first value is printed.
func (p *Printer) Fields(fields [][2]string, data any) error {
	if p.IsJSON() {
		return p.JSON(data)
	}
	if p.Quiet {
		if len(fields) > 0 {
			fmt.Fprintln(p.IO.Out, fields[0][1])
		}
		return nil
	}
	if !p.IO.IsStdoutTTY() {
		for _, f := range fields {
			fmt.Fprintf(p.IO.Out, "%s\t%s\n", f[0], f[1])
		}
		return nil
	}
	lines := make([][]string, len(fields))
	for i, f := range fields {
		lines[i] = []string{p.IO.Bold(f[0] + ":"), f[1]}
	}
	return writeColumns(p.IO.Out, lines, 1)
}

// Line prints one line of result text to stdout (a path, a URL), in every
// format but JSON, where the command prints a document instead.
func (p *Printer) Line(format string, args ...any) {
	fmt.Fprintf(p.IO.Out, format+"\n", args...)
}

// Infof prints a diagnostic line to stderr unless --quiet or --format json
// was given. Use it for "logged in as …", "downloading …" and the like.
func (p *Printer) Infof(format string, args ...any) {
	if p.Quiet || p.IsJSON() {
		return
	}
	fmt.Fprintf(p.IO.ErrOut, format+"\n", args...)
}

// Warnf prints a warning to stderr unless --quiet was given: a
// "Warning: …" line, or with --format json a JSON line like the library's
// warnings ({"event": "warning", "level": "WARN", "message": …}).
func (p *Printer) Warnf(format string, args ...any) {
	if p.Quiet {
		return
	}
	if p.IsJSON() {
		b, err := json.Marshal(warningEvent{Event: "warning", Level: "WARN", Message: fmt.Sprintf(format, args...)})
		if err == nil {
			_, _ = p.IO.ErrOut.Write(append(b, '\n'))
			return
		}
	}
	fmt.Fprintf(p.IO.ErrOut, "Warning: "+format+"\n", args...)
}

// Time formats a time for a table: relative ("3 days ago") on a terminal,
// RFC 3339 in a pipe, empty for the zero time.
func (p *Printer) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if !p.IO.IsStdoutTTY() {
		return t.UTC().Format(time.RFC3339)
	}
	return relativeTime(time.Since(t))
}

// Size formats a byte count for a table: [HumanSize] on a terminal, the
// exact number of bytes in a pipe (JSON always has raw byte counts).
func (p *Printer) Size(n int64) string {
	if !p.IO.IsStdoutTTY() {
		return fmt.Sprint(n)
	}
	return HumanSize(n)
}

// HumanSize formats n bytes for people: [cache.FormatSize] ("3.0M",
// "1.2G", "512B"), the library's one size format. Every size hf prints for
// people goes through it.
func HumanSize(n int64) string { return cache.FormatSize(n) }

// Plural returns "1 <one>" or "<n> <many>": Plural(1, "revision",
// "revisions") is "1 revision", Plural(0, "entry", "entries") "0 entries".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func relativeTime(d time.Duration) string {
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	case d < 365*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month") + " ago"
	}
	return plural(int(d/(365*24*time.Hour)), "year") + " ago"
}

func plural(n int, word string) string {
	return Plural(n, word, word+"s")
}

// truncate shortens s to at most n runes, ending with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Writer returns stdout, for commands that stream raw bytes.
func (p *Printer) Writer() io.Writer { return p.IO.Out }

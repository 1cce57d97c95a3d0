package rows

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoColumn reports a column name a row or file does not have.
	ErrNoColumn = errors.New("no such column")
	// ErrType reports a cell whose value cannot be converted to the type
	// asked for.
	ErrType = errors.New("cell has another type")
	// ErrFormat reports a file name whose format this package cannot read.
	ErrFormat = errors.New("unsupported data file format")
	// ErrCorrupt is wrapped by every *Error about the content of a file
	// (a bad Parquet footer, a ragged CSV row, a JSON line that does not
	// parse), so callers can tell bad data from I/O failures.
	ErrCorrupt = errors.New("malformed data file")
)

// Error is a problem with the content of a data file, located as precisely
// as the format allows. It wraps ErrCorrupt and the underlying error.
type Error struct {
	// File is the file's name as given to the reader.
	File string
	// Row is the 0-based row index (data rows, not counting a CSV header),
	// -1 when the problem is not in a row (a Parquet footer).
	Row int64
	// Line is the 1-based line of text formats, 0 otherwise.
	Line int64
	// Column is the column name or, for CSV, its 1-based field number
	// as text, "" when unknown.
	Column string
	// Err is what went wrong.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Row >= 0 {
		fmt.Fprintf(&b, ": row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %s", e.Column)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns ErrCorrupt and the cause.
func (e *Error) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

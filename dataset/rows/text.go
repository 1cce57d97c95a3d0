package rows

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

var textSchema = NewSchema("text")

// readText yields each line, without its line break, as {"text": line},
// like the datasets library's text loader.
func readText(r io.Reader, emit func(Row) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 || err == nil {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if !emit(Row{schema: textSchema, values: []any{line}}) {
				return errStop
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readJSONLines yields one row per non-blank line.
func readJSONLines(name string, r io.Reader, o *Options, emit func(Row) bool) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var (
		line   int64
		row    int64
		schema *Schema
		buf    []byte
	)
	for {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a line longer than the buffer
			buf = append(buf[:0], b...)
			for err == bufio.ErrBufferFull {
				b, err = br.ReadSlice('\n')
				buf = append(buf, b...)
			}
			b = buf
		}
		if len(b) > 0 {
			line++
			if t := bytes.TrimSpace(b); len(t) > 0 {
				names, vals, perr := parseObject(t)
				if perr != nil {
					e := &Error{File: name, Line: line, Row: row, Err: perr}
					if !o.bad(e) {
						return e
					}
				} else {
					if !schema.same(names) {
						schema = NewSchema(names...)
					}
					if !emit(Row{schema: schema, values: vals}) {
						return errStop
					}
				}
				row++
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readJSON reads a .json file: a top-level array of objects, or objects
// one after another.
func readJSON(name string, r io.Reader, o *Options, emit func(Row) bool) error {
	br := bufio.NewReaderSize(r, 256<<10)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		br.UnreadByte()
		if c != '[' {
			return readJSONLines(name, br, o, emit)
		}
		break
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return &Error{File: name, Row: -1, Err: err}
	}
	var schema *Schema
	for row := int64(0); dec.More(); row++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return &Error{File: name, Row: row, Err: err}
		}
		names, vals, err := parseObject(raw)
		if err != nil {
			e := &Error{File: name, Row: row, Err: err}
			if !o.bad(e) {
				return e
			}
			continue
		}
		if !schema.same(names) {
			schema = NewSchema(names...)
		}
		if !emit(Row{schema: schema, values: vals}) {
			return errStop
		}
	}
	return nil
}

// parseObject decodes one JSON object, keeping its keys in order.
func parseObject(b []byte) ([]string, []any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	t, err := dec.Token()
	if err != nil {
		return nil, nil, jsonError(err, b)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("a row must be a JSON object, not %s", strings.TrimSpace(string(b[:min(len(b), 40)])))
	}
	var names []string
	var vals []any
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, jsonError(err, b)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, jsonError(err, b)
		}
		names = append(names, kt.(string))
		vals = append(vals, normalizeJSON(v))
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, jsonError(err, b)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("text after the object at offset %d", dec.InputOffset())
	}
	return names, vals, nil
}

func jsonError(err error, b []byte) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d of the line: %v", se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("invalid JSON: the object is cut short (%d bytes)", len(b))
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// normalizeJSON maps json.Number to int64 (integers that fit) or float64.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		for i := range x {
			x[i] = normalizeJSON(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalizeJSON(x[k])
		}
	}
	return v
}

// CSV column kinds, inferred from the leading rows as pandas does.
const (
	kindInt = iota
	kindFloat
	kindBool
	kindString
)

// readCSV reads a header row then records with exactly as many fields.
// Column types come from the first CSVInferRows rows; an empty cell is
// null. A later cell that does not fit its column's type is kept as text.
func readCSV(name string, r io.Reader, sep rune, o *Options, emit func(Row) bool) error {
	cr := csv.NewReader(bufio.NewReaderSize(r, 256<<10))
	cr.Comma = sep
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvError(name, -1, err)
	}
	cr.FieldsPerRecord = len(header)
	for _, c := range o.Columns {
		if !slices.Contains(header, c) {
			return fmt.Errorf("%s: %w %q; the header has %s", name, ErrNoColumn, c, strings.Join(header, ", "))
		}
	}
	schema := NewSchema(header...)
	infer := o.CSVInferRows
	if infer <= 0 {
		infer = 1000
	}
	var (
		pending []csvRecord
		row     int64
		kinds   []int
	)
	flush := func() bool {
		if kinds == nil {
			kinds = inferKinds(pending, len(header))
		}
		for _, rec := range pending {
			if !emit(Row{schema: schema, values: typedCells(rec.fields, kinds)}) {
				return false
			}
		}
		pending = pending[:0]
		return true
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				e := csvError(name, row, err).(*Error)
				row++
				if o.bad(e) {
					continue
				}
				return e
			}
			return err
		}
		row++
		if kinds == nil {
			pending = append(pending, csvRecord{rec})
			if len(pending) >= infer && !flush() {
				return errStop
			}
			continue
		}
		if !emit(Row{schema: schema, values: typedCells(rec, kinds)}) {
			return errStop
		}
	}
	if !flush() {
		return errStop
	}
	return nil
}

type csvRecord struct{ fields []string }

func csvError(name string, row int64, err error) error {
	e := &Error{File: name, Row: row, Err: err}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e.Line = int64(pe.Line)
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			e.Err = fmt.Errorf("the row has a different number of fields than the header (%w)", pe.Err)
		} else {
			e.Column = strconv.Itoa(pe.Column)
			e.Err = pe.Err
		}
	}
	return e
}

func inferKinds(recs []csvRecord, n int) []int {
	kinds := make([]int, n)
	for i := range kinds {
		kinds[i] = kindInt
		seen := false
		for _, r := range recs {
			c := r.fields[i]
			if c == "" {
				continue
			}
			seen = true
			for kinds[i] != kindString && !fits(c, kinds[i]) {
				kinds[i]++
			}
		}
		if !seen {
			kinds[i] = kindString
		}
	}
	return kinds
}

func fits(c string, kind int) bool {
	switch kind {
	case kindInt:
		_, err := strconv.ParseInt(c, 10, 64)
		return err == nil
	case kindFloat:
		_, err := strconv.ParseFloat(c, 64)
		return err == nil
	case kindBool:
		return c == "True" || c == "False" || c == "true" || c == "false" || c == "TRUE" || c == "FALSE"
	}
	return true
}

func typedCells(rec []string, kinds []int) []any {
	vals := make([]any, len(rec))
	for i, c := range rec {
		if c == "" {
			continue
		}
		switch kinds[i] {
		case kindInt:
			if n, err := strconv.ParseInt(c, 10, 64); err == nil {
				vals[i] = n
				continue
			}
		case kindFloat:
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				vals[i] = f
				continue
			}
		case kindBool:
			if b, err := strconv.ParseBool(strings.ToLower(c)); err == nil {
				vals[i] = b
				continue
			}
		}
		vals[i] = c
	}
	return vals
}

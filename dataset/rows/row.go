package rows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Schema is the ordered list of a row's column names. Rows read from one
// file share one Schema (JSON Lines rows share it while their keys repeat).
type Schema struct {
	names []string
	index map[string]int
}

// NewSchema returns the schema of the named columns, in order.
func NewSchema(names ...string) *Schema {
	s := &Schema{names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		if _, dup := s.index[n]; !dup {
			s.index[n] = i
		}
	}
	return s
}

// Names returns the column names; do not modify the slice.
func (s *Schema) Names() []string { return s.names }

// Index returns the position of column name, or -1.
func (s *Schema) Index(name string) int {
	if i, ok := s.index[name]; ok {
		return i
	}
	return -1
}

func (s *Schema) same(names []string) bool {
	if s == nil || len(s.names) != len(names) {
		return false
	}
	for i, n := range names {
		if s.names[i] != n {
			return false
		}
	}
	return true
}

// Row is one record of a dataset. Its values are Go values of a small
// closed set, the same whatever the file format:
//
//	nil                 a null cell
//	bool, int64, uint64 (Parquet UINT_64 only), float32, float64, string
//	[]byte              binary (Parquet BYTE_ARRAY without a string type)
//	time.Time           Parquet timestamps and dates (UTC)
//	[]any               lists
//	map[string]any      structs and maps (JSON objects)
//
// The typed accessors convert between numeric kinds where no precision is
// lost; Decode fills a struct. A Row is a small value; copying it shares
// the values.
type Row struct {
	schema *Schema
	values []any
}

// NewRow builds a row from a schema and its values (len(values) must be
// len(schema.Names())).
func NewRow(s *Schema, values []any) Row { return Row{schema: s, values: values} }

// Schema returns the row's schema.
func (r Row) Schema() *Schema { return r.schema }

// Len returns the number of columns.
func (r Row) Len() int { return len(r.values) }

// Columns returns the column names in order; do not modify the slice.
func (r Row) Columns() []string {
	if r.schema == nil {
		return nil
	}
	return r.schema.names
}

// Values returns the cells in column order; do not modify the slice.
func (r Row) Values() []any { return r.values }

// Value returns the i-th cell.
func (r Row) Value(i int) any { return r.values[i] }

// Get returns the cell of the named column and whether the row has it.
func (r Row) Get(name string) (any, bool) {
	if r.schema == nil {
		return nil, false
	}
	i := r.schema.Index(name)
	if i < 0 {
		return nil, false
	}
	return r.values[i], true
}

// Map returns the row as a map from column name to cell.
func (r Row) Map() map[string]any {
	m := make(map[string]any, len(r.values))
	for i, v := range r.values {
		m[r.schema.names[i]] = v
	}
	return m
}

func (r Row) cell(name string) (any, error) {
	v, ok := r.Get(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q (columns: %v)", ErrNoColumn, name, r.Columns())
	}
	return v, nil
}

// String returns the named cell as a string: strings as they are, []byte
// as text, other values in their JSON form. A null cell is "".
func (r Row) String(name string) (string, error) {
	v, err := r.cell(name)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	b, err := json.Marshal(JSONValue(v))
	return string(b), err
}

// Int returns the named cell as an int64 (integers, integral floats and
// numeric strings are converted; other values are an error).
func (r Row) Int(name string) (int64, error) {
	v, err := r.cell(name)
	if err != nil {
		return 0, err
	}
	n, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("column %q: %w", name, err)
	}
	return n, nil
}

// Float returns the named cell as a float64.
func (r Row) Float(name string) (float64, error) {
	v, err := r.cell(name)
	if err != nil {
		return 0, err
	}
	f, err := toFloat(v)
	if err != nil {
		return 0, fmt.Errorf("column %q: %w", name, err)
	}
	return f, nil
}

// Bool returns the named cell as a bool.
func (r Row) Bool(name string) (bool, error) {
	v, err := r.cell(name)
	if err != nil {
		return false, err
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("column %q: %w: %s is not a boolean", name, ErrType, describe(v))
}

// IsNull reports whether the named cell is null (or the row lacks it).
func (r Row) IsNull(name string) bool {
	v, _ := r.Get(name)
	return v == nil
}

// MarshalJSON writes the row as a JSON object with its columns in order.
// []byte cells are base64 strings, times RFC 3339, non-finite floats
// null.
func (r Row) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range r.values {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(r.schema.names[i])
		b.Write(k)
		b.WriteByte(':')
		enc, err := json.Marshal(JSONValue(v))
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", r.schema.names[i], err)
		}
		b.Write(enc)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// JSONValue maps a cell to the value encoding/json should write for it,
// as Row.MarshalJSON does: NaN and infinities (which JSON lacks) become
// null, times RFC 3339 strings, recursively through lists and maps.
func JSONValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = JSONValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = JSONValue(e)
		}
		return out
	}
	return v
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T %v", v, v)
}

func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), nil
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), nil
		}
	case float32:
		if f := float64(x); f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int64(f), nil
		}
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: %s is not an integer", ErrType, describe(v))
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: %s is not a number", ErrType, describe(v))
}

package rows

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"reflect"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Column kinds a converted Parquet file holds.
const (
	kindNone    = "null"
	kindI64     = "int64"
	kindF64     = "float64"
	kindBoolean = "bool"
	kindStr     = "string"
	kindTime    = "timestamp"
	kindJSON    = "json"
)

func cellKind(v any) string {
	switch v.(type) {
	case nil:
		return kindNone
	case int64:
		return kindI64
	case float32, float64:
		return kindF64
	case bool:
		return kindBoolean
	case string:
		return kindStr
	case time.Time:
		return kindTime
	}
	return kindJSON
}

func unionKind(a, b string) string {
	switch {
	case a == kindNone || a == "":
		return b
	case b == kindNone || a == b:
		return a
	case (a == kindI64 && b == kindF64) || (a == kindF64 && b == kindI64):
		return kindF64
	}
	return kindJSON
}

var kindTypes = map[string]reflect.Type{
	kindI64: reflect.TypeFor[*int64](), kindF64: reflect.TypeFor[*float64](), kindBoolean: reflect.TypeFor[*bool](),
	kindStr: reflect.TypeFor[*string](), kindTime: reflect.TypeFor[*time.Time](), kindJSON: reflect.TypeFor[*string](),
	kindNone: reflect.TypeFor[*string](),
}

// WriteParquet converts rows to a Parquet file, as the Hub's
// refs/convert/parquet export does for CSV and JSON datasets. open is
// called twice: once to infer each column's type (int64, float64, bool,
// string, timestamp; a column mixing kinds, or holding lists or objects,
// is stored as JSON text), once to write. Columns keep their first-seen
// order; every column is optional. It returns the number of rows written.
func WriteParquet(w io.Writer, open func() iter.Seq2[Row, error], opts ...parquet.WriterOption) (int64, error) {
	var names []string
	kinds := map[string]string{}
	for r, err := range open() {
		if err != nil {
			return 0, err
		}
		for i, c := range r.Columns() {
			k, seen := kinds[c]
			if !seen {
				names = append(names, c)
			}
			kinds[c] = unionKind(k, cellKind(r.Value(i)))
		}
	}
	if len(names) == 0 {
		return 0, fmt.Errorf("no rows to convert")
	}
	fields := make([]reflect.StructField, len(names))
	for i, c := range names {
		if strings.ContainsAny(c, ",\"`") {
			return 0, fmt.Errorf("column %q: a name with a comma or quote cannot be converted", c)
		}
		tag := c + ",optional"
		if kinds[c] == kindTime {
			tag += ",timestamp(microsecond)"
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: kindTypes[kinds[c]], Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	typ := reflect.StructOf(fields)
	pw := parquet.NewWriter(w, append([]parquet.WriterOption{parquet.SchemaOf(reflect.New(typ).Interface()), parquet.Compression(&parquet.Snappy)}, opts...)...)
	var n int64
	rec := reflect.New(typ)
	for r, err := range open() {
		if err != nil {
			return n, err
		}
		rec.Elem().SetZero()
		for i, c := range names {
			v, _ := r.Get(c)
			if v == nil {
				continue
			}
			f := rec.Elem().Field(i)
			switch kinds[c] {
			case kindI64:
				x := v.(int64)
				f.Set(reflect.ValueOf(&x))
			case kindF64:
				x, _ := toFloat(v)
				f.Set(reflect.ValueOf(&x))
			case kindBoolean:
				x := v.(bool)
				f.Set(reflect.ValueOf(&x))
			case kindStr:
				x := v.(string)
				f.Set(reflect.ValueOf(&x))
			case kindTime:
				x := v.(time.Time)
				f.Set(reflect.ValueOf(&x))
			default:
				b, err := json.Marshal(JSONValue(v))
				if err != nil {
					return n, fmt.Errorf("column %q: %w", c, err)
				}
				x := string(b)
				f.Set(reflect.ValueOf(&x))
			}
		}
		if err := pw.Write(rec.Interface()); err != nil {
			return n, err
		}
		n++
	}
	return n, pw.Close()
}

package rows

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Decode copies the row's cells into the struct dst points to. A field
// takes the column named by its `row:"name"` tag, else its `json` tag,
// else its own name (matched case-insensitively); `row:"-"` skips it.
// Columns without a field and fields without a column are left alone. A
// null cell leaves a field at its zero value (a nil pointer). Numbers
// convert between Go numeric types when the value fits; lists, structs
// and maps decode into slices, structs and maps of matching shape.
func (r Row) Decode(dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("rows: Decode needs a non-nil pointer to a struct, not %T", dst)
	}
	v = v.Elem()
	for _, f := range fieldsOf(v.Type()) {
		i := -1
		if r.schema != nil {
			i = r.schema.Index(f.column)
			if i < 0 && !f.tagged {
				for j, n := range r.schema.names {
					if strings.EqualFold(n, f.column) {
						i = j
						break
					}
				}
			}
		}
		if i < 0 || r.values[i] == nil {
			continue
		}
		if err := assign(v.FieldByIndex(f.index), r.values[i]); err != nil {
			return fmt.Errorf("column %q into field %s: %w", r.schema.names[i], f.name, err)
		}
	}
	return nil
}

type structField struct {
	name, column string
	tagged       bool
	index        []int
}

var fieldCache sync.Map // reflect.Type -> []structField

func fieldsOf(t reflect.Type) []structField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]structField)
	}
	var fs []structField
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		col, tagged := sf.Name, false
		if tag, ok := sf.Tag.Lookup("row"); ok {
			col, tagged = strings.Split(tag, ",")[0], true
		} else if tag, ok := sf.Tag.Lookup("json"); ok {
			if name := strings.Split(tag, ",")[0]; name != "" {
				col, tagged = name, true
			}
		}
		if col == "-" {
			continue
		}
		fs = append(fs, structField{name: sf.Name, column: col, tagged: tagged, index: sf.Index})
	}
	fieldCache.Store(t, fs)
	return fs
}

var timeType = reflect.TypeFor[time.Time]()

func assign(dst reflect.Value, v any) error {
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	if dst.Kind() == reflect.Interface && dst.NumMethod() == 0 {
		dst.Set(reflect.ValueOf(v))
		return nil
	}
	if dst.Type() == timeType {
		if t, ok := v.(time.Time); ok {
			dst.Set(reflect.ValueOf(t))
			return nil
		}
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return fmt.Errorf("%w: %q is not an RFC 3339 time", ErrType, s)
			}
			dst.Set(reflect.ValueOf(t))
			return nil
		}
		return fmt.Errorf("%w: %s is not a time", ErrType, describe(v))
	}
	switch dst.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			dst.SetString(x)
		case []byte:
			dst.SetString(string(x))
		default:
			return fmt.Errorf("%w: %s is not a string", ErrType, describe(v))
		}
		return nil
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%w: %s is not a boolean", ErrType, describe(v))
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := toInt(v)
		if err != nil {
			return err
		}
		if dst.OverflowInt(n) {
			return fmt.Errorf("%w: %d overflows %s", ErrType, n, dst.Type())
		}
		dst.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var u uint64
		if x, ok := v.(uint64); ok {
			u = x
		} else {
			n, err := toInt(v)
			if err != nil {
				return err
			}
			if n < 0 {
				return fmt.Errorf("%w: %d is negative", ErrType, n)
			}
			u = uint64(n)
		}
		if dst.OverflowUint(u) {
			return fmt.Errorf("%w: %d overflows %s", ErrType, u, dst.Type())
		}
		dst.SetUint(u)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := toFloat(v)
		if err != nil {
			return err
		}
		dst.SetFloat(f)
		return nil
	case reflect.Slice:
		if b, ok := v.([]byte); ok && dst.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes(append([]byte(nil), b...))
			return nil
		}
	}
	// Lists, structs and maps: through their JSON form.
	b, err := json.Marshal(JSONValue(v))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, dst.Addr().Interface()); err != nil {
		return fmt.Errorf("%w: %v", ErrType, err)
	}
	return nil
}

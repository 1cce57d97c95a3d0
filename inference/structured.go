package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// SchemaOf returns the JSON Schema of a Go type, for response_format and
// tool parameters: structs become objects whose properties are the JSON
// field names (required unless omitempty/omitzero or a pointer; no
// additional properties), slices arrays, maps objects with
// additionalProperties, time.Time a date-time string. The struct tags
// `description:"…"` and `enum:"a,b,c"` add those keywords.
func SchemaOf(t reflect.Type) (map[string]any, error) {
	return schemaOf(t, map[reflect.Type]bool{})
}

var timeType = reflect.TypeFor[time.Time]()
var rawType = reflect.TypeFor[json.RawMessage]()

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) (map[string]any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case t == rawType:
		return map[string]any{}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Slice, reflect.Array:
		items, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: map key %s: JSON objects have string keys", ErrInvalidInput, t.Key())
		}
		v, err := schemaOf(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": v}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Struct:
		if seen[t] {
			return nil, fmt.Errorf("%w: %s is recursive; JSON schemas for response formats cannot be", ErrInvalidInput, t)
		}
		seen[t] = true
		defer delete(seen, t)
		props := map[string]any{}
		required := []string{}
		for f := range fields(t) {
			s, err := schemaOf(f.typ, seen)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.name, err)
			}
			if d := f.tag.Get("description"); d != "" {
				s["description"] = d
			}
			if e := f.tag.Get("enum"); e != "" {
				s["enum"] = strings.Split(e, ",")
			}
			props[f.name] = s
			if f.required {
				required = append(required, f.name)
			}
		}
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}, nil
	}
	return nil, fmt.Errorf("%w: %s has no JSON schema", ErrInvalidInput, t)
}

type field struct {
	name     string
	typ      reflect.Type
	tag      reflect.StructTag
	required bool
}

// fields yields a struct's JSON fields (embedded structs flattened).
func fields(t reflect.Type) func(func(field) bool) {
	return func(yield func(field) bool) {
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" && opts == "" {
				continue
			}
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				for f := range fields(sf.Type) {
					if !yield(f) {
						return
					}
				}
				continue
			}
			if name == "" {
				name = sf.Name
			}
			optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") || sf.Type.Kind() == reflect.Pointer
			if !yield(field{name: name, typ: sf.Type, tag: sf.Tag, required: !optional}) {
				return
			}
		}
	}
}

// StructuredFormat returns a strict json_schema response format for T.
func StructuredFormat[T any](name string) (*ResponseFormat, error) {
	s, err := SchemaOf(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	strict := true
	return &ResponseFormat{Type: "json_schema", JSONSchema: &JSONSchema{Name: name, Schema: s, Strict: &strict}}, nil
}

// DecodeStructured decodes the first choice of a chat answer into T. A
// Markdown code fence around the JSON is tolerated. The answer must fit
// the schema of T: no unknown keys, every required key present, types
// matching; otherwise the error wraps [ErrSchemaMismatch] and names the
// problem.
func DecodeStructured[T any](resp *ChatResponse) (T, error) {
	var v T
	if resp == nil || len(resp.Choices) == 0 {
		return v, fmt.Errorf("%w: the answer has no choices", ErrSchemaMismatch)
	}
	return v, decodeStrict([]byte(resp.Text()), &v)
}

func decodeStrict(text []byte, v any) error {
	text = bytes.TrimSpace(text)
	if bytes.HasPrefix(text, []byte("```")) {
		text = text[bytes.IndexByte(text, '\n')+1:]
		text = bytes.TrimSuffix(bytes.TrimSpace(text), []byte("```"))
	}
	if len(text) == 0 {
		return fmt.Errorf("%w: the answer is empty", ErrSchemaMismatch)
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v (answer: %.200s)", ErrSchemaMismatch, err, text)
	}
	if dec.More() {
		return fmt.Errorf("%w: text after the JSON value (answer: %.200s)", ErrSchemaMismatch, text)
	}
	var generic any
	json.Unmarshal(text, &generic)
	if missing := missingRequired(reflect.TypeOf(v).Elem(), generic, "$"); missing != "" {
		return fmt.Errorf("%w: required key %s is missing (answer: %.200s)", ErrSchemaMismatch, missing, text)
	}
	return nil
}

// missingRequired returns the path of the first required key absent from
// the decoded value.
func missingRequired(t reflect.Type, v any, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == timeType {
			return ""
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		for f := range fields(t) {
			sub, present := obj[f.name]
			if !present {
				if f.required {
					return path + "." + f.name
				}
				continue
			}
			if m := missingRequired(f.typ, sub, path+"."+f.name); m != "" {
				return m
			}
		}
	case reflect.Slice, reflect.Array:
		list, _ := v.([]any)
		for i, e := range list {
			if m := missingRequired(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i)); m != "" {
				return m
			}
		}
	}
	return ""
}

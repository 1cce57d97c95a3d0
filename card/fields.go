package card

import (
	"fmt"
	"reflect"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Extras is embedded in every metadata type. It keeps what the type does not
// model, so that nothing is lost between parsing and rendering.
type Extras struct {
	// Extra holds keys the type does not know, with their decoded values
	// (string, int, float64, bool, []any, map[string]any or nil). Values of
	// known keys that had the wrong shape are kept here too.
	Extra map[string]any
	// Problems lists known keys whose value had the wrong shape. The value
	// is kept, unchanged, in Extra.
	Problems []*FieldError

	order []string // Extra keys in document order
}

// SetExtra sets an unknown key, keeping the position of an existing key.
func (x *Extras) SetExtra(key string, value any) {
	if x.Extra == nil {
		x.Extra = map[string]any{}
	}
	if _, ok := x.Extra[key]; !ok && !slices.Contains(x.order, key) {
		x.order = append(x.order, key)
	}
	x.Extra[key] = value
}

// FieldError reports a known metadata key whose value has the wrong shape.
type FieldError struct {
	// Field is the YAML key, for example "license" or "configs".
	Field string
	// Line is the line of the value within the front matter.
	Line int
	// Err says what was expected.
	Err error
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("card metadata %q (front matter line %d): %v", e.Field, e.Line, e.Err)
}

// Unwrap returns the decoding error.
func (e *FieldError) Unwrap() error { return e.Err }

// field binds a YAML key to a typed destination.
type field struct {
	key      string
	ptr      any  // pointer to the typed value
	keepZero bool // encode even when zero (counts such as num_examples: 0)
}

// decodeMapping decodes the mapping n into fields, keeping unknown keys and
// badly shaped values in x.
func decodeMapping(n *yaml.Node, fields []field, x *Extras) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping of keys to values", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			key = "<<" // keep merge keys as they are
		}
		if f := lookup(fields, key); f != nil {
			// A repeated key overrides the earlier one, as in PyYAML.
			delete(x.Extra, key)
			err := v.Decode(f.ptr)
			if err == nil {
				continue
			}
			reflect.ValueOf(f.ptr).Elem().SetZero()
			x.Problems = append(x.Problems, &FieldError{Field: key, Line: v.Line, Err: err})
		}
		var val any
		if err := v.Decode(&val); err != nil {
			return fmt.Errorf("line %d: key %q: %w", v.Line, key, err)
		}
		x.SetExtra(key, val)
	}
	return nil
}

func lookup(fields []field, key string) *field {
	for i := range fields {
		if fields[i].key == key {
			return &fields[i]
		}
	}
	return nil
}

// encodeMapping encodes non-zero fields in order, then the extra keys in
// their original order (new keys sorted after them).
func encodeMapping(fields []field, x *Extras) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set := map[string]bool{}
	for _, f := range fields {
		v := reflect.ValueOf(f.ptr).Elem()
		if !f.keepZero && v.IsZero() {
			continue
		}
		if v.Kind() == reflect.Slice && v.Len() == 0 && !f.keepZero {
			continue
		}
		var n yaml.Node
		if err := n.Encode(v.Interface()); err != nil {
			return nil, fmt.Errorf("key %q: %w", f.key, err)
		}
		set[f.key] = true
		m.Content = append(m.Content, keyNode(f.key), &n)
	}
	keys := slices.Clone(x.order)
	var added []string
	for k := range x.Extra {
		if !slices.Contains(keys, k) {
			added = append(added, k)
		}
	}
	sort.Strings(added)
	for _, k := range append(keys, added...) {
		val, ok := x.Extra[k]
		if !ok || set[k] {
			continue
		}
		var n yaml.Node
		if err := n.Encode(val); err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		m.Content = append(m.Content, keyNode(k), &n)
	}
	return m, nil
}

func keyNode(k string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
}

// StringList is a list of strings written in YAML either as one string or as
// a sequence of strings (language: en, or language: [en, fr]). It is encoded
// as a sequence.
type StringList []string

// UnmarshalYAML accepts a scalar or a sequence of scalars.
func (s *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			*s = nil
			return nil
		}
		*s = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a string or a list of strings", it.Line)
			}
			out = append(out, it.Value)
		}
		*s = out
		return nil
	}
	return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
}

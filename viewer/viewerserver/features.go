package viewerserver

import (
	"encoding/json"
	"slices"
	"time"
)

// ftype is a column type as the datasets library's features describe it.
type ftype struct {
	kind   string // a Value dtype, "list", "struct" or "json"
	elem   *ftype
	fields []string
	sub    map[string]*ftype
}

func typeOf(v any) *ftype {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return &ftype{kind: "bool"}
	case int64:
		return &ftype{kind: "int64"}
	case uint64:
		return &ftype{kind: "uint64"}
	case float32:
		return &ftype{kind: "float32"}
	case float64:
		return &ftype{kind: "float64"}
	case string:
		return &ftype{kind: "string"}
	case []byte:
		return &ftype{kind: "binary"}
	case time.Time:
		return &ftype{kind: "timestamp[us]"}
	case []any:
		var elem *ftype
		for _, e := range x {
			elem = elem.merge(typeOf(e))
		}
		return &ftype{kind: "list", elem: elem}
	case map[string]any:
		t := &ftype{kind: "struct", sub: map[string]*ftype{}}
		for k, e := range x {
			t.fields = append(t.fields, k)
			t.sub[k] = typeOf(e)
		}
		slices.Sort(t.fields)
		return t
	}
	return &ftype{kind: "json"}
}

// merge is the type holding values of both a and b.
func (a *ftype) merge(b *ftype) *ftype {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.kind == b.kind && a.kind == "list":
		return &ftype{kind: "list", elem: a.elem.merge(b.elem)}
	case a.kind == b.kind && a.kind == "struct":
		t := &ftype{kind: "struct", sub: map[string]*ftype{}}
		for _, k := range append(slices.Clone(a.fields), b.fields...) {
			if _, seen := t.sub[k]; !seen {
				t.fields = append(t.fields, k)
			}
			t.sub[k] = a.sub[k].merge(b.sub[k])
		}
		return t
	case a.kind == b.kind:
		return a
	case numeric(a.kind) && numeric(b.kind):
		return &ftype{kind: "float64"}
	}
	return &ftype{kind: "json"}
}

func numeric(k string) bool { return k == "int64" || k == "uint64" || k == "float32" || k == "float64" }

// feature is the datasets features JSON of t.
func (t *ftype) feature() any {
	if t == nil {
		return map[string]string{"dtype": "null", "_type": "Value"}
	}
	switch t.kind {
	case "list":
		return map[string]any{"feature": t.elem.feature(), "_type": "List"}
	case "struct":
		m := map[string]any{}
		for _, k := range t.fields {
			m[k] = t.sub[k].feature()
		}
		return m
	case "json":
		return map[string]string{"_type": "Json"}
	}
	return map[string]string{"dtype": t.kind, "_type": "Value"}
}

func (t *ftype) featureJSON() json.RawMessage {
	b, _ := json.Marshal(t.feature())
	return b
}

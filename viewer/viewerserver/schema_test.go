package viewerserver_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// openAPI is the recorded dataset viewer schema (the copy viewertest
// embeds).
type openAPI struct {
	doc map[string]any
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	b, err := os.ReadFile("../viewertest/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{doc: doc}
}

// responseSchema is the schema of the 200 answer of path.
func (o *openAPI) responseSchema(t *testing.T, path string) map[string]any {
	t.Helper()
	p, _ := o.doc["paths"].(map[string]any)[path].(map[string]any)
	get, _ := p["get"].(map[string]any)
	resp, _ := get["responses"].(map[string]any)["200"].(map[string]any)
	if ref, ok := resp["$ref"].(string); ok {
		resp = o.ref(ref)
	}
	content, _ := resp["content"].(map[string]any)["application/json"].(map[string]any)
	sch, _ := content["schema"].(map[string]any)
	if sch == nil {
		t.Fatalf("no 200 schema for %s", path)
	}
	return sch
}

func (o *openAPI) ref(ref string) map[string]any {
	var cur any = o.doc
	for _, k := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = cur.(map[string]any)[k]
	}
	return cur.(map[string]any)
}

// validate checks v (decoded JSON) against a schema: type, required,
// properties, additionalProperties, items, enum, nullable, $ref, oneOf/anyOf (both
// as "at least one": the recorded cell and feature unions overlap).
func (o *openAPI) validate(v any, sch map[string]any, at string) error {
	if ref, ok := sch["$ref"].(string); ok {
		return o.validate(v, o.ref(ref), at)
	}
	if v == nil && sch["nullable"] == true {
		return nil
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts, ok := sch[key].([]any); ok {
			var errs []string
			for _, a := range alts {
				err := o.validate(v, a.(map[string]any), at)
				if err == nil {
					return nil
				}
				errs = append(errs, err.Error())
			}
			return fmt.Errorf("%s: matches none of %s: %s", at, key, strings.Join(errs, " | "))
		}
	}
	if typ, ok := sch["type"].(string); ok {
		if err := checkType(v, typ, at); err != nil {
			return err
		}
	}
	if enum, ok := sch["enum"].([]any); ok {
		s, _ := v.(string)
		found := false
		for _, e := range enum {
			es, _ := e.(string)
			// dtype enums list patterns ("timestamp[(s|ms|us|ns)]") and
			// aliases ("float32 (alias float)").
			if es == s || strings.HasPrefix(es, s+" ") || (strings.Contains(es, "[") && strings.HasPrefix(s, es[:strings.Index(es, "[")])) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
		}
	}
	m, isObj := v.(map[string]any)
	if req, ok := sch["required"].([]any); ok && isObj {
		for _, r := range req {
			if _, ok := m[r.(string)]; !ok {
				return fmt.Errorf("%s: required %q missing", at, r)
			}
		}
	}
	props, _ := sch["properties"].(map[string]any)
	if isObj {
		for k, x := range m {
			if ps, ok := props[k].(map[string]any); ok {
				if err := o.validate(x, ps, at+"."+k); err != nil {
					return err
				}
			} else if ap, ok := sch["additionalProperties"].(map[string]any); ok {
				if err := o.validate(x, ap, at+"."+k); err != nil {
					return err
				}
			}
		}
	}
	if items, ok := sch["items"].(map[string]any); ok {
		if arr, ok := v.([]any); ok {
			for i, x := range arr {
				if err := o.validate(x, items, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkType(v any, typ, at string) error {
	ok := false
	switch typ {
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "string":
		_, ok = v.(string)
	case "boolean":
		_, ok = v.(bool)
	case "number":
		_, ok = v.(float64)
	case "integer":
		f, isNum := v.(float64)
		ok = isNum && f == float64(int64(f))
	case "null":
		ok = v == nil
	}
	if !ok {
		return fmt.Errorf("%s: %v is not of type %s", at, v, typ)
	}
	return nil
}

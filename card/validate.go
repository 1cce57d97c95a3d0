package card

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Issue is one finding of [Validate]: an error (the Hub refuses the README)
// or a warning (it accepts it but says what is missing).
type Issue struct {
	// Message says what is wrong in the Hub's words, naming the key as a
	// path in quotes: "license" must be one of [...],
	// "model-index[0].results" must be an array.
	Message string `json:"message"`
	// Field is the key path ("" for the whole front matter).
	Field string `json:"-"`
	// Line is the line within the README (1-based), 0 when unknown.
	Line int `json:"-"`
}

// Validation is what [Validate] found, in the shape of the Hub's
// POST /api/validate-yaml answer.
type Validation struct {
	Errors   []Issue `json:"errors"`
	Warnings []Issue `json:"warnings"`
}

// OK reports whether the README has no error (warnings are allowed).
func (v *Validation) OK() bool { return len(v.Errors) == 0 }

// Repo types the validation knows ("" is a model, as for the Hub).
const (
	typeModel   = "model"
	typeDataset = "dataset"
	typeSpace   = "space"
)

// Validate checks the YAML front matter of a README.md the way the Hub does
// before a commit (POST /api/validate-yaml): front matter that does not
// parse, that is not a mapping, or whose known keys have the wrong type
// (license: [1, 2], tags: 3, model-index: foo, sdk: rust) are errors; a
// README without metadata is accepted with a warning. Unknown keys are
// allowed. repoType is "model" (or ""), "dataset" or "space"; another value
// is an error.
func Validate(readme []byte, repoType string) Validation {
	v := Validation{Errors: []Issue{}, Warnings: []Issue{}}
	if repoType == "" {
		repoType = typeModel
	}
	keys, ok := schemas[repoType]
	if !ok {
		v.Errors = append(v.Errors, Issue{Message: fmt.Sprintf(`"repoType" must be one of [model, dataset, space], not %q`, repoType)})
		return v
	}
	front, _, found := Split(readme)
	offset := 0 // lines before the YAML
	if found {
		if i := bytes.Index(readme, front); i >= 0 {
			offset = bytes.Count(readme[:i], []byte("\n"))
		}
	}
	var doc yaml.Node
	if found && len(bytes.TrimSpace(front)) > 0 {
		if err := yaml.Unmarshal(front, &doc); err != nil {
			v.Errors = append(v.Errors, Issue{Message: "YAML metadata is not valid YAML: " + yamlErrText(err, offset)})
			return v
		}
	}
	var root *yaml.Node
	if len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	if root == nil || isNull(root) || (root.Kind == yaml.MappingNode && len(root.Content) == 0) {
		v.Warnings = append(v.Warnings, Issue{Message: "empty or missing yaml metadata in repo card (" + cardDocs[repoType] + ")"})
		return v
	}
	c := &checker{v: &v, offset: offset}
	if c.duplicates(root) {
		return v
	}
	c.check(root, "", object(keys))
	return v
}

// cardDocs is the documentation of each type's card metadata.
var cardDocs = map[string]string{
	typeModel:   "https://huggingface.co/docs/hub/model-cards#model-card-metadata",
	typeDataset: "https://huggingface.co/docs/hub/datasets-cards",
	typeSpace:   "https://huggingface.co/docs/hub/spaces-config-reference",
}

// yamlErrText rewrites the parser's "yaml: line N: ..." to count lines
// from the top of the README.
func yamlErrText(err error, offset int) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	var rest string
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.IndexByte(msg, ':'); i >= 0 {
			rest = msg[i+1:]
		}
		return fmt.Sprintf("line %d:%s", line+offset, rest)
	}
	return msg
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// checker walks the front matter with a rule and records the issues.
type checker struct {
	v      *Validation
	offset int
}

// duplicates reports the first key repeated in a mapping: PyYAML keeps the
// last one, the Hub's parser refuses the card.
func (c *checker) duplicates(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				if seen[k.Value] {
					c.v.Errors = append(c.v.Errors, Issue{
						Message: fmt.Sprintf("YAML metadata is not valid YAML: line %d: duplicated mapping key %q", k.Line+c.offset, k.Value),
						Field:   k.Value, Line: k.Line + c.offset,
					})
					return true
				}
				seen[k.Value] = true
			}
			if c.duplicates(n.Content[i+1]) {
				return true
			}
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			if c.duplicates(it) {
				return true
			}
		}
	}
	return false
}

// rule checks the value n found at path.
type rule func(c *checker, n *yaml.Node, path string)

func (c *checker) check(n *yaml.Node, path string, r rule) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	r(c, n, path)
}

func (c *checker) fail(n *yaml.Node, path, format string, args ...any) {
	name := path
	if name == "" {
		name = "value"
	}
	c.v.Errors = append(c.v.Errors, Issue{
		Message: fmt.Sprintf("%q ", name) + fmt.Sprintf(format, args...),
		Field:   path, Line: n.Line + c.offset,
	})
}

// str accepts a string. YAML numbers and booleans are refused, as by the Hub
// (quote them: "1.0").
func str(c *checker, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		c.fail(n, path, "must be a string")
	}
}

// nullable accepts null or what r accepts.
func nullable(r rule) rule {
	return func(c *checker, n *yaml.Node, path string) {
		if !isNull(n) {
			r(c, n, path)
		}
	}
}

// scalarText accepts a string or a number (version strings written
// unquoted: sdk_version: 4.36).
func scalarText(c *checker, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float") {
		c.fail(n, path, "must be a string")
	}
}

func boolean(c *checker, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		c.fail(n, path, "must be a boolean")
	}
}

func number(c *checker, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		c.fail(n, path, "must be a number")
	}
}

func integer(c *checker, n *yaml.Node, path string) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		c.fail(n, path, "must be an integer")
	}
}

// oneOf accepts one of the strings values.
func oneOf(values []string) rule {
	return func(c *checker, n *yaml.Node, path string) {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" || !slices.Contains(values, n.Value) {
			c.fail(n, path, "must be one of [%s]", strings.Join(values, ", "))
		}
	}
}

// maxLen accepts a string of at most max characters.
func maxLen(max int) rule {
	return func(c *checker, n *yaml.Node, path string) {
		str(c, n, path)
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && len([]rune(n.Value)) > max {
			c.fail(n, path, "length must be less than or equal to %d characters long", max)
		}
	}
}

// list accepts a sequence whose items pass item.
func list(item rule) rule {
	return func(c *checker, n *yaml.Node, path string) {
		if n.Kind != yaml.SequenceNode {
			c.fail(n, path, "must be an array")
			return
		}
		for i, it := range n.Content {
			c.check(it, fmt.Sprintf("%s[%d]", path, i), item)
		}
	}
}

// single accepts one item or a sequence of items (language: en, or
// language: [en, fr]).
func single(item rule) rule {
	return func(c *checker, n *yaml.Node, path string) {
		if n.Kind == yaml.SequenceNode {
			list(item)(c, n, path)
			return
		}
		item(c, n, path)
	}
}

// stringOrList accepts a string or a list of strings.
var stringOrList = single(str)

// stringList accepts only a list of strings (tags: 3 and tags: x are refused
// with "must be an array").
var stringList = list(str)

// either accepts what one of rules accepts; the failure reported is the
// first rule's when none does.
func either(rules ...rule) rule {
	return func(c *checker, n *yaml.Node, path string) {
		var first []Issue
		for i, r := range rules {
			probe := &checker{v: &Validation{}, offset: c.offset}
			r(probe, n, path)
			if probe.v.OK() {
				return
			}
			if i == 0 {
				first = probe.v.Errors
			}
		}
		c.v.Errors = append(c.v.Errors, first...)
	}
}

// anyValue accepts everything.
func anyValue(*checker, *yaml.Node, string) {}

// keys is a mapping's known keys; unknown keys are allowed.
type keys map[string]rule

// object accepts a mapping whose known keys pass their rule.
func object(k keys, required ...string) rule {
	return func(c *checker, n *yaml.Node, path string) {
		if n.Kind != yaml.MappingNode {
			c.fail(n, path, "must be of type object")
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			seen[key] = true
			r, ok := k[key]
			if !ok {
				continue
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			c.check(n.Content[i+1], p, r)
		}
		for _, key := range required {
			if !seen[key] {
				p := key
				if path != "" {
					p = path + "." + key
				}
				c.fail(n, p, "is required")
			}
		}
	}
}

// The Hub's license identifiers
// (https://huggingface.co/docs/hub/repositories-licenses).
var licenses = []string{
	"apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m",
	"bigscience-bloom-rail-1.0", "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0",
	"bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0",
	"cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0", "cc-by-sa-4.0",
	"cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0", "cc-by-nc-nd-3.0",
	"cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0",
	"cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0",
	"epl-1.0", "epl-2.0", "etalab-2.0", "eupl-1.1", "eupl-1.2", "agpl-3.0", "gfdl", "gpl", "gpl-2.0",
	"gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc", "h-research", "intel-research", "lppl-1.3c",
	"ms-pl", "apple-ascl", "apple-amlr", "mpl-2.0", "odc-by", "odbl", "openmdw-1.0", "openrail++",
	"osl-3.0", "postgresql", "ofl-1.1", "ncsa", "unlicense", "zlib", "pddl", "lgpl-lr",
	"deepfloyd-if-license", "fair-noncommercial-research-license", "llama2", "llama3",
	"llama3.1", "llama3.2", "llama3.3", "llama4", "grok2-community", "gemma", "unknown", "other",
}

// Space colours and SDKs (https://huggingface.co/docs/hub/spaces-config-reference).
var (
	spaceColors = []string{"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}
	spaceSDKs   = []string{"gradio", "streamlit", "docker", "static"}
)

// Keys every card type shares.
var commonKeys = keys{
	"license":             single(oneOf(licenses)),
	"license_name":        str,
	"license_link":        str,
	"language":            stringOrList,
	"tags":                stringList,
	"thumbnail":           nullable(str),
	"extra_gated_prompt":  str,
	"extra_gated_fields":  object(keys{}),
	"extra_gated_heading": str,
}

// modelIndex is the "model-index" key: evaluation results, as
// huggingface_hub's model_index_to_eval_results reads them.
var modelIndex = list(object(keys{
	"name": str,
	"results": list(object(keys{
		"task":    object(keys{"type": str, "name": str}, "type"),
		"dataset": object(keys{"type": str, "name": str, "config": str, "split": str, "revision": str}, "type", "name"),
		"metrics": list(object(keys{"type": str, "name": str, "config": str, "verified": boolean, "value": anyValue}, "type", "value")),
		"source":  object(keys{"name": str, "url": str}, "url"),
	}, "task", "dataset", "metrics")),
}, "name", "results"))

var schemas = map[string]keys{
	typeModel: merge(commonKeys, keys{
		"library_name":        str,
		"pipeline_tag":        str,
		"base_model":          stringOrList,
		"base_model_relation": oneOf([]string{"adapter", "merge", "quantized", "finetune"}),
		"datasets":            stringOrList,
		"metrics":             stringOrList,
		"new_version":         str,
		"model-index":         modelIndex,
		"inference":           either(boolean, object(keys{})),
		"widget":              list(object(keys{})),
		"co2_eq_emissions":    either(number, object(keys{"emissions": number})),
	}),
	typeDataset: merge(commonKeys, keys{
		"pretty_name":          str,
		"annotations_creators": stringOrList,
		"language_creators":    stringOrList,
		"multilinguality":      stringOrList,
		"size_categories":      stringOrList,
		"source_datasets":      stringOrList,
		"task_categories":      stringOrList,
		"task_ids":             stringOrList,
		"paperswithcode_id":    nullable(str),
		"viewer":               boolean,
		"configs": list(object(keys{
			"config_name": str,
			"data_dir":    str,
			"default":     boolean,
			"data_files":  either(str, list(either(str, object(keys{"split": str, "path": stringOrList}, "path")))),
		}, "config_name")),
		"dataset_info": either(object(keys{}), list(object(keys{}))),
	}),
	typeSpace: merge(commonKeys, keys{
		"title":                    str,
		"emoji":                    str,
		"colorFrom":                oneOf(spaceColors),
		"colorTo":                  oneOf(spaceColors),
		"sdk":                      oneOf(spaceSDKs),
		"sdk_version":              scalarText,
		"python_version":           scalarText,
		"app_file":                 str,
		"app_port":                 integer,
		"base_path":                str,
		"fullWidth":                boolean,
		"header":                   oneOf([]string{"mini", "default"}),
		"short_description":        maxLen(60),
		"models":                   stringList,
		"datasets":                 stringList,
		"pinned":                   boolean,
		"hf_oauth":                 boolean,
		"hf_oauth_scopes":          stringList,
		"disable_embedding":        boolean,
		"startup_duration_timeout": str,
		"suggested_hardware":       str,
		"suggested_storage":        oneOf([]string{"small", "medium", "large"}),
		"custom_headers":           object(keys{}),
		"preload_from_hub":         stringList,
	}),
}

func merge(a, b keys) keys {
	out := keys{}
	for k, r := range a {
		out[k] = r
	}
	for k, r := range b {
		out[k] = r
	}
	return out
}

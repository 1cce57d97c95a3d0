package card

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name, repoType, readme string
		errs                   []string // substrings of the error messages, in order
		warn                   bool
	}{
		{name: "valid model", readme: "---\nlicense: mit\ntags: [a, b]\nlanguage: en\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n    metrics: [{type: accuracy, value: 0.9}]\n---\n# body\n"},
		{name: "no front matter", readme: "# just a title\n", warn: true},
		{name: "empty front matter", readme: "---\n---\nbody\n", warn: true},
		{name: "null front matter", readme: "---\n~\n---\nbody\n", warn: true},
		{name: "empty mapping", readme: "---\n{}\n---\nbody\n", warn: true},
		{name: "bad yaml", readme: "---\nlicense: [mit\n---\n", errs: []string{"not valid YAML"}},
		{name: "duplicate key", readme: "---\nlicense: mit\nlicense: mit\n---\n", errs: []string{`duplicated mapping key "license"`}},
		{name: "not a mapping", readme: "---\n- a\n- b\n---\n", errs: []string{`"value" must be of type object`}},
		{name: "license list of ints", readme: "---\nlicense: [1, 2]\n---\n", errs: []string{`"license[0]" must be one of [apache-2.0`, `"license[1]" must be one of`}},
		{name: "unknown license", readme: "---\nlicense: asdf\n---\n", errs: []string{`"license" must be one of [apache-2.0, mit,`}},
		{name: "tags int", readme: "---\ntags: 3\n---\n", errs: []string{`"tags" must be an array`}},
		{name: "tags string", readme: "---\ntags: foo\n---\n", errs: []string{`"tags" must be an array`}},
		{name: "tag item not string", readme: "---\ntags: [a, {b: c}]\n---\n", errs: []string{`"tags[1]" must be a string`}},
		{name: "model-index scalar", readme: "---\nmodel-index: foo\n---\n", errs: []string{`"model-index" must be an array`}},
		{name: "model-index missing name", readme: "---\nmodel-index:\n- results: []\n---\n", errs: []string{`"model-index[0].name" is required`}},
		{name: "metric without value", readme: "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: n}\n    metrics: [{type: acc}]\n---\n", errs: []string{`"model-index[0].results[0].metrics[0].value" is required`}},
		{name: "library_name list", readme: "---\nlibrary_name: [a]\n---\n", errs: []string{`"library_name" must be a string`}},
		{name: "pipeline_tag number", readme: "---\npipeline_tag: 3\n---\n", errs: []string{`"pipeline_tag" must be a string`}},
		{name: "unknown keys allowed", readme: "---\nfoo: [1, 2]\nbar: {x: 1}\n---\n"},
		{name: "dataset configs", repoType: "dataset", readme: "---\nlicense: [mit, cc-by-4.0]\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/*.csv\n---\n"},
		{name: "dataset config without name", repoType: "dataset", readme: "---\nconfigs:\n- data_files: x.csv\n---\n", errs: []string{`"configs[0].config_name" is required`}},
		{name: "dataset data_files int", repoType: "dataset", readme: "---\nconfigs:\n- config_name: a\n  data_files: 3\n---\n", errs: []string{`"configs[0].data_files" must be a string`}},
		{name: "dataset viewer", repoType: "dataset", readme: "---\nviewer: maybe\n---\n", errs: []string{`"viewer" must be a boolean`}},
		{name: "space", repoType: "space", readme: "---\ntitle: T\nemoji: 🚀\ncolorFrom: red\ncolorTo: indigo\nsdk: gradio\nsdk_version: 4.36\napp_port: 7860\npinned: false\n---\n"},
		{name: "space bad sdk", repoType: "space", readme: "---\nsdk: rust\n---\n", errs: []string{`"sdk" must be one of [gradio, streamlit, docker, static]`}},
		{name: "space short description", repoType: "space", readme: "---\nshort_description: " + strings.Repeat("x", 61) + "\n---\n", errs: []string{`"short_description" length must be less than or equal to 60`}},
		{name: "space port string", repoType: "space", readme: "---\napp_port: http\n---\n", errs: []string{`"app_port" must be an integer`}},
		{name: "bad repo type", repoType: "bucket", readme: "---\nlicense: mit\n---\n", errs: []string{`"repoType" must be one of`}},
		{name: "alias", readme: "---\nx: &l [a]\ntags: *l\n---\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Validate([]byte(tc.readme), tc.repoType)
			if len(v.Errors) != len(tc.errs) {
				t.Fatalf("errors = %+v, want %d matching %q", v.Errors, len(tc.errs), tc.errs)
			}
			for i, want := range tc.errs {
				if !strings.Contains(v.Errors[i].Message, want) {
					t.Errorf("error %d = %q, want it to contain %q", i, v.Errors[i].Message, want)
				}
			}
			if got := len(v.Warnings) > 0; got != tc.warn {
				t.Errorf("warnings = %+v, want warning %v", v.Warnings, tc.warn)
			}
			if v.OK() != (len(tc.errs) == 0) {
				t.Errorf("OK() = %v", v.OK())
			}
		})
	}
}

func TestValidateLines(t *testing.T) {
	v := Validate([]byte("---\nlicense: mit\ntags: 3\n---\n"), "model")
	if len(v.Errors) != 1 || v.Errors[0].Line != 3 || v.Errors[0].Field != "tags" {
		t.Fatalf("errors = %+v, want tags at README line 3", v.Errors)
	}
	v = Validate([]byte("\n---\nlicense: mit\n\ttags: [a]\n---\n"), "model")
	if len(v.Errors) != 1 || !strings.Contains(v.Errors[0].Message, "line 4:") {
		t.Fatalf("errors = %+v, want the parser's line counted from the README top", v.Errors)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"---\nlicense: mit\n---\n", "---\nmodel-index: [{results: [{task: 1}]}]\n---\n", "---\n- a\n---\n", "x", "---\na: &a [*a]\n---\n"} {
		f.Add(s, "model")
		f.Add(s, "dataset")
	}
	f.Fuzz(func(t *testing.T, readme, repoType string) {
		v := Validate([]byte(readme), repoType)
		if v.Errors == nil || v.Warnings == nil {
			t.Fatal("nil slices: the JSON answer would have null instead of []")
		}
	})
}

package hfuri

import (
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts is well
// formed, and that String gives back the same URI.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"hf://org/m", "hf://datasets/org/d@refs/pr/1/a/b", "hf://org/m@feature%2Ffoo/x",
		"hf://buckets/o/b/x/", "hf://org/m/a@b", "hf://org/m@a@b/c", "hf://dataset/x/y",
		"https://huggingface.co/datasets/o/d/blob/main/x.csv", "hf://org/m@100%", "hf://o/m@%2",
		"hf://org/m@refs/convert/parquet/x", "huggingface.co/o/m/tree/refs%2Fpr%2F2/d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid hf:// URI") {
				t.Fatalf("Parse(%q): error without the common prefix: %v", s, err)
			}
			return
		}
		if strings.Count(u.ID, "/") != 1 {
			t.Fatalf("Parse(%q): id %q is not namespace/name", s, u.ID)
		}
		if strings.HasPrefix(u.Path, "/") || strings.HasSuffix(u.Path, "/") || strings.Contains(u.Path, "//") {
			t.Fatalf("Parse(%q): path %q has empty segments", s, u.Path)
		}
		if u.IsBucket() && (u.Revision != "" || u.RepoType != "") {
			t.Fatalf("Parse(%q): bucket with a revision or repo type: %+v", s, u)
		}
		if u.Dir && u.Path == "" {
			t.Fatalf("Parse(%q): Dir without a path", s)
		}
		back, err := Parse(u.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %+v; its String %q does not parse: %v", s, u, u.String(), err)
		}
		if back != u {
			t.Fatalf("Parse(%q) = %+v; String %q parses to %+v", s, u, u.String(), back)
		}
	})
}

// FuzzParseMount checks that ParseMount never panics and round-trips.
func FuzzParseMount(f *testing.F) {
	for _, s := range []string{"hf://org/m:/data", "hf://datasets/o/d/x:/m:ro", "hf://buckets/o/b:/s:rw", "hf://o/m:ro"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMount(s)
		if err != nil {
			return
		}
		back, err := ParseMount(m.String())
		if err != nil || back.Source != m.Source || back.Path != m.Path {
			t.Fatalf("ParseMount(%q) = %+v; String %q parses to %+v, %v", s, m, m.String(), back, err)
		}
	})
}

package cmdutil

import (
	"strings"
	"testing"
)

func TestRenderTree(t *testing.T) {
	got := strings.Join(RenderTree([]TreeItem{
		{Path: "config.json", Size: "12", Date: "2026-01-02"},
		{Path: "data", Dir: true},
		{Path: "data/b.csv", Size: "3000", Date: "2026-01-03"},
		{Path: "data/a.csv", Size: "5", Date: "2026-01-03"},
		{Path: "x/y/z.txt", Size: "1", Date: "2026-01-04"},
	}), "\n")
	want := strings.Join([]string{
		"  12  2026-01-02  ├── config.json",
		"                  ├── data/",
		"   5  2026-01-03  │   ├── a.csv",
		"3000  2026-01-03  │   └── b.csv",
		"                  └── x/",
		"                      └── y/",
		"   1  2026-01-04          └── z.txt",
	}, "\n")
	if got != want {
		t.Errorf("RenderTree =\n%s\nwant\n%s", got, want)
	}
	plain := RenderTree([]TreeItem{{Path: "a/b"}, {Path: "c"}})
	if strings.Join(plain, "\n") != "├── a/\n│   └── b\n└── c" {
		t.Errorf("without sizes: %q", plain)
	}
}

package store

import "testing"

func TestGitignore(t *testing.T) {
	g := ParseGitignore([]byte(`# build output
*.log
!keep.log
build/
/root-only.txt
docs/*.md
!docs/README.md
**/cache/**
a/**/z.bin
tmp/**
\#hash.txt
\!bang.txt
trailing.txt   
escaped\ 
name{1,2}.txt
logs/
!logs/important.txt
[abc].dat
?.one

`))
	for p, want := range map[string]bool{
		"app.log":            true,
		"sub/dir/app.log":    true, // no slash: any depth
		"keep.log":           false,
		"sub/keep.log":       false,
		"build":              false, // a file named build: "build/" is for folders
		"build/out.bin":      true,
		"src/build/out.bin":  true, // folder at any depth
		"root-only.txt":      true,
		"sub/root-only.txt":  false, // anchored by the leading slash
		"docs/guide.md":      true,
		"docs/sub/guide.md":  false, // '*' does not cross '/'
		"docs/README.md":     false,
		"x/cache/y/z":        true,
		"cache/f":            true,
		"cachefile":          false,
		"a/z.bin":            true, // "/**/" matches zero folders
		"a/b/c/z.bin":        true,
		"b/z.bin":            false,
		"tmp/x":              true,
		"tmp":                false, // "tmp/**" is what is inside tmp
		"#hash.txt":          true,
		"!bang.txt":          true,
		"trailing.txt":       true,
		"escaped ":           true,
		"escaped":            false,
		"name{1,2}.txt":      true, // braces are literal
		"name1.txt":          false,
		"logs/important.txt": true, // inside an ignored folder: cannot be re-included
		"a.dat":              true,
		"d.dat":              false,
		"x.one":              true,
		"xy.one":             false,
		"main.py":            false,
		"README.md":          false,
	} {
		if got := g.Ignored(p); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", p, got, want)
		}
	}
	var none Gitignore
	if none.Ignored("a.log") || !none.Empty() || ParseGitignore([]byte("# only a comment\n\n")).Ignored("x") {
		t.Fatal("an empty .gitignore ignored something")
	}
	if ParseGitignore([]byte("[z-a\nok.txt\n")).Ignored("[z-a") || !ParseGitignore([]byte("[\nok.txt\r\n")).Ignored("ok.txt") {
		t.Fatal("a malformed pattern must match nothing and not stop the others (CRLF lines too)")
	}
}

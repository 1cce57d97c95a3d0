package hfhub

import (
	"regexp"
	"strings"
	"testing"
)

// refFnmatch translates a pattern without "[" to the regular expression
// Python's fnmatch.translate gives it ("*" any run, "?" one character,
// everything else literal), as a reference for MatchPattern.
func refFnmatch(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// FuzzMatchPattern checks MatchPattern against the fnmatch reference for
// patterns without character classes (after the "\" -> "/" and trailing
// "/" -> "/*" rewrites), and that arbitrary patterns (classes included)
// never panic or take exponential time.
func FuzzMatchPattern(f *testing.F) {
	f.Add("*.json", "a/b/c.json")
	f.Add("data/", "data/x/y.parquet")
	f.Add("a?c", "abc")
	f.Add(`sub\*.bin`, "sub/x.bin")
	f.Add("[!a-c]*.txt", "d.txt")
	f.Add("*a*a*a*a*a*a*a*b", strings.Repeat("a", 60))
	f.Add("[", "[")
	f.Add("é?", "éé")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		got := MatchPattern(pattern, path) // must not panic
		if strings.Contains(pattern, "[") || !utf8Valid(pattern) || !utf8Valid(path) {
			return
		}
		p := strings.ReplaceAll(pattern, `\`, "/")
		if strings.HasSuffix(p, "/") {
			p += "*"
		}
		want := refFnmatch(p).MatchString(strings.ReplaceAll(path, `\`, "/"))
		if got != want {
			t.Fatalf("MatchPattern(%q, %q) = %v, fnmatch says %v", pattern, path, got, want)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

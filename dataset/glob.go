package dataset

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
)

// hasMagic reports whether a pattern contains glob characters, like
// Python's glob.has_magic.
func hasMagic(p string) bool { return strings.ContainsAny(p, "*?[") }

var globCache sync.Map // pattern -> *regexp.Regexp or error

// globRegexp translates a glob as fsspec (>= 2023.12) does: "*" and "?"
// stay within one path component, "**" must be a whole component and spans
// any number of them, "[...]" is a character class ("[!...]" negated).
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if v, ok := globCache.Load(pattern); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*regexp.Regexp), nil
	}
	re, err := translate(pattern)
	if err != nil {
		globCache.Store(pattern, err)
		return nil, err
	}
	globCache.Store(pattern, re)
	return re, nil
}

func translate(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	parts := strings.Split(pattern, "/")
	last := len(parts) - 1
	for i, part := range parts {
		switch {
		case part == "*":
			b.WriteString(`[^/]+`)
			if i < last {
				b.WriteString("/")
			}
			continue
		case part == "**":
			if i < last {
				b.WriteString(`(?:.+/)?`)
			} else {
				b.WriteString(`.*`)
			}
			continue
		case strings.Contains(part, "**"):
			return nil, fmt.Errorf("%w: pattern %q: '**' can only be an entire path component", ErrInvalidMetadata, pattern)
		}
		translatePart(&b, part)
		if i < last {
			b.WriteString("/")
		}
	}
	return regexp.Compile(`^(?s:` + b.String() + `)$`)
}

func translatePart(b *strings.Builder, part string) {
	for i := 0; i < len(part); {
		c := part[i]
		switch c {
		case '*':
			for i < len(part) && part[i] == '*' {
				i++
			}
			b.WriteString(`[^/]*`)
			continue
		case '?':
			b.WriteString(`[^/]`)
		case '[':
			j := i + 1
			if j < len(part) && part[j] == '!' {
				j++
			}
			if j < len(part) && part[j] == ']' {
				j++
			}
			for j < len(part) && part[j] != ']' {
				j++
			}
			if j >= len(part) {
				b.WriteString(`\[`)
				break
			}
			stuff := part[i+1 : j]
			stuff = strings.ReplaceAll(stuff, `\`, `\\`)
			stuff = strings.ReplaceAll(stuff, `[`, `\[`)
			switch {
			case strings.HasPrefix(stuff, "!"):
				stuff = "^" + stuff[1:]
			case strings.HasPrefix(stuff, "^"):
				stuff = `\` + stuff
			}
			b.WriteString("[" + stuff + "]")
			i = j + 1
			continue
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
		i++
	}
}

// filesToIgnore are never data, unless a pattern names them exactly.
var filesToIgnore = []string{"README.md", "config.json", "dataset_info.json", "dataset_infos.json", "dummy_data.zip", "dataset_dict.json"}

// match returns the files matching pattern (relative to the repository
// root), sorted, skipping ignored names and hidden or "__" entries that
// the pattern does not name, and keeping only allowed extensions when
// allowed is not nil.
func match(files []string, pattern string, allowed map[string]bool) ([]string, error) {
	re, err := globRegexp(pattern)
	if err != nil {
		return nil, err
	}
	base := path.Base(pattern)
	patHidden := countHidden(pattern)
	patSpecial := countSpecial(path.Dir(pattern))
	var out []string
	for _, f := range files {
		if !re.MatchString(f) {
			continue
		}
		name := path.Base(f)
		if name != base && contains(filesToIgnore, name) {
			continue
		}
		if countSpecial(path.Dir(f)) != patSpecial || countHidden(f) != patHidden {
			continue
		}
		if allowed != nil && !hasAllowedExtension(name, allowed) {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// countHidden counts path components starting with "." (other than "."
// and ".." themselves).
func countHidden(p string) int {
	n := 0
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") && strings.Trim(part, ".") != "" {
			n++
		}
	}
	return n
}

// countSpecial counts directory components starting with "__".
func countSpecial(dir string) int {
	if dir == "." || dir == "" {
		return 0
	}
	n := 0
	for _, part := range strings.Split(dir, "/") {
		if strings.HasPrefix(part, "__") {
			n++
		}
	}
	return n
}

// hasAllowedExtension checks every dotted suffix of name ("a.csv.gz" has
// ".csv" and ".gz"), case-sensitively, as the datasets library does.
func hasAllowedExtension(name string, allowed map[string]bool) bool {
	parts := strings.Split(name, ".")
	for _, s := range parts[1:] {
		if allowed["."+s] {
			return true
		}
	}
	return false
}

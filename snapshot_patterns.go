package hfhub

import (
	"strings"
	"unicode/utf8"
)

// FilterRepoFiles keeps the paths that match at least one allow pattern (all
// when allow is empty) and no ignore pattern, with exactly the semantics of
// the Python client's filter_repo_objects (spec §7): "\" is read as "/" in
// patterns and paths, a pattern ending in "/" gets "*" appended ("data/"
// means "data/*"), and matching is Python's fnmatchcase on the full path:
// case-sensitive, "*" matches any run of characters including "/" (so
// "*.json" matches "a/b/c.json" and "**" is just "*"), "?" one character,
// "[seq]" and "[!seq]" character classes (with ranges), no escaping.
func FilterRepoFiles(paths, allow, ignore []string) []string {
	al := globCompileAll(allow)
	ig := globCompileAll(ignore)
	var out []string
	for _, p := range paths {
		if globKeep(p, al, ig) {
			out = append(out, p)
		}
	}
	return out
}

// MatchPattern reports whether path matches one allow/ignore pattern as
// [FilterRepoFiles] reads it.
func MatchPattern(pattern, path string) bool {
	return globCompile(pattern).match(strings.ReplaceAll(path, `\`, "/"))
}

func globKeep(p string, allow, ignore []globPattern) bool {
	p = strings.ReplaceAll(p, `\`, "/")
	if len(allow) > 0 {
		ok := false
		for _, a := range allow {
			if a.match(p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, ig := range ignore {
		if ig.match(p) {
			return false
		}
	}
	return true
}

func globCompileAll(ps []string) []globPattern {
	out := make([]globPattern, 0, len(ps))
	for _, p := range ps {
		out = append(out, globCompile(p))
	}
	return out
}

// globPattern is a compiled fnmatch pattern.
type globPattern []globToken

type globTokenKind int

const (
	globLiteral globTokenKind = iota
	globAny                   // ?
	globStar                  // * (any run)
	globClass                 // [...]
)

type globToken struct {
	kind   globTokenKind
	r      rune        // globLiteral
	negate bool        // globClass
	ranges []globRange // globClass
}

type globRange struct{ lo, hi rune }

func globCompile(s string) globPattern {
	s = strings.ReplaceAll(s, `\`, "/")
	if strings.HasSuffix(s, "/") {
		s += "*"
	}
	rs := []rune(s)
	var p globPattern
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			if len(p) == 0 || p[len(p)-1].kind != globStar {
				p = append(p, globToken{kind: globStar})
			}
		case '?':
			p = append(p, globToken{kind: globAny})
		case '[':
			tok, next, ok := globParseClass(rs, i)
			if !ok {
				p = append(p, globToken{kind: globLiteral, r: '['})
				continue
			}
			p = append(p, tok)
			i = next
		default:
			p = append(p, globToken{kind: globLiteral, r: c})
		}
	}
	return p
}

// globParseClass parses the class starting at rs[i] == '[' the way Python's
// fnmatch.translate does: a leading "!" negates, a "]" right after "[" or
// "[!" is a literal, and a "[" without a closing "]" is a literal "[".
// It returns the token and the index of the closing "]".
func globParseClass(rs []rune, i int) (globToken, int, bool) {
	j := i + 1
	if j < len(rs) && rs[j] == '!' {
		j++
	}
	if j < len(rs) && rs[j] == ']' {
		j++
	}
	for j < len(rs) && rs[j] != ']' {
		j++
	}
	if j >= len(rs) {
		return globToken{}, 0, false
	}
	body := rs[i+1 : j]
	tok := globToken{kind: globClass}
	if len(body) > 0 && body[0] == '!' {
		tok.negate = true
		body = body[1:]
	}
	for k := 0; k < len(body); k++ {
		lo := body[k]
		if k+2 < len(body) && body[k+1] == '-' {
			hi := body[k+2]
			if lo <= hi { // Python drops empty ranges like z-a
				tok.ranges = append(tok.ranges, globRange{lo, hi})
			}
			k += 2
			continue
		}
		tok.ranges = append(tok.ranges, globRange{lo, lo})
	}
	return tok, j, true
}

func (t globToken) matchRune(r rune) bool {
	switch t.kind {
	case globLiteral:
		return r == t.r
	case globAny:
		return true
	case globClass:
		in := false
		for _, rg := range t.ranges {
			if rg.lo <= r && r <= rg.hi {
				in = true
				break
			}
		}
		return in != t.negate
	}
	return false
}

// match is iterative glob matching with single-star backtracking (linear
// in practice, no exponential blow-up).
func (p globPattern) match(s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		r, size := utf8.DecodeRuneInString(s[si:])
		if pi < len(p) {
			if p[pi].kind == globStar {
				starP, starS = pi, si
				pi++
				continue
			}
			if p[pi].matchRune(r) {
				pi++
				si += size
				continue
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last star absorb one more rune and retry.
		_, sz := utf8.DecodeRuneInString(s[starS:])
		starS += sz
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi].kind == globStar {
		pi++
	}
	return pi == len(p)
}

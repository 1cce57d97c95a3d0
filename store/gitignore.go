package store

import (
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Gitignore is a parsed .gitignore file (the repository root's, as the Hub
// reads it to answer preupload's shouldIgnore). The zero value ignores
// nothing.
type Gitignore struct {
	rules []ignoreRule
}

type ignoreRule struct {
	glob    string // doublestar pattern, matched against a whole path
	negate  bool   // "!pattern": re-include
	dirOnly bool   // "pattern/": only directories
}

// ParseGitignore reads .gitignore content with git's rules: blank lines and
// lines starting with '#' are skipped; trailing spaces are dropped unless
// escaped with '\'; '!' negates a pattern; a trailing '/' matches only
// folders; a pattern with a '/' at its start or middle is anchored at the
// root, one without matches at any depth; '*' and '?' never match '/';
// "**/" leading, "/**" trailing and "/**/" inside match any number of
// folders; "\#", "\!" and "\ " escape. Malformed patterns match nothing.
func ParseGitignore(content []byte) Gitignore {
	var g Gitignore
	for _, line := range strings.Split(string(content), "\n") {
		line = strings.TrimSuffix(line, "\r")
		line = trimUnescapedSpaces(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var r ignoreRule
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, line[1:]
		}
		if strings.HasSuffix(line, "/") && !strings.HasSuffix(line, `\/`) {
			r.dirOnly, line = true, strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		anchored := strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		if line == "" {
			continue
		}
		// Braces are literal in .gitignore but alternatives for doublestar.
		line = strings.NewReplacer("{", `\{`, "}", `\}`).Replace(line)
		// "x/**" matches what is inside x, not x itself.
		if strings.HasSuffix(line, "/**") {
			line += "/*"
		}
		if !anchored {
			line = "**/" + line
		}
		if !doublestar.ValidatePattern(line) {
			continue
		}
		r.glob = line
		g.rules = append(g.rules, r)
	}
	return g
}

// trimUnescapedSpaces drops trailing spaces not preceded by a backslash.
func trimUnescapedSpaces(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	return s
}

// Empty reports whether the file has no pattern.
func (g Gitignore) Empty() bool { return len(g.rules) == 0 }

// Ignored reports whether the file at p (slash-separated, relative to the
// repository root) is ignored. As in git, a file inside an ignored folder
// is ignored whatever later patterns say about the file itself.
func (g Gitignore) Ignored(p string) bool {
	if len(g.rules) == 0 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && g.match(p[:i], true) {
			return true
		}
	}
	return g.match(p, false)
}

// match applies the rules to one path; the last matching rule decides.
func (g Gitignore) match(p string, dir bool) bool {
	ignored := false
	for _, r := range g.rules {
		if r.dirOnly && !dir {
			continue
		}
		if ok, _ := doublestar.Match(r.glob, p); ok { // patterns were validated
			ignored = !r.negate
		}
	}
	return ignored
}

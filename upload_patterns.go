package hfhub

import (
	"regexp"
	"strings"
	"sync"
)

// DefaultIgnorePatterns are never uploaded by [Client.UploadFolder] and
// [Client.UploadLargeFolder]: git metadata and the local upload state.
var DefaultIgnorePatterns = []string{
	".git", ".git/*", "*/.git", "**/.git/**",
	".cache/huggingface", ".cache/huggingface/*", "*/.cache/huggingface", "**/.cache/huggingface/**",
}

// patternCache memoises compiled patterns; patterns are few and reused
// for every file of a folder.
var patternCache sync.Map // string -> *regexp.Regexp

// matchPattern reports whether name matches a glob pattern with Python
// fnmatch semantics, as huggingface_hub's filter_repo_objects uses: "*"
// matches any run of characters including "/", "?" one character, "[seq]"
// and "[!seq]" a character class. A pattern ending in "/" matches
// everything below that folder.
func matchPattern(pattern, name string) bool {
	if strings.HasSuffix(pattern, "/") {
		pattern += "*"
	}
	re, ok := patternCache.Load(pattern)
	if !ok {
		re, _ = patternCache.LoadOrStore(pattern, regexp.MustCompile(fnmatchRegexp(pattern)))
	}
	return re.(*regexp.Regexp).MatchString(name)
}

// fnmatchRegexp translates an fnmatch pattern to an anchored regexp that
// always compiles.
func fnmatchRegexp(p string) string {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i + 1
			if j < len(p) && p[j] == '!' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				j++
			}
			if j >= len(p) { // no closing bracket: a literal "["
				b.WriteString(`\[`)
				continue
			}
			class := p[i+1 : j]
			neg := strings.HasPrefix(class, "!")
			if neg {
				class = class[1:]
			}
			b.WriteByte('[')
			if neg {
				b.WriteByte('^')
			}
			for _, r := range class {
				if r == '\\' || r == '[' || r == ']' || r == '^' {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			}
			b.WriteByte(']')
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	return b.String()
}

// filterPaths keeps the paths matching at least one allow pattern (all when
// allow is empty) and no ignore pattern.
func filterPaths(paths, allow, ignore []string) []string {
	var out []string
	for _, p := range paths {
		if keepPath(p, allow, ignore) {
			out = append(out, p)
		}
	}
	return out
}

func keepPath(p string, allow, ignore []string) bool {
	if len(allow) > 0 && !matchAny(allow, p) {
		return false
	}
	return !matchAny(ignore, p)
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if matchPattern(pat, p) {
			return true
		}
	}
	return false
}

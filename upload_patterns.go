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

// uploadPatternCache memoises compiled patterns; patterns are few and reused
// for every file of a folder.
var uploadPatternCache sync.Map // string -> *regexp.Regexp

// matchPattern reports whether name matches a glob pattern with Python
// fnmatch semantics, as huggingface_hub's filter_repo_objects uses: "*"
// matches any run of characters including "/", "?" one character, "[seq]"
// and "[!seq]" a character class. A pattern ending in "/" matches
// everything below that folder.
func uploadMatch(pattern, name string) bool {
	if strings.HasSuffix(pattern, "/") {
		pattern += "*"
	}
	re, ok := uploadPatternCache.Load(pattern)
	if !ok {
		re, _ = uploadPatternCache.LoadOrStore(pattern, regexp.MustCompile(fnmatchRegexp(pattern)))
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

func uploadKeep(p string, allow, ignore []string) bool {
	if len(allow) > 0 && !uploadMatchAny(allow, p) {
		return false
	}
	return !uploadMatchAny(ignore, p)
}

func uploadMatchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if uploadMatch(pat, p) {
			return true
		}
	}
	return false
}

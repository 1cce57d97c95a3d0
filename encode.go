package hfhub

import "strings"

const upperHex = "0123456789ABCDEF"

// quote percent-encodes s exactly like Python's urllib.parse.quote(s, safe):
// the unreserved characters A-Z a-z 0-9 _ . - ~ and the bytes listed in safe
// are kept, every other byte of the UTF-8 encoding becomes %XX (upper-case
// hex). Revisions use safe "" (so "refs/pr/1" becomes "refs%2Fpr%2F1"),
// filenames in /resolve/ use safe "/" (spec §1.2). Go's url.PathEscape keeps
// "$&+:=@" and is therefore not equivalent.
func quote(s, safe string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keepByte(s[i], safe) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keepByte(c, safe) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

func keepByte(c byte, safe string) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '_' || c == '.' || c == '-' || c == '~':
		return true
	}
	return c < 0x80 && strings.IndexByte(safe, c) >= 0
}

// QuoteRevision encodes a revision for a URL path segment (spec §1.2):
// every "/" becomes %2F, so "refs/pr/1" is sent as "refs%2Fpr%2F1".
func QuoteRevision(rev string) string { return quote(rev, "") }

// QuotePath encodes a file path inside a repo for /resolve/ URLs: slashes are
// kept, everything outside Python's unreserved set is percent-encoded.
func QuotePath(path string) string { return quote(path, "/") }

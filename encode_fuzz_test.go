package hfhub

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzQuotePathRevision checks the URL encodings of repo paths and
// revisions: they round-trip through percent-decoding, QuotePath keeps
// exactly the path's slashes, QuoteRevision leaves no "/" (so "refs/pr/1"
// stays one segment), and only unreserved characters stay unescaped.
func FuzzQuotePathRevision(f *testing.F) {
	for _, s := range []string{"refs/pr/1", "dir/file name.txt", "é/ü~_.-", "100%", "a?b#c", "..", "%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, r := QuotePath(s), QuoteRevision(s)
		for _, enc := range []string{p, r} {
			dec, err := url.PathUnescape(enc)
			if err != nil || dec != s {
				t.Fatalf("%q encodes to %q, which decodes to %q (%v)", s, enc, dec, err)
			}
			for i := 0; i < len(enc); i++ {
				c := enc[i]
				ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~%/", c) >= 0
				if !ok {
					t.Fatalf("%q encodes to %q, which keeps %q unescaped", s, enc, c)
				}
			}
		}
		if strings.Contains(r, "/") {
			t.Fatalf("QuoteRevision(%q) = %q keeps a slash", s, r)
		}
		if strings.Count(p, "/") != strings.Count(s, "/") {
			t.Fatalf("QuotePath(%q) = %q changes the number of segments", s, p)
		}
	})
}

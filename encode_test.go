package hfhub

import (
	"net/url"
	"testing"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, safe, want string }{
		{"refs/pr/1", "", "refs%2Fpr%2F1"},
		{"refs/convert/parquet", "", "refs%2Fconvert%2Fparquet"},
		{"main", "", "main"},
		{"dir/file name.txt", "/", "dir/file%20name.txt"},
		{"a+b#c?d&e=f:g@h$i,j;k", "/", "a%2Bb%23c%3Fd%26e%3Df%3Ag%40h%24i%2Cj%3Bk"},
		{"é/ü~_.-", "/", "%C3%A9/%C3%BC~_.-"},
		{"100%", "", "100%25"},
	}
	for _, tt := range tests {
		if got := quote(tt.in, tt.safe); got != tt.want {
			t.Errorf("quote(%q, %q) = %q, want %q", tt.in, tt.safe, got, tt.want)
		}
	}
}

func TestEncodeQuery(t *testing.T) {
	q := url.Values{"search": {"gpt 2"}, "expand": {"a", "b"}, "full": {"true"}}
	if got, want := encodeQuery(q), "expand=a&expand=b&full=true&search=gpt%202"; got != want {
		t.Errorf("encodeQuery = %q, want %q", got, want)
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"refs/pr/1", "a b", "é", "%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, safe := range []string{"", "/"} {
			got, err := url.PathUnescape(quote(s, safe))
			if err != nil || got != s {
				t.Fatalf("quote(%q, %q) does not round-trip: %q, %v", s, safe, got, err)
			}
		}
	})
}

package hfhub

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzNextLink builds Link headers from a fuzzed URL, a fuzzed prefix of
// other links and fuzzed extra parameters: the rel="next" URL must come
// back exactly whenever the header is well formed, and nothing may panic
// or loop on arbitrary input.
func FuzzNextLink(f *testing.F) {
	f.Add("https://huggingface.co/api/models?cursor=abc&limit=5", `<https://x/prev>; rel="prev"`, `title="a, b; c"`)
	f.Add("/api/x?p=1", "", "")
	f.Add("https://x/n?a=1,2;b", `garbage`, `foo=bar`)
	f.Fuzz(func(t *testing.T, u, prefix, param string) {
		h := http.Header{}
		h.Set("Link", prefix+", <"+u+`>; `+param+`; rel="next"`)
		got := nextLink(h) // arbitrary input: must not panic
		wellFormed := !strings.ContainsAny(u, "<>\"\r\n") && strings.TrimSpace(u) == u && u != "" &&
			!strings.ContainsAny(prefix, "<>\"\r\n") && !strings.ContainsAny(param, "<>\",;=\r\n")
		if wellFormed && got != u {
			t.Fatalf("nextLink(%q) = %q, want %q", h.Get("Link"), got, u)
		}
		_ = splitLinks(prefix + u + param)
	})
}

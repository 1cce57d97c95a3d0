package hfhub

import (
	"net/http"
	"testing"
)

func TestNextLink(t *testing.T) {
	tests := []struct{ header, want string }{
		{`<https://huggingface.co/api/models?cursor=abc&limit=5>; rel="next"`, "https://huggingface.co/api/models?cursor=abc&limit=5"},
		{`</api/spaces/a/b/commits/main?p=1&limit=50>; rel="next"`, "/api/spaces/a/b/commits/main?p=1&limit=50"},
		{`<https://x/prev>; rel="prev", <https://x/next?a=1,2>; rel=next`, "https://x/next?a=1,2"},
		{`<https://x/a>; title="a, b; c"; rel="last next"`, "https://x/a"},
		{`<https://x/a>; rel="prev"`, ""},
		{``, ""},
		{`garbage, <https://x/n>; rel="next"`, "https://x/n"},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Link", tt.header)
		}
		if got := nextLink(h); got != tt.want {
			t.Errorf("nextLink(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
	h := http.Header{"Link": {`</api/models/a/xet-read-token/c>; rel="xet-auth", <https://cas/v1/reconstructions/h>; rel="xet-reconstruction-info"`}}
	if got := LinkURL(h, "xet-reconstruction-info"); got != "https://cas/v1/reconstructions/h" {
		t.Errorf("LinkURL = %q", got)
	}
}

func FuzzSplitLinks(f *testing.F) {
	f.Add(`<https://x/a>; rel="next", <b>; rel=prev`)
	f.Add(`<a`)
	f.Add(`<a>; rel="x`)
	f.Fuzz(func(t *testing.T, s string) {
		_ = splitLinks(s) // must not panic or loop forever
	})
}

package hfhub

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// paginate yields the items of a paginated JSON-array listing, fetching
// the first page from u (with query q) and then each Link rel="next" URL
// as the loop advances. It stops after limit items when limit > 0. All
// state lives inside the returned function, so ranging twice starts over;
// each page's body is closed before its items are yielded, and an error is
// yielded once, ending the sequence.
func paginate[T any](ctx context.Context, c *Client, u string, q url.Values, limit int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		seen := 0
		next := withQuery(u, q)
		fetched := map[string]bool{}
		for next != "" {
			if fetched[next] {
				var zero T
				yield(zero, fmt.Errorf("%w: GET %s: the Link header points back to a page already fetched (endless pagination); the server is not Hub-compatible", ErrServer, sanitizeURL(next)))
				return
			}
			fetched[next] = true
			var page []T
			req, err := c.newRequest(ctx, http.MethodGet, next, nil)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			h, err := c.doJSON(req, &page, nil)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page {
				if !yield(item, nil) {
					return
				}
				if seen++; limit > 0 && seen >= limit {
					return
				}
			}
			next = ""
			if link := nextLink(h); link != "" {
				if nu, err := req.URL.Parse(link); err == nil { // relative links resolve against this page
					next = nu.String()
				}
			}
		}
	}
}

// fail returns a sequence that yields err once.
func fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// Collect gathers a sequence into a slice, stopping at the first error
// (returned with the items gathered so far).
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// nextLink returns the URL of the rel="next" link of a Link header, or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, l := range splitLinks(v) {
			if l.rel("next") {
				return l.url
			}
		}
	}
	return ""
}

// parsedLink is one entry of a Link header.
type parsedLink struct {
	url    string
	params map[string]string
}

func (l parsedLink) rel(name string) bool {
	for _, r := range strings.Fields(l.params["rel"]) {
		if strings.EqualFold(r, name) {
			return true
		}
	}
	return false
}

// splitLinks parses a Link header value: `<url>; rel="next", <url2>; rel=x`.
// Commas inside <...> or quotes do not split.
func splitLinks(v string) []parsedLink {
	var out []parsedLink
	for len(v) > 0 {
		v = strings.TrimLeft(v, " \t,")
		if !strings.HasPrefix(v, "<") {
			// skip garbage up to the next comma
			if i := strings.IndexByte(v, ','); i >= 0 {
				v = v[i+1:]
				continue
			}
			break
		}
		end := strings.IndexByte(v, '>')
		if end < 0 {
			break
		}
		l := parsedLink{url: strings.TrimSpace(v[1:end]), params: map[string]string{}}
		v = v[end+1:]
		// parameters until a comma outside quotes
		for {
			v = strings.TrimLeft(v, " \t")
			if !strings.HasPrefix(v, ";") {
				break
			}
			v = strings.TrimLeft(v[1:], " \t")
			i := 0
			for i < len(v) && v[i] != '=' && v[i] != ';' && v[i] != ',' {
				i++
			}
			key := strings.ToLower(strings.TrimSpace(v[:i]))
			v = v[i:]
			val := ""
			if strings.HasPrefix(v, "=") {
				v = strings.TrimLeft(v[1:], " \t")
				if strings.HasPrefix(v, `"`) {
					j := strings.IndexByte(v[1:], '"')
					if j < 0 {
						val, v = v[1:], ""
					} else {
						val, v = v[1:1+j], v[2+j:]
					}
				} else {
					j := 0
					for j < len(v) && v[j] != ';' && v[j] != ',' {
						j++
					}
					val, v = strings.TrimSpace(v[:j]), v[j:]
				}
			}
			if key != "" {
				l.params[key] = val
			}
		}
		out = append(out, l)
	}
	return out
}

// LinkURL returns the URL of the first link with relation rel in the Link
// headers of h ("" when absent), e.g. "next" or "xet-auth".
func LinkURL(h http.Header, rel string) string {
	for _, v := range h.Values("Link") {
		for _, l := range splitLinks(v) {
			if l.rel(rel) {
				return l.url
			}
		}
	}
	return ""
}

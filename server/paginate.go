package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
)

type page struct{ start, end int }

// paginate picks the page of total items a request asks for: page size from
// `limit` (at most max, and at most WithPageSize), position from the opaque
// `cursor`. It returns the absolute URL of the next page, or "".
func (s *Server) paginate(r *http.Request, total, max int) (page, string) {
	q := r.URL.Query()
	size := max
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n < size {
		size = n
	}
	if s.pageSize > 0 && s.pageSize < size {
		size = s.pageSize
	}
	start := 0
	if c := q.Get("cursor"); c != "" {
		if raw, err := base64.RawURLEncoding.DecodeString(c); err == nil {
			if n, err := strconv.Atoi(string(raw)); err == nil && n >= 0 {
				start = n
			}
		}
	}
	start = min(start, total)
	end := min(start+size, total)
	if end >= total {
		return page{start, end}, ""
	}
	q.Set("cursor", base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))))
	return page{start, end}, s.baseFor(r) + r.URL.EscapedPath() + "?" + q.Encode()
}

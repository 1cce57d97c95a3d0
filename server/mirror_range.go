package server

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// parseRange reads a single-range Range header against size. ok=false
// means unsatisfiable; partial=false means serve everything (no header,
// several ranges, or a malformed one, which RFC 9110 lets us ignore).
func parseRange(h string, size int64) (off, n int64, partial, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size, false, true
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, size, false, true
	}
	if a == "" { // suffix: the last b bytes
		k, err := strconv.ParseInt(b, 10, 64)
		if err != nil || k < 0 {
			return 0, size, false, true
		}
		if k == 0 || size == 0 {
			return 0, 0, false, false
		}
		k = min(k, size)
		return size - k, k, true, true
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start < 0 {
		return 0, size, false, true
	}
	if start >= size {
		return 0, 0, false, false
	}
	end := size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < start {
			return 0, size, false, true
		}
		end = min(e, size-1)
	}
	return start, end - start + 1, true, true
}

// serveRange answers GET with the bytes of a size-byte object read
// through open, honouring one Range (206), If-Range and unsatisfiable
// ranges (416). When the body cannot be completed the connection is cut,
// so the client never mistakes a partial body for a whole one.
func serveRange(w http.ResponseWriter, r *http.Request, etag string, size int64, open func(off, n int64) (io.ReadCloser, error)) (int64, error) {
	h := w.Header()
	rh := r.Header.Get("Range")
	if ir := r.Header.Get("If-Range"); ir != "" && strings.Trim(strings.TrimPrefix(ir, "W/"), `"`) != etag {
		rh = ""
	}
	off, n, partial, ok := parseRange(rh, size)
	if !ok {
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		writeText(w, r, http.StatusRequestedRangeNotSatisfiable, "", "", "Range Not Satisfiable")
		return 0, nil
	}
	rc, err := open(off, n)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", "cannot read stored content: "+err.Error())
		return 0, err
	}
	defer rc.Close()
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", "bytes "+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+n-1, 10)+"/"+strconv.FormatInt(size, 10))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return 0, nil
	}
	copied, err := io.Copy(w, rc)
	if err == nil && copied < n {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		panic(http.ErrAbortHandler) // cut the connection: the body is incomplete
	}
	return copied, nil
}

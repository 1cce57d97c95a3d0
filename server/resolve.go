package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

// contentPrefix is the path under which LFS content is served.
const contentPrefix = "/lfs-content/"

// contentURLLifetime is how long a signed LFS content URL stays valid.
const contentURLLifetime = 24 * time.Hour

// splitRev takes the revision off raw path segments: one segment, decoded
// (so "refs%2Fpr%2F1" works), or the three raw segments "refs/pr/1",
// "refs/convert/x", "refs/heads/x", "refs/tags/x" some clients send.
func splitRev(segs []string) (rev string, rest []string, ok bool) {
	if len(segs) == 0 {
		return "", nil, false
	}
	first, err := url.PathUnescape(segs[0])
	if err != nil {
		return "", nil, false
	}
	if first == "refs" && len(segs) >= 3 {
		switch segs[1] {
		case "pr", "convert", "heads", "tags":
			name, err := url.PathUnescape(segs[2])
			if err != nil {
				return "", nil, false
			}
			return "refs/" + segs[1] + "/" + name, segs[3:], true
		}
	}
	return first, segs[1:], true
}

// joinPath decodes raw segments into a repo path.
func joinPath(segs []string) (string, bool) {
	p, err := url.PathUnescape(strings.Join(segs, "/"))
	return p, err == nil
}

// resolveRev finds the commit of rev or answers RevisionNotFound.
func (s *Server) resolveRev(w http.ResponseWriter, r *http.Request, req *repoRequest, rev string) (*store.Commit, bool) {
	c, err := s.src.Resolve(req.Type, req.ID, rev)
	if err != nil {
		if errors.Is(err, store.ErrRepoNotFound) {
			repoNotFound(w, r, req.User)
			return nil, false
		}
		writeError(w, r, http.StatusNotFound, codeRevisionNotFound, "Invalid rev id: "+rev)
		return nil, false
	}
	return c, true
}

// fileRequest parses {rev}/{path} of /resolve/ and /raw/ and finds the file.
func (s *Server) fileRequest(w http.ResponseWriter, r *http.Request, req *repoRequest) (*store.Commit, *store.File, bool) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) || !s.checkGated(w, r, req) {
		return nil, nil, false
	}
	rev, rest, ok := splitRev(req.Rest)
	p, pok := joinPath(rest)
	if !ok || !pok || len(rest) == 0 {
		writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found", "Entry not found")
		return nil, nil, false
	}
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return nil, nil, false
	}
	w.Header().Set("X-Repo-Commit", c.ID)
	f, ok := c.File(p)
	if !ok {
		writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found", "Entry not found")
		return nil, nil, false
	}
	return c, f, true
}

// handleResolve serves /{repo}/resolve/{rev}/{path}: regular files inline
// (or, with WithResolveCache, as a 307 to /api/resolve-cache/), LFS files
// as a 302 to the signed content URL.
func (s *Server) handleResolve(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	c, f, ok := s.fileRequest(w, r, req)
	if !ok {
		return
	}
	switch {
	case f.LFS:
		if s.xetResolve(w, r, req, c, f) {
			return
		}
		s.redirectToContent(w, r, f)
	case s.resolveCache:
		s.redirectToResolveCache(w, r, req, c, f)
	default:
		s.serveBlob(w, r, f.SHA256, f.BlobID, path.Base(f.Path))
	}
}

// redirectToContent answers an LFS file with a 302 to its signed content
// URL, carrying X-Linked-Etag and X-Linked-Size like the Hub.
func (s *Server) redirectToContent(w http.ResponseWriter, r *http.Request, f *store.File) {
	loc := s.contentLocation(r, f.SHA256, path.Base(f.Path))
	h := w.Header()
	h.Set("Location", loc)
	h.Set("X-Linked-Etag", `"`+f.SHA256+`"`)
	h.Set("X-Linked-Size", strconv.FormatInt(f.Size, 10))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Cache-Control", "no-store")
	writeText(w, r, http.StatusFound, "", "", "Found. Redirecting to "+loc)
}

// handleRaw serves /{repo}/raw/{rev}/{path}: the git-stored bytes, so the
// pointer file for LFS files.
func (s *Server) handleRaw(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	_, f, ok := s.fileRequest(w, r, req)
	if !ok {
		return
	}
	if !f.LFS {
		s.serveBlob(w, r, f.SHA256, f.BlobID, path.Base(f.Path))
		return
	}
	h := w.Header()
	h.Set("ETag", `"`+f.BlobID+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Pointer()))
}

// serveBlob answers with stored content, honouring a single Range (206) and
// refusing unsatisfiable ones (416 with Content-Range: bytes */size).
func (s *Server) serveBlob(w http.ResponseWriter, r *http.Request, sha, etag, name string) {
	fh, err := s.src.OpenBlob(sha)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", "stored content "+sha+" is missing: "+err.Error())
		return
	}
	defer fh.Close()
	h := w.Header()
	h.Set("ETag", `"`+etag+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Disposition", contentDisposition(name))
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	http.ServeContent(w, r, "", time.Time{}, fh)
}

func contentDisposition(name string) string {
	return `inline; filename*=UTF-8''` + url.PathEscape(name) + `; filename="` + strings.NewReplacer(`"`, "", "\\", "").Replace(name) + `";`
}

// contentLocation returns the absolute signed URL of LFS content.
func (s *Server) contentLocation(r *http.Request, sha, name string) string {
	base := s.contentURL
	if base == "" {
		base = s.baseFor(r)
	}
	exp := strconv.FormatInt(time.Now().Add(contentURLLifetime).Unix(), 10)
	return base + contentPrefix + sha + "/" + url.PathEscape(name) + "?exp=" + exp + "&sig=" + s.sign(sha, exp)
}

func (s *Server) sign(sha, exp string) string {
	m := hmac.New(sha256.New, s.secret)
	io.WriteString(m, sha+"\n"+exp)
	return hex.EncodeToString(m.Sum(nil))
}

// serveContent serves /lfs-content/{sha256}/{name}?exp=..&sig=.. without
// authentication: the signature is the credential, as on a CDN.
func (s *Server) serveContent(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, contentPrefix)
	sha, name, _ := strings.Cut(rest, "/")
	q := r.URL.Query()
	exp, sig := q.Get("exp"), q.Get("sig")
	expUnix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || subtle.ConstantTimeCompare([]byte(sig), []byte(s.sign(sha, exp))) != 1 {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: invalid or missing signature; request the file through /resolve/ again")
		return
	}
	if time.Now().Unix() > expUnix {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: this download URL has expired; request the file through /resolve/ again")
		return
	}
	fh, err := s.src.OpenBlob(sha)
	if err != nil {
		writeText(w, r, http.StatusNotFound, "", "", "Not Found")
		return
	}
	defer fh.Close()
	if name == "" {
		name = sha
	}
	h := w.Header()
	h.Set("ETag", `"`+sha+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", "application/octet-stream")
	if q.Get("noContentDisposition") == "" {
		h.Set("Content-Disposition", contentDisposition(name))
	}
	http.ServeContent(w, r, "", time.Time{}, fh)
}

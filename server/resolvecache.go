package server

import (
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// resolveCachePrefix is where the Hub serves regular files it redirects to
// from /resolve/ (spec §2.7.1).
const resolveCachePrefix = "/api/resolve-cache/"

// WithResolveCache makes /resolve/ answer regular (git) files the way the
// Hub has since 2026: a 307 to a relative
// /api/resolve-cache/{type}s/{id}/{commit}/{path}?{original path}=&etag="…"
// URL, with X-Linked-Etag and X-Repo-Commit, instead of a 200 with the
// content. Clients must follow the relative redirect (keeping their token)
// and read ETag and size from the resolve-cache answer. Off by default;
// the resolve-cache endpoint itself is always served.
func WithResolveCache(on bool) Option {
	return func(s *Server) { s.resolveCache = on }
}

// redirectToResolveCache answers a /resolve/ request for regular file f of
// commit c with the Hub's 307 to /api/resolve-cache/.
func (s *Server) redirectToResolveCache(w http.ResponseWriter, r *http.Request, req *repoRequest, c *store.Commit, f *store.File) {
	segs := strings.Split(f.Path, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	loc := resolveCachePrefix + req.Type.Plural() + "/" + req.ID + "/" + c.ID + "/" + strings.Join(segs, "/") +
		"?" + url.QueryEscape(r.URL.EscapedPath()) + "=&etag=" + url.QueryEscape(`"`+f.BlobID+`"`)
	h := w.Header()
	h.Set("Location", loc)
	h.Set("X-Linked-Etag", `"`+f.BlobID+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Disposition", contentDisposition(path.Base(f.Path)))
	h.Set("Vary", "Origin, Accept")
	// No ETag: like the Hub, the redirect names the file's etag only in
	// X-Linked-Etag (a weak ETag of this body would mislead clients that
	// read the redirect itself).
	body := "Temporary Redirect. Redirecting to " + loc
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusTemporaryRedirect)
	if r.Method != http.MethodHead {
		io.WriteString(w, body)
	}
}

// handleResolveCache serves GET|HEAD /api/resolve-cache/{type}s/{id}/{rev}/{path}
// (the query is informational): the file like /resolve/ answers it,
// regular files inline, with the same access checks.
func (s *Server) handleResolveCache(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), resolveCachePrefix), "/")
	t, ok := typeFromPlural(segs[0])
	if !ok || len(segs) < 4 {
		writeError(w, r, http.StatusNotFound, "", "Not Found: use /api/resolve-cache/{type}s/{repo_id}/{commit}/{path}")
		return
	}
	segs = segs[1:]
	dec := func(s string) string {
		v, err := url.PathUnescape(s)
		if err != nil {
			return "\x00" // never a valid id
		}
		return v
	}
	// "ns/name/{rev}/{path...}" or a legacy "name/{rev}/{path...}".
	id, rest := dec(segs[0])+"/"+dec(segs[1]), segs[2:]
	if _, err := s.src.Repo(t, id); err != nil {
		if _, moved := s.src.Redirect(t, id); !moved {
			if _, err := s.src.Repo(t, dec(segs[0])); err == nil {
				id, rest = dec(segs[0]), segs[1:]
			}
		}
	}
	if len(rest) < 2 {
		writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found", "Entry not found")
		return
	}
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	req := &repoRequest{Type: t, ID: id, Rest: rest, User: user, prefix: []string{"api", "resolve-cache", t.Plural()}}
	if !s.checkRead(w, r, req) {
		return
	}
	_, f, ok := s.fileRequest(w, r, req)
	if !ok {
		return
	}
	if f.LFS {
		s.redirectToContent(w, r, f)
		return
	}
	s.serveBlob(w, r, f.SHA256, f.BlobID, path.Base(f.Path))
}

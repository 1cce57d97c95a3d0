package server

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// treeEntry is one entry of /tree and /paths-info answers.
type treeEntry struct {
	Type               string         `json:"type"`
	OID                string         `json:"oid"`
	Size               int64          `json:"size"`
	LFS                *lfsJSON       `json:"lfs,omitempty"`
	XetHash            string         `json:"xetHash,omitempty"`
	Path               string         `json:"path"`
	LastCommit         *lastCommit    `json:"lastCommit,omitempty"`
	SecurityFileStatus map[string]any `json:"securityFileStatus,omitempty"`
}

type lfsJSON struct {
	OID         string `json:"oid"`
	Size        int64  `json:"size"`
	PointerSize int    `json:"pointerSize"`
}

type lastCommit struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date"`
}

func (s *Server) fileEntry(f *store.File) treeEntry {
	e := treeEntry{Type: "file", OID: f.BlobID, Size: f.Size, Path: f.Path, XetHash: s.xetHashOf(f)}
	if f.LFS {
		e.LFS = &lfsJSON{OID: f.SHA256, Size: f.Size, PointerSize: f.PointerSize()}
	}
	return e
}

func dirEntry(c *store.Commit, p string) treeEntry {
	oid, _ := c.Dir(p)
	return treeEntry{Type: "directory", OID: oid, Size: 0, Path: p}
}

// securityStatus is what the Hub reports for a scanned, clean file; the
// Python client indexes avScan and pickleImportScan unconditionally.
func securityStatus() map[string]any {
	return map[string]any{
		"status":           "safe",
		"protectAiScan":    map[string]any{"status": "unscanned"},
		"avScan":           map[string]any{"status": "safe", "message": "No security issues detected"},
		"pickleImportScan": map[string]any{"status": "unscanned", "pickleImports": []any{}, "version": "0.0.0"},
		"virusTotalScan":   map[string]any{"status": "unscanned"},
		"jFrogScan":        map[string]any{"status": "unscanned", "message": "Not a machine-learning model"},
	}
}

// expand adds lastCommit (and securityFileStatus for files) to entries.
func (s *Server) expand(req *repoRequest, c *store.Commit, entries []treeEntry) error {
	last, err := s.src.LastCommits(req.Type, req.ID, c.ID)
	if err != nil {
		return err
	}
	for i := range entries {
		if lc := last[entries[i].Path]; lc != nil {
			entries[i].LastCommit = &lastCommit{ID: lc.ID, Title: lc.Title, Date: hubTime(lc.Date)}
		}
		if entries[i].Type == "file" {
			entries[i].SecurityFileStatus = securityStatus()
		}
	}
	return nil
}

// handleTree serves GET /api/{T}/{id}/tree/{rev}[/{path}]?recursive=&expand=.
func (s *Server) handleTree(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	rev, rest, ok := splitRev(req.Rest)
	if !ok {
		rev, rest = "", nil
	}
	dir, ok := joinPath(rest)
	if !ok {
		writeError(w, r, http.StatusBadRequest, "", "malformed path")
		return
	}
	dir = strings.Trim(dir, "/")
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	q := r.URL.Query()
	recursive, expandOn := queryBool(q.Get("recursive")), queryBool(q.Get("expand"))
	var dirs, files []treeEntry
	if f, isFile := c.File(dir); isFile && dir != "" {
		files = append(files, s.fileEntry(f))
	} else {
		if _, isDir := c.Dir(dir); !isDir {
			writeError(w, r, http.StatusNotFound, codeEntryNotFound, dir+` does not exist on "`+rev+`"`)
			return
		}
		prefix := ""
		if dir != "" {
			prefix = dir + "/"
		}
		inScope := func(p string) bool {
			if !strings.HasPrefix(p, prefix) {
				return false
			}
			return recursive || !strings.Contains(p[len(prefix):], "/")
		}
		for _, d := range c.Dirs() {
			if inScope(d) {
				dirs = append(dirs, dirEntry(c, d))
			}
		}
		for _, f := range c.Files() {
			if inScope(f.Path) {
				files = append(files, s.fileEntry(f))
			}
		}
	}
	all := append(dirs, files...)
	max := 1000
	if expandOn {
		max = 50
	}
	pg, next := s.paginate(r, len(all), max)
	all = all[pg.start:pg.end]
	if expandOn {
		if err := s.expand(req, c, all); err != nil {
			writeError(w, r, http.StatusInternalServerError, "", err.Error())
			return
		}
	}
	if next != "" {
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	writeJSON(w, r, all)
}

// handlePathsInfo serves POST /api/{T}/{id}/paths-info/{rev} with a form or
// JSON body {paths, expand}; unknown paths are left out.
func (s *Server) handlePathsInfo(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	rev, _, ok := splitRev(req.Rest)
	if !ok {
		rev = ""
	}
	var body struct {
		Paths  []string `json:"paths"`
		Expand any      `json:"expand"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<20)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeError(w, r, http.StatusBadRequest, "", "paths-info: invalid JSON body: "+err.Error())
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeError(w, r, http.StatusBadRequest, "", "paths-info: invalid form body: "+err.Error())
			return
		}
		body.Paths = append(r.PostForm["paths"], r.PostForm["paths[]"]...)
		body.Expand = r.PostForm.Get("expand")
	}
	if len(body.Paths) > 1000 {
		writeError(w, r, http.StatusRequestEntityTooLarge, "", "too many parameters: at most 1000 paths per request")
		return
	}
	expandOn := false
	switch v := body.Expand.(type) {
	case bool:
		expandOn = v
	case string:
		expandOn = queryBool(v)
	}
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	out := []treeEntry{}
	seen := map[string]bool{}
	for _, p := range body.Paths {
		p = strings.Trim(p, "/")
		if seen[p] {
			continue
		}
		seen[p] = true
		if f, ok := c.File(p); ok {
			out = append(out, s.fileEntry(f))
		} else if _, ok := c.Dir(p); ok && p != "" {
			out = append(out, dirEntry(c, p))
		}
	}
	if expandOn {
		if err := s.expand(req, c, out); err != nil {
			writeError(w, r, http.StatusInternalServerError, "", err.Error())
			return
		}
	}
	writeJSON(w, r, out)
}

// handleTreeSize serves GET /api/{T}/{id}/treesize/{rev}[/{path}].
func (s *Server) handleTreeSize(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	rev, rest, ok := splitRev(req.Rest)
	if !ok {
		rev = ""
	}
	dir, _ := joinPath(rest)
	dir = strings.Trim(dir, "/")
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	if _, isDir := c.Dir(dir); !isDir {
		writeError(w, r, http.StatusNotFound, codeEntryNotFound, dir+` does not exist on "`+rev+`"`)
		return
	}
	var size int64
	for _, f := range c.Files() {
		if dir == "" || strings.HasPrefix(f.Path, dir+"/") {
			size += f.Size
		}
	}
	writeJSON(w, r, map[string]any{"path": "/" + dir, "size": size})
}

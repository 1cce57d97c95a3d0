package server

import (
	"bytes"
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// handlePreupload serves POST /api/{T}/{id}/preupload/{rev}: for each file
// (path, base64 sample, size) it answers "lfs" or "regular", and the
// current oid when the path exists at rev (so clients skip unchanged files).
// A file goes through LFS when it is at least store.LFSThreshold bytes,
// matches an LFS rule of .gitattributes at rev, or its sample holds a NUL
// byte (binary content). shouldIgnore is true for paths the root
// .gitignore ignores: the "gitIgnore" content sent with the request when
// the commit adds a .gitignore (as the Python client does), else the
// .gitignore at rev.
func (s *Server) handlePreupload(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	rev, _, ok := splitRev(req.Rest)
	if !ok {
		rev = store.DefaultBranch
	}
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	var body struct {
		Files []struct {
			Path   string `json:"path"`
			Sample []byte `json:"sample"`
			Size   int64  `json:"size"`
		} `json:"files"`
		GitIgnore *string `json:"gitIgnore"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	attrs := store.ParseGitattributes(s.readSmallFile(c, ".gitattributes", 1<<20))
	var ignore store.Gitignore
	if body.GitIgnore != nil {
		ignore = store.ParseGitignore([]byte(*body.GitIgnore))
	} else {
		ignore = store.ParseGitignore(s.readSmallFile(c, ".gitignore", 1<<20))
	}
	type answer struct {
		Path         string `json:"path"`
		UploadMode   string `json:"uploadMode"`
		ShouldIgnore bool   `json:"shouldIgnore"`
		OID          string `json:"oid,omitempty"`
	}
	out := make([]answer, 0, len(body.Files))
	for _, f := range body.Files {
		if err := store.ValidatePath(f.Path); err != nil {
			writeError(w, r, http.StatusBadRequest, "", err.Error())
			return
		}
		a := answer{Path: f.Path, UploadMode: "regular", ShouldIgnore: ignore.Ignored(f.Path)}
		if f.Size >= store.LFSThreshold || attrs.IsLFS(f.Path) || bytes.IndexByte(f.Sample, 0) >= 0 {
			a.UploadMode = "lfs"
		}
		if file, ok := c.File(f.Path); ok {
			a.OID = file.ETag()
		}
		out = append(out, a)
	}
	writeJSON(w, r, map[string]any{"files": out, "commitOid": c.ID})
}

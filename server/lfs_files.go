package server

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/hfhub-go/hfhub/store"
)

// handleLFSFiles serves GET /api/{T}/{id}/lfs-files: every LFS object any
// ref's history references, once, with the path and ref it was first
// committed at, oldest first: {"fileOid": sha256, "oid": sha256, "filename",
// "size", "pushedAt", "ref"}. Paginated.
func (s *Server) handleLFSFiles(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	if len(req.Rest) > 0 {
		writeError(w, r, http.StatusNotFound, "", "Not Found: only the listing of /lfs-files is served")
		return
	}
	refs, err := s.src.Refs(req.Type, req.ID)
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	var names []string
	for b := range refs.Branches {
		names = append(names, "refs/heads/"+b)
	}
	for tg := range refs.Tags {
		names = append(names, "refs/tags/"+tg)
	}
	for n := range refs.PullRequests {
		names = append(names, "refs/pr/"+strconv.Itoa(n))
	}
	for c := range refs.Converts {
		names = append(names, "refs/convert/"+c)
	}
	sort.Strings(names)
	type seen struct {
		f   *store.File
		c   *store.Commit
		ref string
	}
	first := map[string]seen{}
	for _, ref := range names {
		log, err := s.src.Log(req.Type, req.ID, ref)
		if err != nil {
			continue
		}
		for _, c := range log {
			for _, f := range c.Files() {
				if !f.LFS {
					continue
				}
				if old, ok := first[f.SHA256]; !ok || c.Seq < old.c.Seq {
					first[f.SHA256] = seen{f, c, ref}
				}
			}
		}
	}
	list := make([]seen, 0, len(first))
	for _, v := range first {
		list = append(list, v)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].c.Seq != list[j].c.Seq {
			return list[i].c.Seq < list[j].c.Seq
		}
		return list[i].f.Path < list[j].f.Path
	})
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, map[string]any{
			"fileOid": v.f.SHA256, "oid": v.f.SHA256, "filename": v.f.Path, "size": v.f.Size,
			"pushedAt": hubTime(v.c.Date), "ref": v.ref,
		})
	}
	s.writePage(w, r, out)
}

package server

import (
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// refName checks the method of /branch/{name} and /tag/{name} (POST or
// DELETE) and decodes the name (sent as one %2F-escaped segment, or as raw
// segments by some clients). It answers the request when it reports false.
func refName(w http.ResponseWriter, r *http.Request, req *repoRequest) (string, bool) {
	if !allowMethods(w, r, http.MethodPost, http.MethodDelete) {
		return "", false
	}
	name, ok := joinPath(req.Rest)
	if !ok || name == "" {
		writeError(w, r, http.StatusBadRequest, "", "Missing or malformed name in the URL")
		return "", false
	}
	return name, true
}

// handleBranch serves POST (create, body {"startingPoint"?}) and DELETE
// /api/{T}/{id}/branch/{name}.
func (s *Server) handleBranch(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	name, ok := refName(w, r, req)
	if !ok {
		return
	}
	if r.Method == http.MethodDelete {
		s.writeDone(w, r, req, s.store.DeleteBranch(r.Context(), req.Type, req.ID, name))
		return
	}
	var b struct {
		StartingPoint string `json:"startingPoint"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if err := store.ValidateRefName(name); err != nil {
		writeError(w, r, http.StatusBadRequest, "", "Invalid branch name "+name+": "+err.Error())
		return
	}
	s.writeDone(w, r, req, s.store.CreateBranch(r.Context(), req.Type, req.ID, name, b.StartingPoint))
}

// handleTag serves POST /api/{T}/{id}/tag/{rev} with {"tag","message"?}
// (create a tag at rev) and DELETE /api/{T}/{id}/tag/{tag}.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	name, ok := refName(w, r, req)
	if !ok {
		return
	}
	if r.Method == http.MethodDelete {
		s.writeDone(w, r, req, s.store.DeleteTag(r.Context(), req.Type, req.ID, name))
		return
	}
	var b struct {
		Tag     string `json:"tag"`
		Message string `json:"message"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if err := store.ValidateRefName(b.Tag); err != nil {
		writeError(w, r, http.StatusBadRequest, "", "Invalid tag name "+b.Tag+": "+err.Error())
		return
	}
	s.writeDone(w, r, req, s.store.CreateTag(r.Context(), req.Type, req.ID, b.Tag, name))
}

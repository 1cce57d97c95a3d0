package server

import (
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// refName decodes the ref name of /branch/{name} and /tag/{name} (sent as
// one %2F-escaped segment, or as raw segments by some clients).
func refName(w http.ResponseWriter, r *http.Request, req *repoRequest) (string, bool) {
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
	if !allowMethods(w, r, http.MethodPost, http.MethodDelete) {
		return
	}
	name, ok := refName(w, r, req)
	if !ok {
		return
	}
	var err error
	if r.Method == http.MethodDelete {
		err = s.store.DeleteBranch(r.Context(), req.Type, req.ID, name)
	} else {
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
		err = s.store.CreateBranch(r.Context(), req.Type, req.ID, name, b.StartingPoint)
	}
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	writeJSON(w, r, map[string]any{})
}

// handleTag serves POST /api/{T}/{id}/tag/{rev} with {"tag","message"?}
// (create a tag at rev) and DELETE /api/{T}/{id}/tag/{tag}.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost, http.MethodDelete) {
		return
	}
	name, ok := refName(w, r, req)
	if !ok {
		return
	}
	var err error
	if r.Method == http.MethodDelete {
		err = s.store.DeleteTag(r.Context(), req.Type, req.ID, name)
	} else {
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
		err = s.store.CreateTag(r.Context(), req.Type, req.ID, b.Tag, name)
	}
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	writeJSON(w, r, map[string]any{})
}

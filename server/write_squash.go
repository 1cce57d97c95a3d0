package server

import (
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// registerSquashRoutes adds POST /api/{T}/{id}/super-squash/{branch}.
func (s *Server) registerSquashRoutes() {
	s.handleRepoAPI("super-squash", accessWrite, s.handleSuperSquash)
}

// handleSuperSquash serves POST /api/{T}/{id}/super-squash/{branch} with an
// optional {"message"}: the branch's history becomes one commit with the
// same tree. It answers {"commitId": "<new head>"}.
func (s *Server) handleSuperSquash(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	branch := store.DefaultBranch
	if len(req.Rest) > 0 {
		name, ok := joinPath(req.Rest)
		if !ok || name == "" {
			writeError(w, r, http.StatusBadRequest, "", "Missing or malformed branch name in the URL")
			return
		}
		branch = name
	}
	var b struct {
		Message string `json:"message"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	sq := store.SquashRequest{Branch: branch, Title: b.Message}
	if req.User != nil {
		sq.Author = req.User.Name
	}
	c, err := s.store.SuperSquash(r.Context(), req.Type, req.ID, sq)
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	writeJSON(w, r, map[string]string{"commitId": c.ID})
}

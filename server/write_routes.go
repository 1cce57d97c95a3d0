package server

import (
	"net/http"
	"strings"
)

// registerWriteRoutes adds the write-side endpoints (repo management,
// preupload, LFS batch, commit) to the router. Every write needs a token
// with write access to the repo's namespace (or an admin token); anonymous
// callers get 401, read tokens 403.
func (s *Server) registerWriteRoutes() {
	s.mux.HandleFunc("POST /api/repos/create", s.handleCreateRepo)
	s.mux.HandleFunc("DELETE /api/repos/delete", s.handleDeleteRepo)
	s.mux.HandleFunc("POST /api/repos/move", s.handleMoveRepo)
	s.handleRepoAPI("settings", accessWrite, s.handleSettings)
	s.handleRepoAPI("branch", accessWrite, s.handleBranch)
	s.handleRepoAPI("tag", accessWrite, s.handleTag)
	s.handleRepoAPI("preupload", accessNone, s.contributorRoute(s.handlePreupload))
	s.handleRepoAPI("commit", accessNone, s.contributorRoute(s.handleCommit))
	s.handleRepoAPI("user-access-request", accessWrite, s.handleAccessRequest)
	s.handleRepoWeb(".git", accessNone, s.handleGit)
	s.mux.HandleFunc(uploadPrefix, s.handleUpload)
	s.registerCardRoutes()
	s.registerSquashRoutes()
	s.registerDiscussionRoutes()
	s.registerWebhookRoutes()
}

// handleGit serves /{prefix}{id}.git/info/lfs/objects/{batch,verify}.
func (s *Server) handleGit(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	switch strings.Join(req.Rest, "/") {
	case "info/lfs/objects/batch":
		if allowMethods(w, r, http.MethodPost) && s.checkCommitter(w, r, req, "", false) {
			s.handleBatch(w, r, req)
		}
	case "info/lfs/objects/verify":
		if allowMethods(w, r, http.MethodPost) && s.checkCommitter(w, r, req, "", false) {
			s.handleVerify(w, r, req)
		}
	default:
		writeError(w, r, http.StatusNotFound, "", "Not Found: this server speaks only the Git LFS batch API under .git/")
	}
}

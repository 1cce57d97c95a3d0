package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/webhook"
)

// repoBody is the JSON of POST /api/repos/create and DELETE /api/repos/delete.
type repoBody struct {
	Name          string  `json:"name"`
	Organization  *string `json:"organization"`
	Type          string  `json:"type"`
	Private       *bool   `json:"private"`    // 0.x clients
	Visibility    string  `json:"visibility"` // 1.x clients: private, public, protected
	SDK           string  `json:"sdk"`
	spaceSettings         // duplicate.go: a Space's hardware, secrets, ...
}

// target resolves the repo type and full id of a create or delete body; the
// namespace defaults to the caller's name.
func (b *repoBody) target(u *User) (store.RepoType, string, error) {
	t, err := store.ParseRepoType(b.Type)
	if err != nil {
		return "", "", err
	}
	name := b.Name
	ns := ""
	if b.Organization != nil {
		ns = *b.Organization
	}
	if i := strings.IndexByte(name, '/'); i >= 0 && ns == "" { // some clients send "ns/name" as name
		ns, name = name[:i], name[i+1:]
	}
	if ns == "" && u != nil {
		ns = u.Name
	}
	id := name
	if ns != "" {
		id = ns + "/" + name
	}
	if err := store.ValidateRepoID(id); err != nil {
		return "", "", err
	}
	return t, id, nil
}

// needUser answers 401 for anonymous callers of write endpoints.
func (s *Server) needUser(w http.ResponseWriter, r *http.Request) (*User, bool) {
	u, ok := s.authenticate(w, r)
	if !ok {
		return nil, false
	}
	if u == nil {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return nil, false
	}
	return u, true
}

// canWrite answers 403 unless u may write namespace ns.
func canWrite(w http.ResponseWriter, r *http.Request, u *User, t store.RepoType, id string) bool {
	ns, _, _ := strings.Cut(id, "/")
	if !strings.Contains(id, "/") {
		ns = ""
	}
	if u.CanWrite(ns) {
		return true
	}
	writeError(w, r, http.StatusForbidden, "", "You don't have the rights to write to "+string(t)+" "+id+": use a write token of the namespace owner or an admin token.")
	return false
}

func (s *Server) repoWebURL(r *http.Request, t store.RepoType, id string) string {
	return s.baseFor(r) + "/" + webPrefix(t) + id
}

// readRepoBody reads the body of a create or delete into b and returns the
// caller (who must be signed in) and the repo the body names. It answers
// the request when it reports false.
func (s *Server) readRepoBody(w http.ResponseWriter, r *http.Request, b *repoBody) (*User, store.RepoType, string, bool) {
	u, ok := s.needUser(w, r)
	if !ok || !readJSON(w, r, b) {
		return nil, "", "", false
	}
	t, id, err := b.target(u)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "", err.Error())
		return nil, "", "", false
	}
	return u, t, id, true
}

// handleCreateRepo serves POST /api/repos/create.
func (s *Server) handleCreateRepo(w http.ResponseWriter, r *http.Request) {
	var b repoBody
	u, t, id, ok := s.readRepoBody(w, r, &b)
	if !ok {
		return
	}
	if !canWrite(w, r, u, t, id) {
		return
	}
	if msg := b.check(); msg != "" && t == store.Space {
		writeError(w, r, http.StatusBadRequest, "", msg)
		return
	}
	private := b.Visibility == "private" || b.Visibility == "protected" || (b.Private != nil && *b.Private)
	info, err := s.store.CreateRepo(r.Context(), t, id, store.CreateOptions{Private: private})
	if err != nil {
		if isConflict(err) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusConflict)
			json.NewEncoder(w).Encode(map[string]string{"error": "You already created this " + string(t) + " repo", "url": s.repoWebURL(r, t, id)})
			return
		}
		s.writeStoreError(w, r, nil, err)
		return
	}
	s.spaceCreated(t, id, b.SDK, &b.spaceSettings)
	s.emitRepo(r, info, webhook.ActionCreate, "")
	writeJSON(w, r, map[string]string{"url": s.repoWebURL(r, t, id), "name": id, "id": info.ObjectID})
}

// handleDeleteRepo serves DELETE /api/repos/delete.
func (s *Server) handleDeleteRepo(w http.ResponseWriter, r *http.Request) {
	var b repoBody
	u, t, id, ok := s.readRepoBody(w, r, &b)
	if !ok {
		return
	}
	req := &repoRequest{Type: t, ID: id, User: u}
	info, err := s.store.Repo(t, id)
	if err != nil || (info.Private && !u.CanRead(info.Namespace())) {
		repoNotFound(w, r, u)
		return
	}
	if !canWrite(w, r, u, t, id) {
		return
	}
	if err := s.store.DeleteRepo(r.Context(), t, id); err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	s.spaceGone(t, id, "")
	s.emitRepo(r, info, webhook.ActionDelete, "")
	writeText(w, r, http.StatusOK, "", "", "OK")
}

// handleMoveRepo serves POST /api/repos/move.
func (s *Server) handleMoveRepo(w http.ResponseWriter, r *http.Request) {
	u, ok := s.needUser(w, r)
	if !ok {
		return
	}
	var b struct {
		FromRepo string `json:"fromRepo"`
		ToRepo   string `json:"toRepo"`
		Type     string `json:"type"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if b.Type == "bucket" {
		s.moveBucket(w, r, u, b.FromRepo, b.ToRepo) // buckets.go
		return
	}
	t, err := store.ParseRepoType(b.Type)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "", err.Error())
		return
	}
	for _, id := range []string{b.FromRepo, b.ToRepo} {
		if err := store.ValidateRepoID(id); err != nil || !strings.Contains(id, "/") {
			writeError(w, r, http.StatusBadRequest, "", "Invalid repo id "+id+": fromRepo and toRepo must be \"namespace/name\"")
			return
		}
	}
	info, err := s.store.Repo(t, b.FromRepo)
	if err != nil || (info.Private && !u.CanRead(info.Namespace())) {
		repoNotFound(w, r, u)
		return
	}
	if !canWrite(w, r, u, t, b.FromRepo) || !canWrite(w, r, u, t, b.ToRepo) {
		return
	}
	if err := s.store.MoveRepo(r.Context(), t, b.FromRepo, b.ToRepo); err != nil {
		s.writeStoreError(w, r, &repoRequest{Type: t, ID: b.FromRepo, User: u}, err)
		return
	}
	s.spaceGone(t, b.FromRepo, b.ToRepo)
	s.emitRepo(r, info, webhook.ActionMove, b.ToRepo)
	writeText(w, r, http.StatusOK, "", "", "OK")
}

// handleSettings serves PUT /api/{T}/{id}/settings with any of
// {"private": bool, "visibility": "private"|"public", "gated": "auto"|"manual"|false}.
func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPut, http.MethodPost) {
		return
	}
	var b struct {
		Private    *bool           `json:"private"`
		Visibility string          `json:"visibility"`
		Gated      json.RawMessage `json:"gated"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	var set store.Settings
	switch {
	case b.Private != nil:
		set.Private = b.Private
	case b.Visibility != "":
		p := b.Visibility != "public"
		set.Private = &p
	}
	if len(b.Gated) > 0 && string(b.Gated) != "null" {
		var g string
		var asBool bool
		switch {
		case json.Unmarshal(b.Gated, &g) == nil:
		case json.Unmarshal(b.Gated, &asBool) == nil && !asBool:
			g = ""
		default:
			writeError(w, r, http.StatusBadRequest, "", `Invalid "gated": use "auto", "manual" or false`)
			return
		}
		if err := store.ValidateGated(g); err != nil {
			writeError(w, r, http.StatusBadRequest, "", err.Error())
			return
		}
		set.Gated = &g
	}
	if set.Private == nil && set.Gated == nil {
		writeError(w, r, http.StatusBadRequest, "", `Nothing to change: send "private", "visibility" or "gated"`)
		return
	}
	err := s.store.UpdateSettings(r.Context(), req.Type, req.ID, set)
	if err == nil {
		s.emitRepoConfig(r, req)
	}
	s.writeDone(w, r, req, err)
}

func isConflict(err error) bool {
	return err != nil && (errors.Is(err, store.ErrRepoExists) || errors.Is(err, store.ErrRefExists))
}

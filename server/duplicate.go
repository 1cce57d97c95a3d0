package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// duplicateBody is the JSON of POST /api/{T}/{id}/duplicate.
type duplicateBody struct {
	Repository string `json:"repository"`
	Private    *bool  `json:"private"`
	Visibility string `json:"visibility"`
	spaceSettings
}

// spaceSettings are the Space options of a create or duplicate body.
type spaceSettings struct {
	Hardware  string           `json:"hardware"`
	Storage   string           `json:"storageTier"`
	SleepTime *int64           `json:"sleepTimeSeconds"`
	Secrets   []kvBody         `json:"secrets"`
	Variables []kvBody         `json:"variables"`
	Volumes   []map[string]any `json:"volumes"`
}

// check returns what is wrong with the settings ("" when nothing).
func (b *spaceSettings) check() string {
	for _, v := range append(append([]kvBody(nil), b.Secrets...), b.Variables...) {
		if !envName.MatchString(v.Key) {
			return "Invalid key " + quoteJS(v.Key) + ": use letters, digits and _, not starting with a digit"
		}
	}
	if b.Hardware != "" && !knownFlavor(b.Hardware) {
		return "Invalid hardware flavor " + quoteJS(b.Hardware)
	}
	if b.Storage != "" && !slices.Contains(storageTiers, b.Storage) {
		return "Invalid storage tier " + quoteJS(b.Storage) + ": use small, medium or large"
	}
	if b.Volumes != nil {
		return checkVolumes(b.Volumes)
	}
	return ""
}

// apply sets the settings on sp; c.mu is held.
func (b *spaceSettings) apply(c *Compute, sp *spaceSim) {
	now := c.clock()
	if b.Hardware != "" {
		sp.requested = strp(b.Hardware)
		if b.Hardware != "cpu-basic" {
			sp.gcTimeout = nil
		}
	}
	if b.SleepTime != nil {
		sp.gcTimeout = sleepValue(*b.SleepTime)
	}
	if b.Storage != "" {
		sp.storage = strp(b.Storage)
	}
	for _, v := range b.Secrets {
		sp.secrets[v.Key] = kv{v.Value, v.Description, now}
	}
	for _, v := range b.Variables {
		sp.variables[v.Key] = kv{v.Value, v.Description, now}
	}
	if b.Volumes != nil {
		sp.volumes = b.Volumes
	}
}

type kvBody struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description"`
}

// handleDuplicate serves POST /api/{T}/{id}/duplicate: a server-side copy
// of the main branch's files into a new repo ("namespace/name" in
// "repository"), with the Space settings of the body. Answers
// {"url": ...}; 409 when the target exists.
func (s *Server) handleDuplicate(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	if req.User == nil {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return
	}
	if s.store == nil {
		writeError(w, r, http.StatusMethodNotAllowed, "", "This server is read-only")
		return
	}
	var b duplicateBody
	if !readJSON(w, r, &b) {
		return
	}
	to := b.Repository
	if err := store.ValidateRepoID(to); err != nil || !strings.Contains(to, "/") {
		writeError(w, r, http.StatusBadRequest, "", `Invalid "repository" `+quoteJS(to)+`: use "namespace/name"`)
		return
	}
	if !canWrite(w, r, req.User, req.Type, to) {
		return
	}
	if msg := b.check(); msg != "" {
		badStage(w, r, msg)
		return
	}
	private := req.Info.Private
	if b.Private != nil {
		private = *b.Private
	}
	if b.Visibility != "" {
		private = b.Visibility != "public"
	}
	ctx := r.Context()
	src, err := s.store.Resolve(req.Type, req.ID, "main")
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	opts := store.CreateOptions{Private: private}
	if ga, err := s.store.ReadFile(req.Type, req.ID, "main", ".gitattributes"); err == nil {
		opts.Gitattributes = ga
	}
	if _, err := s.store.CreateRepo(ctx, req.Type, to, opts); err != nil {
		if isConflict(err) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusConflict)
			json.NewEncoder(w).Encode(map[string]string{"error": "You already created this " + string(req.Type) + " repo", "url": s.repoWebURL(r, req.Type, to)})
			return
		}
		s.writeStoreError(w, r, req, err)
		return
	}
	cr := store.CommitRequest{Revision: "main", Title: "Duplicate from " + req.ID}
	for _, f := range src.List {
		if f.Path == ".gitattributes" {
			continue
		}
		mode := store.LFSNever
		if f.LFS {
			mode = store.LFSAlways
		}
		cr.Ops = append(cr.Ops, store.Op{Kind: store.OpAdd, Path: f.Path, SHA256: f.SHA256, LFS: mode})
	}
	if len(cr.Ops) > 0 {
		if _, err := s.store.Commit(ctx, req.Type, to, cr); err != nil {
			s.writeStoreError(w, r, req, err)
			return
		}
	}
	if req.Type == store.Space && s.compute != nil {
		s.duplicateSpace(req, to, &b)
	}
	writeJSON(w, r, map[string]string{"url": s.repoWebURL(r, req.Type, to)})
}

// duplicateSpace copies the runtime settings of a Space and applies the
// body's overrides.
func (s *Server) duplicateSpace(req *repoRequest, to string, b *duplicateBody) {
	sdk := s.spaceSDK(req)
	c := s.compute
	c.mu.Lock()
	defer c.mu.Unlock()
	b.apply(c, c.copySpace(req.ID, to, sdk))
}

// spaceCreated starts the runtime of a Space made by POST
// /api/repos/create with the body's SDK and settings.
func (s *Server) spaceCreated(t store.RepoType, id, sdk string, b *spaceSettings) {
	if t != store.Space || s.compute == nil {
		return
	}
	c := s.compute
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.spaces, id)
	b.apply(c, c.space(id, sdk))
}

// spaceGone forgets the runtime of a deleted Space, or moves it with a
// renamed one (to != "").
func (s *Server) spaceGone(t store.RepoType, id, to string) {
	if t != store.Space || s.compute == nil {
		return
	}
	if to != "" {
		s.compute.moveSpace(id, to)
		return
	}
	s.compute.forgetSpace(id)
}

// spaceRuntimeJSON is the runtime object of a Space's info, or nil
// without a simulator.
func (s *Server) spaceRuntimeJSON(id, sdk string) map[string]any {
	if s.compute == nil {
		return nil
	}
	c := s.compute
	c.mu.Lock()
	defer c.mu.Unlock()
	sp := c.space(id, sdk)
	c.observe(id, sp)
	return sp.runtimeJSON(id)
}

package server

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// registerSpaceRoutes adds the Spaces runtime API served from s.compute.
func (s *Server) registerSpaceRoutes() {
	s.mux.HandleFunc("GET /api/spaces/hardware", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, hardwareFlavors)
	})
	s.mux.HandleFunc("GET /api/spaces/templates", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, map[string]any{"templates": spaceTemplates})
	})
	s.handleRepoAPI("runtime", accessRead, s.spaceOnly(http.MethodGet, s.handleSpaceRuntime))
	s.handleRepoAPI("hardware", accessWrite, s.spaceOnly(http.MethodPost, s.handleSpaceHardware))
	s.handleRepoAPI("sleeptime", accessWrite, s.spaceOnly(http.MethodPost, s.handleSpaceSleepTime))
	s.handleRepoAPI("pause", accessWrite, s.spaceOnly(http.MethodPost, s.handleSpacePause))
	s.handleRepoAPI("restart", accessWrite, s.spaceOnly(http.MethodPost, s.handleSpaceRestart))
	s.handleRepoAPI("dev-mode", accessWrite, s.spaceOnly(http.MethodPost, s.handleSpaceDevMode))
	s.handleRepoAPI("storage", accessWrite, s.spaceOnly(http.MethodPost+","+http.MethodDelete, s.handleSpaceStorage))
	s.handleRepoAPI("volumes", accessWrite, s.spaceOnly(http.MethodPut+","+http.MethodDelete, s.handleSpaceVolumes))
	s.handleRepoAPI("secrets", accessWrite, s.spaceOnly("GET,POST,DELETE", s.handleSpaceSecrets))
	s.handleRepoAPI("variables", accessWrite, s.spaceOnly("GET,POST,DELETE", s.handleSpaceVariables))
	s.handleRepoAPI("logs", accessWrite, s.handleSpaceLogs) // spaces_logs.go
	s.handleRepoAPI("duplicate", accessRead, s.handleDuplicate)
}

// spaceHandler serves a Spaces runtime route with the Space's state locked.
type spaceHandler func(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim)

// spaceOnly limits a route to Spaces and the comma-separated methods, and
// hands h the Space's state with s.compute.mu held.
func (s *Server) spaceOnly(methods string, h spaceHandler) repoHandler {
	return func(w http.ResponseWriter, r *http.Request, req *repoRequest) {
		if req.Type != store.Space {
			writeError(w, r, http.StatusNotFound, "", "Not Found")
			return
		}
		if !allowMethods(w, r, strings.Split(methods, ",")...) {
			return
		}
		sdk := s.spaceSDK(req)
		c := s.compute
		c.mu.Lock()
		defer c.mu.Unlock()
		h(w, r, req, c.space(req.ID, sdk))
	}
}

// spaceSDK reads the SDK from the Space's README card (static without one).
func (s *Server) spaceSDK(req *repoRequest) string {
	c, err := s.src.Resolve(req.Type, req.ID, "main")
	if err != nil {
		return ""
	}
	return stringOr(s.cardData(c)["sdk"], "")
}

// badStage answers 400 the way the Hub refuses an action in a Space's
// current state.
func badStage(w http.ResponseWriter, r *http.Request, msg string) {
	writeError(w, r, http.StatusBadRequest, "", msg)
}

func staticRefusal(w http.ResponseWriter, r *http.Request, sp *spaceSim, what string) bool {
	if sp.sdk != "static" {
		return false
	}
	badStage(w, r, "Cannot "+what+" a static Space: static Spaces are always running and never billed (make it private to hide it)")
	return true
}

func (s *Server) handleSpaceRuntime(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	s.compute.observe(req.ID, sp)
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

func (s *Server) handleSpaceHardware(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	var b struct {
		Flavor    string `json:"flavor"`
		SleepTime *int64 `json:"sleepTimeSeconds"`
	}
	if !readJSON(w, r, &b) || staticRefusal(w, r, sp, "request hardware for") {
		return
	}
	if !knownFlavor(b.Flavor) {
		badStage(w, r, "Invalid hardware flavor "+quoteJS(b.Flavor)+": use one of "+strings.Join(flavorNames(), ", "))
		return
	}
	if b.SleepTime != nil && b.Flavor == "cpu-basic" {
		badStage(w, r, "Cannot change the sleep time for cpu-basic Spaces")
		return
	}
	sp.requested = strp(b.Flavor)
	switch {
	case b.SleepTime != nil:
		sp.gcTimeout = sleepValue(*b.SleepTime)
	case b.Flavor == "cpu-basic":
		v := int64(defaultSleep)
		sp.gcTimeout = &v
	default:
		sp.gcTimeout = nil
	}
	s.compute.start(req.ID, sp)
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

func sleepValue(v int64) *int64 {
	if v < 0 {
		return nil // never sleeps
	}
	return &v
}

func (s *Server) handleSpaceSleepTime(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	var b struct {
		Seconds *int64 `json:"seconds"`
	}
	if !readJSON(w, r, &b) || staticRefusal(w, r, sp, "set the sleep time of") {
		return
	}
	if b.Seconds == nil {
		badStage(w, r, `"seconds" is required`)
		return
	}
	if sp.requested != nil && *sp.requested == "cpu-basic" {
		badStage(w, r, "Cannot change the sleep time for cpu-basic Spaces")
		return
	}
	sp.gcTimeout = sleepValue(*b.Seconds)
	s.compute.changed()
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

func (s *Server) handleSpacePause(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if staticRefusal(w, r, sp, "pause") {
		return
	}
	sp.stage, sp.errMsg, sp.current = StagePaused, "", nil
	s.compute.changed()
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

func (s *Server) handleSpaceRestart(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if staticRefusal(w, r, sp, "restart") {
		return
	}
	if sp.stage == StageDeleting {
		badStage(w, r, "Cannot restart a Space that is being deleted")
		return
	}
	s.compute.start(req.ID, sp)
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

func (s *Server) handleSpaceDevMode(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	var b struct {
		Enabled *bool `json:"enabled"`
	}
	if !readJSON(w, r, &b) || staticRefusal(w, r, sp, "enable dev mode on") {
		return
	}
	if b.Enabled == nil {
		badStage(w, r, `"enabled" is required`)
		return
	}
	if *b.Enabled && sp.stage == StagePaused {
		badStage(w, r, "Cannot enable dev mode on a paused Space: restart it first")
		return
	}
	sp.devMode = *b.Enabled
	s.compute.changed()
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

var storageTiers = []string{"small", "medium", "large"}

func (s *Server) handleSpaceStorage(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if r.Method == http.MethodDelete {
		if sp.storage == nil {
			badStage(w, r, "This Space has no persistent storage to delete")
			return
		}
		sp.storage = nil
	} else {
		var b struct {
			Tier string `json:"tier"`
		}
		if !readJSON(w, r, &b) || staticRefusal(w, r, sp, "add persistent storage to") {
			return
		}
		if !slices.Contains(storageTiers, b.Tier) {
			badStage(w, r, "Invalid storage tier "+quoteJS(b.Tier)+": use small, medium or large")
			return
		}
		if sp.storage != nil && slices.Index(storageTiers, *sp.storage) > slices.Index(storageTiers, b.Tier) {
			badStage(w, r, "Cannot downgrade persistent storage from "+*sp.storage+" to "+b.Tier+": delete it first")
			return
		}
		sp.storage = strp(b.Tier)
	}
	s.compute.changed()
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

var volumeTypes = []string{"bucket", "model", "dataset", "space"}

func (s *Server) handleSpaceVolumes(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if r.Method == http.MethodDelete {
		if len(sp.volumes) == 0 {
			badStage(w, r, "This Space has no volumes to delete")
			return
		}
		sp.volumes = nil
		s.compute.changed()
		writeJSON(w, r, sp.runtimeJSON(req.ID))
		return
	}
	var b struct {
		Volumes []map[string]any `json:"volumes"`
	}
	if !readJSON(w, r, &b) || staticRefusal(w, r, sp, "mount volumes on") {
		return
	}
	if msg := checkVolumes(b.Volumes); msg != "" {
		badStage(w, r, msg)
		return
	}
	sp.volumes = b.Volumes
	s.compute.changed()
	writeJSON(w, r, sp.runtimeJSON(req.ID))
}

// checkVolumes validates volume objects; "" when they are fine.
func checkVolumes(vols []map[string]any) string {
	if len(vols) == 0 {
		return `"volumes" must list at least one volume`
	}
	seen := map[string]bool{}
	for i, v := range vols {
		typ, _ := v["type"].(string)
		src, _ := v["source"].(string)
		mp, _ := v["mountPath"].(string)
		switch {
		case !slices.Contains(volumeTypes, typ):
			return "volumes[" + itoa(i) + "].type must be bucket, model, dataset or space"
		case src == "":
			return "volumes[" + itoa(i) + "].source is required"
		case !strings.HasPrefix(mp, "/"):
			return "volumes[" + itoa(i) + "].mountPath must start with /"
		case seen[mp]:
			return "volumes[" + itoa(i) + "].mountPath " + mp + " is used twice"
		}
		seen[mp] = true
	}
	return ""
}

// envName is what the Hub accepts as a secret or variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (s *Server) handleSpaceSecrets(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if !s.editKV(w, r, sp.secrets) {
		return
	}
	if r.Method == http.MethodGet {
		writeJSON(w, r, kvJSON(sp.secrets, false))
		return
	}
	writeJSON(w, r, map[string]any{})
}

func (s *Server) handleSpaceVariables(w http.ResponseWriter, r *http.Request, req *repoRequest, sp *spaceSim) {
	if s.editKV(w, r, sp.variables) {
		writeJSON(w, r, kvJSON(sp.variables, true))
	}
}

// editKV applies a POST (add or update) or DELETE to m (a GET changes
// nothing). It reports whether the caller should answer.
func (s *Server) editKV(w http.ResponseWriter, r *http.Request, m map[string]kv) bool {
	if r.Method == http.MethodGet {
		return true
	}
	var b struct {
		Key         string  `json:"key"`
		Value       *string `json:"value"`
		Description *string `json:"description"`
	}
	if !readJSON(w, r, &b) {
		return false
	}
	if !envName.MatchString(b.Key) {
		badStage(w, r, "Invalid key "+quoteJS(b.Key)+": use letters, digits and _, not starting with a digit")
		return false
	}
	if r.Method == http.MethodDelete {
		delete(m, b.Key)
		s.compute.changed()
		return true
	}
	if b.Value == nil {
		badStage(w, r, `"value" is required`)
		return false
	}
	e := m[b.Key]
	e.Value = *b.Value
	if b.Description != nil {
		e.Description = *b.Description
	}
	e.UpdatedAt = s.compute.clock()
	m[b.Key] = e
	s.compute.changed()
	return true
}

package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// access is the check routeRepo runs before a repo route's handler.
type access int

const (
	// accessNone: the handler checks everything itself.
	accessNone access = iota
	// accessRead: the repo exists (or redirects) and the caller may read it.
	accessRead
	// accessWrite: the repo exists and the caller may write it.
	accessWrite
)

// repoRequest is a request aimed at one repository.
type repoRequest struct {
	Type store.RepoType
	ID   string
	// Info is filled when the route's access check looked the repo up.
	Info store.RepoInfo
	// Rest holds the raw (still escaped) path segments after the route name.
	Rest []string
	// User is the authenticated caller, nil when anonymous.
	User *User

	prefix []string // raw segments before the repo id ("api","models" or "datasets")
}

// repoHandler serves a repo route.
type repoHandler func(w http.ResponseWriter, r *http.Request, req *repoRequest)

type repoRoute struct {
	access  access
	handler repoHandler
}

// handleRepoAPI serves /api/{type}s/{repo_id}/{name}[/...] with h after the
// access check a ("" name: the bare repo URL). Write-side files register
// their routes with it from registerWriteRoutes.
func (s *Server) handleRepoAPI(name string, a access, h repoHandler) {
	s.repoAPI[name] = repoRoute{a, h}
}

// handleRepoWeb serves /[{type}s/]{repo_id}/{name}/... (resolve, raw).
// The name ".git" serves /{repo_id}.git/... (the LFS batch API).
func (s *Server) handleRepoWeb(name string, a access, h repoHandler) {
	s.repoWeb[name] = repoRoute{a, h}
}

func (s *Server) registerReadRoutes() {
	s.mux.HandleFunc("GET /api/whoami-v2", s.handleWhoami)
	s.mux.HandleFunc(resolveCachePrefix, s.handleResolveCache)
	s.mux.HandleFunc("GET /api/agent-harnesses", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "", "Not Found")
	})
	for _, t := range store.RepoTypes {
		s.mux.HandleFunc("GET /api/"+t.Plural(), func(w http.ResponseWriter, r *http.Request) { s.handleList(w, r, t) })
	}
	s.handleRepoAPI("", accessRead, s.handleInfo)
	s.handleRepoAPI("revision", accessRead, s.handleInfo)
	s.handleRepoAPI("tree", accessRead, s.handleTree)
	s.handleRepoAPI("paths-info", accessRead, s.handlePathsInfo)
	s.handleRepoAPI("refs", accessRead, s.handleRefs)
	s.handleRepoAPI("commits", accessRead, s.handleCommits)
	s.handleRepoAPI("treesize", accessRead, s.handleTreeSize)
	s.handleRepoAPI("auth-check", accessRead, s.handleAuthCheck)
	s.handleRepoWeb("resolve", accessRead, s.handleResolve)
	s.handleRepoWeb("raw", accessRead, s.handleRaw)
	s.registerUserRoutes()
}

// routeRepo dispatches the repo-scoped API and file routes.
func (s *Server) routeRepo(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	var (
		t      = store.Model
		prefix []string
		routes = s.repoWeb
		api    bool
	)
	if segs[0] == "api" {
		if len(segs) < 3 {
			writeError(w, r, http.StatusNotFound, "", "Not Found")
			return
		}
		pt, ok := typeFromPlural(segs[1])
		if !ok {
			writeError(w, r, http.StatusNotFound, "", "Not Found")
			return
		}
		t, prefix, routes, segs, api = pt, segs[:2], s.repoAPI, segs[2:], true
	} else if pt, ok := typeFromPlural(segs[0]); ok && pt != store.Model && len(segs) > 1 {
		t, prefix, segs = pt, segs[:1], segs[1:]
	}
	id, name, rest, ok := s.splitRepo(t, segs, routes)
	route, known := routes[name]
	if !ok || !known || (!api && name == "") {
		writeError(w, r, http.StatusNotFound, "", "Not Found")
		return
	}
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	req := &repoRequest{Type: t, ID: id, Rest: rest, User: user, prefix: prefix}
	switch route.access {
	case accessRead:
		if !s.checkRead(w, r, req) {
			return
		}
	case accessWrite:
		if !s.checkWrite(w, r, req) {
			return
		}
	}
	route.handler(w, r, req)
}

func typeFromPlural(p string) (store.RepoType, bool) {
	for _, t := range store.RepoTypes {
		if p == t.Plural() {
			return t, true
		}
	}
	return "", false
}

// splitRepo separates the repo id ("ns/name" or legacy "name") from the
// route name and the remaining raw segments. Ambiguous paths prefer an
// existing repo, then the namespaced form.
func (s *Server) splitRepo(t store.RepoType, segs []string, routes map[string]repoRoute) (id, name string, rest []string, ok bool) {
	dec := func(i int) string {
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return "\x00" // never a valid id
		}
		return v
	}
	exists := func(id string) bool {
		if _, err := s.src.Repo(t, id); err == nil {
			return true
		}
		_, moved := s.src.Redirect(t, id)
		return moved
	}
	// "{id}.git/..." (git and LFS endpoints).
	for i := 0; i < 2 && i < len(segs); i++ {
		if strings.HasSuffix(segs[i], ".git") {
			parts := make([]string, 0, 2)
			for j := 0; j <= i; j++ {
				parts = append(parts, dec(j))
			}
			return strings.TrimSuffix(strings.Join(parts, "/"), ".git"), ".git", segs[i+1:], true
		}
	}
	namespaced := func() (string, string, []string, bool) {
		id := dec(0) + "/" + dec(1)
		if len(segs) == 2 {
			return id, "", nil, true
		}
		return id, dec(2), segs[3:], true
	}
	legacy := func() (string, string, []string, bool) {
		if len(segs) == 1 {
			return dec(0), "", nil, true
		}
		return dec(0), dec(1), segs[2:], true
	}
	switch {
	case len(segs) == 0 || segs[0] == "":
		return "", "", nil, false
	case len(segs) == 1:
		return legacy()
	case exists(dec(0) + "/" + dec(1)):
		return namespaced()
	case exists(dec(0)):
		return legacy()
	}
	if _, isRoute := routes[dec(1)]; isRoute && dec(1) != "" {
		return legacy()
	}
	return namespaced()
}

// authenticate resolves the caller. With tokens installed, an unknown token
// is answered with 401 and ok=false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (u *User, ok bool) {
	tok := bearer(r.Header.Get("Authorization"))
	if tok == "" || len(s.tokens) == 0 {
		return nil, true
	}
	user, found := s.tokens[tok]
	if !found {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidCredentials)
		return nil, false
	}
	return &user, true
}

// repoNotFound answers like the Hub for a missing or hidden repo.
func repoNotFound(w http.ResponseWriter, r *http.Request, u *User) {
	if u == nil {
		writeError(w, r, http.StatusUnauthorized, codeRepoNotFound, msgInvalidAuth)
		return
	}
	writeError(w, r, http.StatusNotFound, codeRepoNotFound, msgRepoNotFound)
}

// checkRead looks the repo up, follows renames with a relative 307 and
// hides private repos from callers without access.
func (s *Server) checkRead(w http.ResponseWriter, r *http.Request, req *repoRequest) bool {
	info, err := s.src.Repo(req.Type, req.ID)
	if err != nil {
		if to, moved := s.src.Redirect(req.Type, req.ID); moved {
			s.redirectRenamed(w, r, req, to)
			return false
		}
		repoNotFound(w, r, req.User)
		return false
	}
	if info.Private && !req.User.CanRead(info.Namespace()) {
		repoNotFound(w, r, req.User)
		return false
	}
	req.Info = info
	return true
}

// checkWrite is checkRead plus write permission (403 otherwise).
func (s *Server) checkWrite(w http.ResponseWriter, r *http.Request, req *repoRequest) bool {
	if !s.checkRead(w, r, req) {
		return false
	}
	if !req.User.CanWrite(req.Info.Namespace()) {
		if req.User == nil {
			writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
			return false
		}
		writeError(w, r, http.StatusForbidden, "", "You don't have the rights to write to "+string(req.Type)+" "+req.ID+": use a write token of the namespace owner or an admin token.")
		return false
	}
	return true
}

// checkGated refuses file content of gated repos to callers without access
// (see hasGatedAccess).
func (s *Server) checkGated(w http.ResponseWriter, r *http.Request, req *repoRequest) bool {
	if hasGatedAccess(req.User, req.Info) {
		return true
	}
	if req.User == nil {
		writeError(w, r, http.StatusUnauthorized, codeGatedRepo,
			"Access to "+string(req.Type)+" "+req.ID+" is restricted. You must have access to it and be authenticated to access it. Please log in.")
		return false
	}
	writeError(w, r, http.StatusForbidden, codeGatedRepo, s.gatedMessage(r, req))
	return false
}

// redirectRenamed answers 307 with a relative Location naming the new id.
func (s *Server) redirectRenamed(w http.ResponseWriter, r *http.Request, req *repoRequest, to string) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	idEnd := min(len(req.prefix)+strings.Count(req.ID, "/")+1, len(segs))
	loc := "/" + strings.Join(append(append([]string(nil), req.prefix...), to), "/")
	if strings.HasSuffix(segs[idEnd-1], ".git") {
		loc += ".git"
	}
	if idEnd < len(segs) {
		loc += "/" + strings.Join(segs[idEnd:], "/")
	}
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	writeText(w, r, http.StatusTemporaryRedirect, "", "", "Temporary Redirect. Redirecting to "+loc)
}

// webPrefix is the path prefix of file URLs for a repo type.
func webPrefix(t store.RepoType) string {
	if t == store.Model {
		return ""
	}
	return t.Plural() + "/"
}

// allowMethods answers 405 unless r uses one of methods.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeError(w, r, http.StatusMethodNotAllowed, "", "Method "+r.Method+" not allowed here; use "+strings.Join(methods, " or "))
	return false
}

// queryBool reads a boolean query or form value: true, True, 1 (and false, False, 0).
func queryBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// expandValues returns the repeated expand / expand[] parameters.
func expandValues(q url.Values) []string {
	return append(append([]string(nil), q["expand"]...), q["expand[]"]...)
}

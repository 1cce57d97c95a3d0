package server

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// registerUserRoutes adds the user, organization, like and tag-list
// endpoints the official clients call.
func (s *Server) registerUserRoutes() {
	s.mux.HandleFunc("GET /api/users/{name}/overview", s.handleUserOverview)
	s.mux.HandleFunc("GET /api/users/{name}/followers", s.handleNobody)
	s.mux.HandleFunc("GET /api/users/{name}/following", s.handleNobody)
	s.mux.HandleFunc("GET /api/users/{name}/likes", s.handleUserLikes)
	s.mux.HandleFunc("GET /api/organizations/{name}/overview", s.handleOrgOverview)
	s.mux.HandleFunc("GET /api/organizations/{name}/members", s.handleOrgMembers)
	s.mux.HandleFunc("GET /api/organizations/{name}/followers", s.handleNobody)
	s.mux.HandleFunc("GET /api/models-tags-by-type", func(w http.ResponseWriter, r *http.Request) { s.handleTagsByType(w, r, store.Model) })
	s.mux.HandleFunc("GET /api/datasets-tags-by-type", func(w http.ResponseWriter, r *http.Request) { s.handleTagsByType(w, r, store.Dataset) })
	s.handleRepoAPI("likers", accessRead, s.handleLikers)
	s.handleRepoAPI("lfs-files", accessWrite, s.handleLFSFiles)
	if s.store != nil {
		s.handleRepoAPI("like", accessRead, s.handleLike)
	}
}

// pathName is the {name} segment of /api/users/{name}/... and
// /api/organizations/{name}/... (Server.ServeHTTP dispatches through
// mux.Handler, which fills no path values).
func pathName(r *http.Request) string {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(segs) < 3 {
		return ""
	}
	return segs[2]
}

// Namespaces: with tokens installed, the token holders are users and every
// other namespace owning repositories is an organization; without tokens
// every namespace is a user.

func (s *Server) isUser(name string) bool {
	if len(s.tokens) == 0 {
		return s.ownsRepos(name)
	}
	for _, u := range s.tokens {
		if u.Name == name {
			return true
		}
	}
	return false
}

func (s *Server) isOrg(name string) bool {
	return len(s.tokens) > 0 && !s.isUser(name) && s.ownsRepos(name)
}

func (s *Server) ownsRepos(ns string) bool {
	for _, t := range store.RepoTypes {
		for _, ri := range s.src.ListRepos(t) {
			if ri.Namespace() == ns {
				return true
			}
		}
	}
	return false
}

// repoCounts counts the repositories of ns the caller can see, by type.
func (s *Server) repoCounts(ns string, caller *User) map[store.RepoType]int {
	out := map[store.RepoType]int{}
	for _, t := range store.RepoTypes {
		for _, ri := range s.src.ListRepos(t) {
			if ri.Namespace() == ns && (!ri.Private || caller.CanRead(ns)) {
				out[t]++
			}
		}
	}
	return out
}

func objectIDOf(kind, name string) string {
	sum := sha1.Sum([]byte(kind + "/" + name))
	return hex.EncodeToString(sum[:12])
}

// userJSON is a user as the Hub lists one (overview, likers, members).
func userJSON(name string) map[string]any {
	return map[string]any{"_id": objectIDOf("user", name), "user": name, "fullname": name, "avatarUrl": "", "type": "user", "isPro": false}
}

func (s *Server) handleUserOverview(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	name := pathName(r)
	if !s.isUser(name) {
		writeError(w, r, http.StatusNotFound, "", "User not found")
		return
	}
	n := s.repoCounts(name, caller)
	u := userJSON(name)
	likes := len(s.likesOf(name, caller))
	for k, v := range map[string]any{
		"numModels": n[store.Model], "numDatasets": n[store.Dataset], "numSpaces": n[store.Space],
		"numDiscussions": 0, "numPapers": 0, "numUpvotes": 0, "numLikes": likes,
		"numFollowers": 0, "numFollowing": 0, "isFollowing": false, "orgs": []any{}, "details": nil,
	} {
		u[k] = v
	}
	writeJSON(w, r, u)
}

func (s *Server) handleOrgOverview(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	name := pathName(r)
	if !s.isOrg(name) {
		writeError(w, r, http.StatusNotFound, "", "Organization not found")
		return
	}
	n := s.repoCounts(name, caller)
	writeJSON(w, r, map[string]any{
		"_id": objectIDOf("org", name), "name": name, "fullname": name, "avatarUrl": "", "type": "org",
		"isVerified": false, "isFollowing": false, "details": nil, "numUsers": len(s.admins()),
		"numModels": n[store.Model], "numDatasets": n[store.Dataset], "numSpaces": n[store.Space],
		"numFollowers": 0, "numPapers": 0,
	})
}

// admins are the users who may write every namespace: the members of every
// organization here.
func (s *Server) admins() []string {
	var out []string
	for _, u := range s.tokens {
		if u.Role == RoleAdmin && !containsString(out, u.Name) {
			out = append(out, u.Name)
		}
	}
	sort.Strings(out)
	return out
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) handleOrgMembers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	if !s.isOrg(pathName(r)) {
		writeError(w, r, http.StatusNotFound, "", "Organization not found")
		return
	}
	out := []map[string]any{}
	for _, name := range s.admins() {
		out = append(out, userJSON(name))
	}
	s.writePage(w, r, out)
}

// handleNobody answers the follower lists: this server has no followers.
func (s *Server) handleNobody(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	name := pathName(r)
	if strings.HasPrefix(r.URL.Path, "/api/organizations/") && !s.isOrg(name) || strings.HasPrefix(r.URL.Path, "/api/users/") && !s.isUser(name) {
		writeError(w, r, http.StatusNotFound, "", "Not Found: no such user or organization")
		return
	}
	writeJSON(w, r, []any{})
}

// likesOf lists the repos user likes that caller may see, newest like first.
func (s *Server) likesOf(user string, caller *User) []map[string]any {
	type liked struct {
		ri store.RepoInfo
		at string
	}
	var all []liked
	for _, t := range store.RepoTypes {
		for _, ri := range s.src.ListRepos(t) {
			if ri.Private && !caller.CanRead(ri.Namespace()) {
				continue
			}
			for _, l := range ri.Likes {
				if l.User == user {
					all = append(all, liked{ri, hubTime(l.Time)})
				}
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at > all[j].at })
	out := make([]map[string]any, 0, len(all))
	for _, l := range all {
		out = append(out, map[string]any{"createdAt": l.at, "repo": map[string]any{"name": l.ri.ID, "type": string(l.ri.Type)}})
	}
	return out
}

func (s *Server) handleUserLikes(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	name := pathName(r)
	if !s.isUser(name) {
		writeError(w, r, http.StatusNotFound, "", "User not found")
		return
	}
	s.writePage(w, r, s.likesOf(name, caller))
}

// handleLikers serves GET /api/{T}/{id}/likers.
func (s *Server) handleLikers(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	out := []map[string]any{}
	for _, l := range req.Info.Likes {
		out = append(out, userJSON(l.User))
	}
	s.writePage(w, r, out)
}

// handleLike serves POST (like) and DELETE (unlike) /api/{T}/{id}/like for
// the token's user.
func (s *Server) handleLike(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost, http.MethodDelete) {
		return
	}
	if req.User == nil {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return
	}
	s.writeDone(w, r, req, s.store.SetLike(r.Context(), req.Type, req.ID, req.User.Name, r.Method == http.MethodPost))
}

// writePage answers one page of items with a Link to the next one.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	page, next := s.paginate(r, len(items), 1000)
	if next != "" {
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	writeJSON(w, r, items[page.start:page.end])
}

// handleTagsByType serves /api/models-tags-by-type and
// /api/datasets-tags-by-type: the tags of this server's repositories,
// grouped by kind, as {"kind": [{"id", "label", "type"}]}.
func (s *Server) handleTagsByType(w http.ResponseWriter, r *http.Request, t store.RepoType) {
	seen := map[string]bool{}
	out := map[string][]map[string]string{}
	add := func(kind, id, label string) {
		if id == "" || seen[kind+"\x00"+id] {
			return
		}
		seen[kind+"\x00"+id] = true
		out[kind] = append(out[kind], map[string]string{"id": id, "label": label, "type": kind})
	}
	for _, ri := range s.src.ListRepos(t) {
		if ri.Private {
			continue
		}
		head, err := s.src.Resolve(t, ri.ID, "")
		if err != nil {
			continue
		}
		card := s.cardData(head)
		for _, tag := range s.tags(ri, head, card) {
			kind, value, prefixed := strings.Cut(tag, ":")
			switch {
			case prefixed:
				add(kind, tag, value)
			case tag == stringOr(card["pipeline_tag"], "-"):
				add("pipeline_tag", tag, tag)
			case tag == stringOr(card["library_name"], "-"):
				add("library", tag, tag)
			case containsString(stringList(card["language"]), tag):
				add("language", tag, tag)
			default:
				add("other", tag, tag)
			}
		}
	}
	for k := range out {
		sort.Slice(out[k], func(i, j int) bool { return out[k][i]["id"] < out[k][j]["id"] })
	}
	writeJSON(w, r, out)
}

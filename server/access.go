package server

import (
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// Gated repositories: the namespace owner and admins always pass; other
// users pass once granted access. Owners manage grants with the Hub's
// access-request API, which the Python client calls from grant_access,
// accept_access_request, reject_access_request, cancel_access_request and
// list_{pending,accepted,rejected}_access_requests:
//
//	POST /api/{T}/{id}/user-access-request/grant   {"user": NAME}
//	POST /api/{T}/{id}/user-access-request/handle  {"user": NAME, "status": "accepted"|"rejected"|"pending"}
//	GET  /api/{T}/{id}/user-access-request/{pending,accepted,rejected}
//
// and anyone may ask GET /api/{T}/{id}/auth-check whether they can
// download the files (200, or 401/403 GatedRepo like /resolve/).

// hasGatedAccess reports whether u may download the files of the gated
// repo described by info.
func hasGatedAccess(u *User, info store.RepoInfo) bool {
	return info.Gated == "" || u.CanRead(info.Namespace()) || (u != nil && info.HasAccess(u.Name))
}

// handleAuthCheck serves GET /api/{T}/{id}/auth-check.
func (s *Server) handleAuthCheck(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) || !s.checkGated(w, r, req) {
		return
	}
	writeJSON(w, r, map[string]any{})
}

// handleAccessRequest serves /api/{T}/{id}/user-access-request/{action}
// for write (owner) and admin tokens.
func (s *Server) handleAccessRequest(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	action := ""
	if len(req.Rest) == 1 {
		action = req.Rest[0]
	}
	switch action {
	case "grant", "handle":
		if !allowMethods(w, r, http.MethodPost) {
			return
		}
	case string(store.AccessPending), string(store.AccessAccepted), string(store.AccessRejected):
		if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		s.listAccessRequests(w, r, req, store.AccessStatus(action))
		return
	default:
		writeError(w, r, http.StatusNotFound, "", "Not Found: use user-access-request/grant, /handle, /pending, /accepted or /rejected")
		return
	}
	var body struct {
		User   string `json:"user"`
		UserID string `json:"userId"`
		Status string `json:"status"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.User == "" {
		msg := `Missing "user": send {"user": "<username>"}`
		if body.UserID != "" {
			msg = `This server knows users by name, not by id: send {"user": "<username>"} instead of "userId"`
		}
		writeError(w, r, http.StatusBadRequest, "", msg)
		return
	}
	if req.Info.Gated == "" {
		writeError(w, r, http.StatusBadRequest, "", "Repository "+req.ID+" is not gated: enable access requests (gated \"auto\" or \"manual\") in its settings first")
		return
	}
	if !s.knownUser(body.User) {
		writeError(w, r, http.StatusNotFound, "", "User "+body.User+" not found")
		return
	}
	current := store.AccessStatus("")
	for _, a := range req.Info.Access {
		if a.User == body.User {
			current = a.Status
		}
	}
	status := store.AccessAccepted
	if action == "grant" {
		if current == store.AccessAccepted {
			writeError(w, r, http.StatusBadRequest, "", "User "+body.User+" already has access to "+req.ID)
			return
		}
	} else {
		status = store.AccessStatus(body.Status)
		switch status {
		case store.AccessAccepted, store.AccessRejected, store.AccessPending:
		default:
			writeError(w, r, http.StatusBadRequest, "", `Invalid "status": use "accepted", "rejected" or "pending"`)
			return
		}
		if current == "" {
			writeError(w, r, http.StatusNotFound, "", "No access request from user "+body.User+" for "+req.ID)
			return
		}
		if current == status {
			writeError(w, r, http.StatusNotFound, "", "The access request of user "+body.User+" is already "+string(status))
			return
		}
	}
	s.writeDone(w, r, req, s.store.SetAccess(r.Context(), req.Type, req.ID, body.User, status))
}

// knownUser reports whether a token of the server belongs to name.
func (s *Server) knownUser(name string) bool {
	for _, u := range s.tokens {
		if u.Name == name {
			return true
		}
	}
	return false
}

// listAccessRequests answers the Hub's list of access requests with status st.
func (s *Server) listAccessRequests(w http.ResponseWriter, r *http.Request, req *repoRequest, st store.AccessStatus) {
	out := []map[string]any{}
	for _, a := range req.Info.Access {
		if a.Status != st {
			continue
		}
		out = append(out, map[string]any{
			"user": map[string]any{
				"_id": userObjectID(a.User), "user": a.User, "fullname": a.User, "type": "user",
				"avatarUrl": "", "isPro": false,
			},
			"status":    string(a.Status),
			"timestamp": hubTime(a.Time),
			"fields":    map[string]any{},
		})
	}
	writeJSON(w, r, out)
}

// gatedMessage is the Hub's GatedRepo message for an authenticated caller
// without access.
func (s *Server) gatedMessage(r *http.Request, req *repoRequest) string {
	return "Access to " + string(req.Type) + " " + req.ID + " is restricted and you are not in the authorized list. Visit " +
		s.baseFor(r) + "/" + webPrefix(req.Type) + req.ID + " to ask for access."
}

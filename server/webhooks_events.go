package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/webhook"
)

// The events webhooks fire on; the write handlers call these after a
// change succeeded.

// emitRepo fires a "repo" event (create, delete, move) for info.
func (s *Server) emitRepo(r *http.Request, info store.RepoInfo, action, movedTo string) {
	p := webhook.Payload{Event: webhook.Event{Action: action, Scope: webhook.ScopeRepo}}
	if movedTo != "" {
		ns, _, _ := strings.Cut(movedTo, "/")
		p.MovedTo = &webhook.MovedTo{Name: movedTo, Owner: webhook.ObjectID{ID: userObjectID(ns)}}
	}
	s.emit(r, info, "repo", p)
}

// emitRepoConfig fires "repo.config update" after a settings change.
func (s *Server) emitRepoConfig(r *http.Request, req *repoRequest) {
	if info, err := s.store.Repo(req.Type, req.ID); err == nil {
		s.emit(r, info, "repo", webhook.Payload{Event: webhook.Event{Action: webhook.ActionUpdate, Scope: webhook.ScopeRepoConfig}})
	}
}

// emitRefUpdate fires "repo.content update" for a ref moved from oldSHA
// ("" for a new ref) to newSHA.
func (s *Server) emitRefUpdate(r *http.Request, t store.RepoType, id, ref, oldSHA, newSHA string) {
	info, err := s.store.Repo(t, id)
	if err != nil {
		return
	}
	s.emit(r, info, "repo", webhook.Payload{
		Event:       webhook.Event{Action: webhook.ActionUpdate, Scope: webhook.ScopeRepoContent},
		UpdatedRefs: []webhook.UpdatedRef{{Ref: ref, OldSHA: oldSHA, NewSHA: newSHA}},
	})
}

// emitCommit fires the events of a commit: the ref update, and for a new
// pull request the discussion it opened.
func (s *Server) emitCommit(r *http.Request, req *repoRequest, res *store.CommitResult) {
	old := ""
	if len(res.Commit.Parents) > 0 && res.PRNum == 0 {
		old = res.Commit.Parents[0]
	}
	s.emitRefUpdate(r, req.Type, req.ID, res.Ref, old, res.Commit.ID)
	if res.PRNum > 0 {
		if d, err := s.store.Discussion(req.Type, req.ID, res.PRNum); err == nil {
			s.emitDiscussion(r, req, &d, webhook.ActionCreate, nil)
		}
	}
}

// emitDiscussion fires "discussion" (ev nil or not a comment) or
// "discussion.comment" (ev a comment) with action.
func (s *Server) emitDiscussion(r *http.Request, req *repoRequest, d *store.Discussion, action string, ev *store.Event) {
	info, err := s.store.Repo(req.Type, req.ID)
	if err != nil {
		return
	}
	web := s.repoWebURL(r, req.Type, req.ID) + "/discussions/" + strconv.Itoa(d.Num)
	p := webhook.Payload{
		Event: webhook.Event{Action: action, Scope: webhook.ScopeDiscussion},
		Discussion: &webhook.Discussion{
			ID: userObjectID(req.ID + "#" + strconv.Itoa(d.Num)), Num: d.Num, Author: webhook.ObjectID{ID: userObjectID(d.Author)},
			URL:   webhook.URL{Web: web, API: s.baseFor(r) + "/api/" + req.Type.Plural() + "/" + req.ID + "/discussions/" + strconv.Itoa(d.Num)},
			Title: d.Title, IsPullRequest: d.IsPullRequest, Status: string(d.Status),
		},
	}
	if d.IsPullRequest {
		p.Discussion.Changes = &webhook.DiscussionChanges{Base: d.Base, MergeCommitID: d.MergeCommit}
	}
	if ev != nil && ev.Type == store.EventComment {
		p.Event.Scope = webhook.ScopeDiscussionComment
		p.Comment = &webhook.Comment{ID: ev.ID, Author: webhook.ObjectID{ID: userObjectID(ev.Author)}, Hidden: ev.Hidden,
			Content: ev.Content(), URL: webhook.URL{Web: web + "#" + ev.ID}}
	}
	s.emit(r, info, "discussions", p)
}

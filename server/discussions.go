package server

import (
	"errors"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/webhook"
)

// Discussions and pull requests, with the Hub's routes and bodies (those
// HfApi's get_repo_discussions, get_discussion_details, create_discussion,
// comment_discussion, edit/hide_discussion_comment, rename_discussion,
// change_discussion_status and merge_pull_request call):
//
//	GET  /api/{T}/{id}/discussions?p=&type=&status=&author=&search=
//	POST /api/{T}/{id}/discussions                        {title, description, pullRequest}
//	GET  /api/{T}/{id}/discussions/{num}[?diff=1]
//	POST /api/{T}/{id}/discussions/{num}/comment          {comment}
//	POST /api/{T}/{id}/discussions/{num}/comment/{cid}/edit {content}
//	POST /api/{T}/{id}/discussions/{num}/comment/{cid}/hide
//	POST /api/{T}/{id}/discussions/{num}/title            {title}
//	POST /api/{T}/{id}/discussions/{num}/status           {status, comment}
//	POST /api/{T}/{id}/discussions/{num}/merge            {comment}
//
// Who may do what: anyone who can read the repo reads its discussions;
// writing needs a write or admin token (read tokens get 403, anonymous
// callers 401). The author of a discussion, or a repo writer, renames,
// closes and reopens it; the author of a comment, or a repo writer, edits
// and hides it; only repo writers merge.

// discussionPageSize is the Hub's page size for discussion listings.
const discussionPageSize = 50

// registerDiscussionRoutes adds the discussion endpoints.
func (s *Server) registerDiscussionRoutes() {
	s.handleRepoAPI("discussions", accessRead, s.handleDiscussions)
}

func (s *Server) handleDiscussions(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if len(req.Rest) == 0 {
		if !allowMethods(w, r, http.MethodGet, http.MethodHead, http.MethodPost) {
			return
		}
		if r.Method == http.MethodPost {
			s.createDiscussion(w, r, req)
		} else {
			s.listDiscussions(w, r, req)
		}
		return
	}
	num, err := strconv.Atoi(req.Rest[0])
	if err != nil || num <= 0 {
		writeError(w, r, http.StatusBadRequest, "", "Invalid discussion number "+strconv.Quote(req.Rest[0])+": use a positive integer")
		return
	}
	action := strings.Join(req.Rest[1:], "/")
	if action == "" {
		if allowMethods(w, r, http.MethodGet, http.MethodHead) {
			s.discussionDetails(w, r, req, num)
		}
		return
	}
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	d, ok := s.discussionFor(w, r, req, num)
	if !ok {
		return
	}
	switch {
	case action == "comment":
		s.commentDiscussion(w, r, req, d)
	case action == "title", action == "status":
		s.changeDiscussion(w, r, req, d, action)
	case action == "merge":
		s.mergePullRequest(w, r, req, d)
	case len(req.Rest) == 4 && req.Rest[1] == "comment" && (req.Rest[3] == "edit" || req.Rest[3] == "hide"):
		s.changeComment(w, r, req, d, req.Rest[2], req.Rest[3])
	default:
		writeError(w, r, http.StatusNotFound, "", "Not Found: discussions/{num} has comment, comment/{id}/edit, comment/{id}/hide, title, status and merge")
	}
}

// discussionFor checks that the caller may write to discussions at all
// (a write or admin token) and loads discussion num.
func (s *Server) discussionFor(w http.ResponseWriter, r *http.Request, req *repoRequest, num int) (store.Discussion, bool) {
	if !s.checkContributor(w, r, req) {
		return store.Discussion{}, false
	}
	d, err := s.store.Discussion(req.Type, req.ID, num)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return store.Discussion{}, false
	}
	return d, true
}

// checkContributor answers 401 for anonymous callers and 403 for read
// tokens: taking part (discussions, pull requests) needs a write token.
func (s *Server) checkContributor(w http.ResponseWriter, r *http.Request, req *repoRequest) bool {
	switch {
	case req.User == nil:
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return false
	case req.User.Role < RoleWrite:
		writeError(w, r, http.StatusForbidden, "", "This token can only read: opening discussions, commenting and pull requests need a write token.")
		return false
	}
	return true
}

// canModerate reports whether u writes the repo (its namespace owner or an admin).
func canModerate(u *User, info store.RepoInfo) bool { return u.CanWrite(info.Namespace()) }

// forbidden answers 403 naming who may do what.
func forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	writeError(w, r, http.StatusForbidden, "", msg)
}

func (s *Server) listDiscussions(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	q := r.URL.Query()
	page := 0
	if p := q.Get("p"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			writeError(w, r, http.StatusBadRequest, "", "Invalid page \"p\"="+strconv.Quote(p)+": use 0, 1, 2...")
			return
		}
		page = n
	}
	typ, status, author, search := q.Get("type"), q.Get("status"), q.Get("author"), strings.ToLower(q.Get("search"))
	switch typ {
	case "", "all", "discussion", "pull_request":
	default:
		writeError(w, r, http.StatusBadRequest, "", `Invalid "type": use "all", "discussion" or "pull_request"`)
		return
	}
	switch status {
	case "", "all", "open", "closed":
	default:
		writeError(w, r, http.StatusBadRequest, "", `Invalid "status": use "all", "open" or "closed"`)
		return
	}
	all, err := s.store.Discussions(req.Type, req.ID)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	var match []store.Discussion
	closed := 0
	for _, d := range all {
		isClosed := d.Status == store.StatusClosed || d.Status == store.StatusMerged
		switch {
		case typ == "discussion" && d.IsPullRequest, typ == "pull_request" && !d.IsPullRequest,
			status == "open" && isClosed, status == "closed" && !isClosed,
			author != "" && d.Author != author,
			search != "" && !strings.Contains(strings.ToLower(d.Title), search):
			continue
		}
		if isClosed {
			closed++
		}
		match = append(match, d)
	}
	size := discussionPageSize
	if s.pageSize > 0 {
		size = min(size, s.pageSize)
	}
	start := min(page*size, len(match))
	end := min(start+size, len(match))
	items := make([]map[string]any, 0, end-start)
	for _, d := range match[start:end] {
		items = append(items, s.discussionJSON(req, &d))
	}
	writeJSON(w, r, map[string]any{
		"discussions":          items,
		"count":                len(match),
		"start":                start,
		"numClosedDiscussions": closed,
	})
}

// discussionJSON is a discussion as the Hub lists it.
func (s *Server) discussionJSON(req *repoRequest, d *store.Discussion) map[string]any {
	comments := 0
	for _, e := range d.Events {
		if e.Type == store.EventComment {
			comments++
		}
	}
	return map[string]any{
		"num":           d.Num,
		"title":         d.Title,
		"status":        string(d.Status),
		"createdAt":     hubTime(d.CreatedAt),
		"isPullRequest": d.IsPullRequest,
		"author":        hubUser(d.Author),
		"repo":          map[string]any{"name": req.ID, "type": string(req.Type)},
		"numComments":   comments,
		"pinned":        false,
		"topReactions":  []any{},
	}
}

// hubUser is a user as the Hub embeds one in answers.
func hubUser(name string) map[string]any {
	return map[string]any{
		"_id": userObjectID(name), "name": name, "fullname": name, "type": "user",
		"avatarUrl": "", "isPro": false, "isHf": false, "isMod": false,
	}
}

// eventJSON is a timeline event as the Hub sends it.
func eventJSON(e *store.Event) map[string]any {
	out := map[string]any{"id": e.ID, "type": string(e.Type), "createdAt": hubTime(e.Time), "author": hubUser(e.Author)}
	switch e.Type {
	case store.EventComment:
		latest := map[string]any{"raw": "", "html": "<p>This comment has been hidden</p>", "updatedAt": hubTime(e.Time), "author": hubUser(e.Author)}
		history := make([]map[string]any, 0, len(e.Versions))
		editors := []string{}
		for i := len(e.Versions) - 1; i >= 0; i-- { // newest first
			v := e.Versions[i]
			history = append(history, map[string]any{"raw": v.Content, "html": renderHTML(v.Content), "updatedAt": hubTime(v.Time), "author": hubUser(v.Author)})
			if !slices.Contains(editors, v.Author) {
				editors = append(editors, v.Author)
			}
		}
		if len(history) > 0 {
			latest = history[0]
		}
		data := map[string]any{
			"edited": len(e.Versions) > 1, "hidden": e.Hidden, "latest": latest, "history": history,
			"numEdits": max(len(e.Versions)-1, 0), "editors": editors, "editReactions": []any{}, "reactions": []any{},
		}
		if e.Hidden {
			data["hiddenBy"] = e.HiddenBy
		}
		out["data"] = data
	case store.EventStatusChange:
		out["data"] = map[string]any{"status": string(e.Status)}
	case store.EventCommit:
		out["data"] = map[string]any{"subject": e.Subject, "oid": e.OID}
	case store.EventTitleChange:
		out["data"] = map[string]any{"from": e.From, "to": e.To}
	}
	return out
}

// renderHTML is the comment's HTML: the escaped text in paragraphs (this
// server renders no Markdown).
func renderHTML(raw string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(raw), "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n") + "</p>\n")
	}
	return b.String()
}

func (s *Server) discussionDetails(w http.ResponseWriter, r *http.Request, req *repoRequest, num int) {
	d, err := s.store.Discussion(req.Type, req.ID, num)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	out, err := s.detailsJSON(req, &d, queryBool(r.URL.Query().Get("diff")))
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	writeJSON(w, r, out)
}

func (s *Server) detailsJSON(req *repoRequest, d *store.Discussion, withDiff bool) (map[string]any, error) {
	out := s.discussionJSON(req, d)
	events := make([]map[string]any, 0, len(d.Events))
	for i := range d.Events {
		events = append(events, eventJSON(&d.Events[i]))
	}
	out["events"] = events
	out["locked"] = false
	if !d.IsPullRequest {
		return out, nil
	}
	changes := map[string]any{"base": d.Base}
	if d.MergeCommit != "" {
		changes["mergeCommitId"] = d.MergeCommit
	}
	out["changes"] = changes
	conflicts, err := s.store.PullRequestConflicts(req.Type, req.ID, d.Num)
	if err != nil {
		return nil, err
	}
	out["filesWithConflicts"] = conflicts
	if withDiff {
		diff, err := s.store.PullRequestDiff(req.Type, req.ID, d.Num)
		if err != nil {
			return nil, err
		}
		out["diff"] = diff
	}
	return out, nil
}

func (s *Server) createDiscussion(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !s.checkContributor(w, r, req) {
		return
	}
	var body struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		PullRequest bool   `json:"pullRequest"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if strings.TrimSpace(body.Description) == "" {
		kind := "Discussion"
		if body.PullRequest {
			kind = "Pull request"
		}
		body.Description = kind + " opened by " + req.User.Name
	}
	d, err := s.store.CreateDiscussion(r.Context(), req.Type, req.ID, store.NewDiscussion{
		Title: body.Title, Description: body.Description, Author: req.User.Name, PullRequest: body.PullRequest,
	})
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	out, err := s.detailsJSON(req, &d, false)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	out["url"] = s.repoWebURL(r, req.Type, req.ID) + "/discussions/" + strconv.Itoa(d.Num)
	s.emitDiscussion(r, req, &d, webhook.ActionCreate, nil)
	writeJSON(w, r, out)
}

func (s *Server) commentDiscussion(w http.ResponseWriter, r *http.Request, req *repoRequest, d store.Discussion) {
	var body struct {
		Comment string `json:"comment"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	ev, err := s.store.CommentDiscussion(r.Context(), req.Type, req.ID, d.Num, req.User.Name, body.Comment)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	s.emitDiscussion(r, req, &d, webhook.ActionCreate, &ev)
	writeJSON(w, r, map[string]any{"newMessage": eventJSON(&ev)})
}

// changeDiscussion serves the title and status actions.
func (s *Server) changeDiscussion(w http.ResponseWriter, r *http.Request, req *repoRequest, d store.Discussion, action string) {
	if d.Author != req.User.Name && !canModerate(req.User, req.Info) {
		forbidden(w, r, "Only the author of #"+strconv.Itoa(d.Num)+" or a writer of "+req.ID+" may change its "+action+".")
		return
	}
	var body struct {
		Title   string `json:"title"`
		Status  string `json:"status"`
		Comment string `json:"comment"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	var (
		ev  store.Event
		err error
		key = "newTitle"
	)
	if action == "title" {
		ev, err = s.store.RenameDiscussion(r.Context(), req.Type, req.ID, d.Num, req.User.Name, body.Title)
	} else {
		key = "newStatus"
		ev, err = s.store.SetDiscussionStatus(r.Context(), req.Type, req.ID, d.Num, req.User.Name, store.DiscussionStatus(body.Status), body.Comment)
	}
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	if cur, err := s.store.Discussion(req.Type, req.ID, d.Num); err == nil {
		s.emitDiscussion(r, req, &cur, webhook.ActionUpdate, nil)
	}
	writeJSON(w, r, map[string]any{key: eventJSON(&ev)})
}

// changeComment serves comment/{cid}/edit and comment/{cid}/hide.
func (s *Server) changeComment(w http.ResponseWriter, r *http.Request, req *repoRequest, d store.Discussion, cid, action string) {
	c, err := d.Comment(cid)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	if c.Author != req.User.Name && !canModerate(req.User, req.Info) {
		forbidden(w, r, "Only the author of comment "+cid+" or a writer of "+req.ID+" may "+action+" it.")
		return
	}
	var ev store.Event
	if action == "edit" {
		var body struct {
			Content string `json:"content"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		ev, err = s.store.EditComment(r.Context(), req.Type, req.ID, d.Num, cid, req.User.Name, body.Content)
	} else {
		ev, err = s.store.HideComment(r.Context(), req.Type, req.ID, d.Num, cid, req.User.Name)
	}
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	s.emitDiscussion(r, req, &d, webhook.ActionUpdate, &ev)
	writeJSON(w, r, map[string]any{"updatedComment": eventJSON(&ev)})
}

func (s *Server) mergePullRequest(w http.ResponseWriter, r *http.Request, req *repoRequest, d store.Discussion) {
	if !canModerate(req.User, req.Info) {
		forbidden(w, r, "Only writers of "+req.ID+" may merge pull requests: ask its owner, or use an admin token.")
		return
	}
	var body struct {
		Comment string `json:"comment"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	res, err := s.store.MergePullRequest(r.Context(), req.Type, req.ID, d.Num, req.User.Name, body.Comment)
	if err != nil {
		s.writeDiscussionError(w, r, req, err)
		return
	}
	if merged, err := s.store.Discussion(req.Type, req.ID, d.Num); err == nil {
		d = merged
	}
	before := ""
	if len(res.Commit.Parents) > 0 && !res.FastForward {
		before = res.Commit.Parents[0]
	} else if d.MergeBase != "" {
		before = d.MergeBase
	}
	s.emitRefUpdate(r, req.Type, req.ID, d.Base, before, res.Commit.ID)
	s.emitDiscussion(r, req, &d, webhook.ActionUpdate, nil)
	writeJSON(w, r, map[string]any{"num": d.Num, "status": string(store.StatusMerged), "mergeCommitId": res.Commit.ID, "fastForward": res.FastForward})
}

// writeDiscussionError answers a failed discussion call.
func (s *Server) writeDiscussionError(w http.ResponseWriter, r *http.Request, req *repoRequest, err error) {
	switch {
	case errors.Is(err, store.ErrDiscussionNotFound):
		writeError(w, r, http.StatusNotFound, "", err.Error())
	case errors.Is(err, store.ErrMergeConflict):
		writeError(w, r, http.StatusConflict, "", err.Error())
	default:
		s.writeStoreError(w, r, req, err)
	}
}

// checkCommitter lets repo writers commit anywhere, and other callers
// with a write token and read access open a pull request (create_pr) or
// push to one they opened, as on the Hub. The LFS batch API (rev "")
// serves anyone who may contribute.
func (s *Server) checkCommitter(w http.ResponseWriter, r *http.Request, req *repoRequest, rev string, createPR bool) bool {
	if !s.checkRead(w, r, req) {
		return false
	}
	if canModerate(req.User, req.Info) {
		return true
	}
	if req.User == nil || req.User.Role < RoleWrite {
		return s.checkWrite(w, r, req) // answers 401 or 403
	}
	if createPR || rev == "" {
		return true
	}
	if n, ok := strings.CutPrefix(rev, "refs/pr/"); ok {
		num, err := strconv.Atoi(n)
		if err == nil {
			if d, err := s.store.Discussion(req.Type, req.ID, num); err == nil && d.Author == req.User.Name {
				return true
			}
		}
		forbidden(w, r, "Only the author of pull request #"+n+" or a writer of "+req.ID+" may push to "+rev+".")
		return false
	}
	return s.checkWrite(w, r, req)
}

// contributorRoute wraps the commit and preupload handlers: their access
// is decided by checkCommitter from the revision and create_pr.
func (s *Server) contributorRoute(h repoHandler) repoHandler {
	return func(w http.ResponseWriter, r *http.Request, req *repoRequest) {
		rev, _, ok := splitRev(req.Rest)
		if !ok {
			rev = store.DefaultBranch
		}
		if s.checkCommitter(w, r, req, rev, queryBool(r.URL.Query().Get("create_pr"))) {
			h(w, r, req)
		}
	}
}

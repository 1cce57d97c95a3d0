package hfhub

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Discussion statuses, as the Hub reports them.
const (
	DiscussionOpen   = "open"
	DiscussionClosed = "closed"
	DiscussionMerged = "merged"
	// DiscussionDraft: a pull request opened without changes.
	DiscussionDraft = "draft"
)

// Discussion event types ([DiscussionEvent.Type]).
const (
	EventComment      = "comment"
	EventStatusChange = "status-change"
	EventCommit       = "commit"
	EventTitleChange  = "title-change"
)

// Discussion is a discussion or pull request of a repository, as listed by
// [Client.ListDiscussions].
type Discussion struct {
	Num           int       `json:"num"`
	Title         string    `json:"title"`
	Status        string    `json:"status"` // open, closed, merged or draft
	RepoID        string    `json:"repo_id"`
	RepoType      RepoType  `json:"repo_type"`
	Author        string    `json:"author"` // "deleted" when the account is gone
	IsPullRequest bool      `json:"is_pull_request"`
	CreatedAt     time.Time `json:"created_at"`
	// URL is the discussion's web page.
	URL string `json:"url"`
}

// GitReference returns "refs/pr/N" for a pull request, "" for a discussion:
// the revision to download from or commit to.
func (d *Discussion) GitReference() string {
	if !d.IsPullRequest {
		return ""
	}
	return "refs/pr/" + strconv.Itoa(d.Num)
}

// DiscussionWithDetails is a discussion with its timeline, from
// [Client.DiscussionDetails].
type DiscussionWithDetails struct {
	Discussion
	Events []*DiscussionEvent `json:"events"`
	// ConflictingFiles (pull requests) lists the files that keep it from
	// merging cleanly.
	ConflictingFiles []string `json:"conflicting_files,omitempty"`
	// TargetBranch (pull requests) is the ref it merges into, e.g.
	// "refs/heads/main".
	TargetBranch string `json:"target_branch,omitempty"`
	// MergeCommitOID (merged pull requests) is the commit the merge made.
	MergeCommitOID string `json:"merge_commit_oid,omitempty"`
	// Diff (pull requests) is the change it brings, as a git diff.
	Diff string `json:"diff,omitempty"`
}

// DiscussionEvent is one entry of a discussion's timeline. Type says which
// of the fields below are set.
type DiscussionEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"` // EventComment, EventStatusChange, EventCommit, EventTitleChange
	CreatedAt time.Time `json:"created_at"`
	Author    string    `json:"author"`

	// Comments: the current text (Markdown), its HTML, whether it was
	// edited or hidden (hidden comments keep no text), and how many edits.
	Content       string `json:"content,omitempty"`
	Rendered      string `json:"rendered,omitempty"`
	Edited        bool   `json:"edited,omitempty"`
	Hidden        bool   `json:"hidden,omitempty"`
	NumberOfEdits int    `json:"number_of_edits,omitempty"`
	// NewStatus (status changes) is the status set.
	NewStatus string `json:"new_status,omitempty"`
	// Summary and OID (commits) describe the commit pushed.
	Summary string `json:"summary,omitempty"`
	OID     string `json:"oid,omitempty"`
	// OldTitle and NewTitle (title changes).
	OldTitle string `json:"old_title,omitempty"`
	NewTitle string `json:"new_title,omitempty"`

	// Raw is the event as the Hub sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the Hub's event shape.
func (e *DiscussionEvent) UnmarshalJSON(data []byte) error {
	var w struct {
		ID        string    `json:"id"`
		Type      string    `json:"type"`
		CreatedAt time.Time `json:"createdAt"`
		Author    *struct {
			Name string `json:"name"`
		} `json:"author"`
		Data struct {
			Edited   bool `json:"edited"`
			Hidden   bool `json:"hidden"`
			NumEdits int  `json:"numEdits"`
			Latest   struct {
				Raw  string `json:"raw"`
				HTML string `json:"html"`
			} `json:"latest"`
			Status  string `json:"status"`
			Subject string `json:"subject"`
			OID     string `json:"oid"`
			From    string `json:"from"`
			To      string `json:"to"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = DiscussionEvent{ID: w.ID, Type: w.Type, CreatedAt: w.CreatedAt, Author: authorName(w.Author),
		Raw: append(json.RawMessage(nil), data...)}
	switch w.Type {
	case EventComment:
		e.Content, e.Rendered, e.Edited, e.Hidden, e.NumberOfEdits = w.Data.Latest.Raw, w.Data.Latest.HTML, w.Data.Edited, w.Data.Hidden, w.Data.NumEdits
	case EventStatusChange:
		e.NewStatus = w.Data.Status
	case EventCommit:
		e.Summary, e.OID = w.Data.Subject, w.Data.OID
	case EventTitleChange:
		e.OldTitle, e.NewTitle = w.Data.From, w.Data.To
	}
	return nil
}

func authorName(a *struct {
	Name string `json:"name"`
}) string {
	if a == nil || a.Name == "" {
		return "deleted"
	}
	return a.Name
}

// discussionJSON is the Hub's shape of a listed discussion.
type discussionJSON struct {
	Num           int       `json:"num"`
	Title         string    `json:"title"`
	Status        string    `json:"status"`
	IsPullRequest bool      `json:"isPullRequest"`
	CreatedAt     time.Time `json:"createdAt"`
	Author        *struct {
		Name string `json:"name"`
	} `json:"author"`
	Repo struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"repo"`
}

func (c *Client) discussionOf(j *discussionJSON) Discussion {
	rt, _ := ParseRepoType(j.Repo.Type)
	return Discussion{
		Num: j.Num, Title: j.Title, Status: j.Status, RepoID: j.Repo.Name, RepoType: rt,
		Author: authorName(j.Author), IsPullRequest: j.IsPullRequest, CreatedAt: j.CreatedAt,
		URL: c.repoWebURL(rt, j.Repo.Name) + "/discussions/" + strconv.Itoa(j.Num),
	}
}

// ListDiscussionsOptions filters [Client.ListDiscussions]. A nil pointer
// lists every discussion and pull request of a model repo.
type ListDiscussionsOptions struct {
	RepoType RepoType
	// Author keeps the discussions opened by this user.
	Author string
	// DiscussionType is "", "all", "discussion" or "pull_request".
	DiscussionType string
	// DiscussionStatus is "", "all", "open" (open and draft) or "closed"
	// (closed and merged).
	DiscussionStatus string
	// Limit stops after this many discussions (0: all).
	Limit int
}

func (o *ListDiscussionsOptions) query() (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	switch o.DiscussionType {
	case "", "all", "discussion", "pull_request":
	default:
		return nil, fmt.Errorf("%w: DiscussionType %q: want \"all\", \"discussion\" or \"pull_request\"", ErrValidation, o.DiscussionType)
	}
	switch o.DiscussionStatus {
	case "", "all", "open", "closed":
	default:
		return nil, fmt.Errorf("%w: DiscussionStatus %q: want \"all\", \"open\" or \"closed\" (filter merged or draft on Status)", ErrValidation, o.DiscussionStatus)
	}
	for k, v := range map[string]string{"type": o.DiscussionType, "status": o.DiscussionStatus, "author": o.Author} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q, nil
}

// ListDiscussions yields the discussions and pull requests of a repo,
// newest first, fetching pages (p=0, 1, ...) as the loop advances. Hub
// API: GET /api/{type}s/{id}/discussions (Python: get_repo_discussions).
func (c *Client) ListDiscussions(ctx context.Context, id string, opts *ListDiscussionsOptions) iter.Seq2[*Discussion, error] {
	if err := ValidateRepoID(id); err != nil {
		return fail[*Discussion](err)
	}
	q, err := opts.query()
	if err != nil {
		return fail[*Discussion](err)
	}
	rt, limit := RepoModel, 0
	if opts != nil {
		rt, limit = opts.RepoType, opts.Limit
	}
	u := c.apiRepoURL(rt, id, "discussions")
	return func(yield func(*Discussion, error) bool) {
		seen := 0
		for page := 0; ; page++ {
			q.Set("p", strconv.Itoa(page))
			var resp struct {
				Discussions []discussionJSON `json:"discussions"`
				Count       int              `json:"count"`
				Start       int              `json:"start"`
			}
			if _, err := c.getJSON(ctx, u, q, &resp); err != nil {
				yield(nil, err)
				return
			}
			for i := range resp.Discussions {
				d := c.discussionOf(&resp.Discussions[i])
				if !yield(&d, nil) {
					return
				}
				if seen++; limit > 0 && seen >= limit {
					return
				}
			}
			if len(resp.Discussions) == 0 || resp.Start+len(resp.Discussions) >= resp.Count {
				return
			}
		}
	}
}

// discussionURL is /api/{type}s/{id}/discussions/{num}[/parts...].
func (c *Client) discussionURL(rt RepoType, id string, num int, parts ...string) (string, error) {
	if err := ValidateRepoID(id); err != nil {
		return "", err
	}
	if num <= 0 {
		return "", fmt.Errorf("%w: discussion number %d: want a positive integer", ErrValidation, num)
	}
	return c.apiRepoURL(rt, id, append([]string{"discussions", strconv.Itoa(num)}, parts...)...), nil
}

// DiscussionDetails returns a discussion or pull request with its events;
// for pull requests also its target branch, conflicting files, merge
// commit and diff. Hub API: GET /api/{type}s/{id}/discussions/{num}?diff=1
// (Python: get_discussion_details).
func (c *Client) DiscussionDetails(ctx context.Context, id string, num int, opts *RepoOptions) (*DiscussionWithDetails, error) {
	u, err := c.discussionURL(opts.repoType(), id, num)
	if err != nil {
		return nil, err
	}
	var resp struct {
		discussionJSON
		Events             []*DiscussionEvent `json:"events"`
		FilesWithConflicts []string           `json:"filesWithConflicts"`
		Diff               string             `json:"diff"`
		Changes            struct {
			Base          string `json:"base"`
			MergeCommitID string `json:"mergeCommitId"`
		} `json:"changes"`
	}
	if _, err := c.getJSON(ctx, u, url.Values{"diff": {"1"}}, &resp); err != nil {
		return nil, fmt.Errorf("discussion #%d of %s: %w", num, id, err)
	}
	d := &DiscussionWithDetails{Discussion: c.discussionOf(&resp.discussionJSON), Events: resp.Events}
	if d.Events == nil {
		d.Events = []*DiscussionEvent{}
	}
	if d.IsPullRequest {
		d.ConflictingFiles, d.TargetBranch, d.MergeCommitOID, d.Diff = resp.FilesWithConflicts, resp.Changes.Base, resp.Changes.MergeCommitID, resp.Diff
	}
	return d, nil
}

// CreateDiscussionOptions configures [Client.CreateDiscussion]. A nil
// pointer opens a discussion on a model repo with a default description.
type CreateDiscussionOptions struct {
	RepoType RepoType
	// Description is the first comment (Markdown).
	Description string
	// PullRequest opens a draft pull request instead: push commits to its
	// GitReference (CommitOptions.Revision = "refs/pr/N").
	PullRequest bool
}

// CreateDiscussion opens a discussion (or an empty, draft pull request)
// and returns it. The title needs 3 to 200 characters. Hub API: POST
// /api/{type}s/{id}/discussions {title, description, pullRequest}.
// To open a pull request with changes at once, commit with
// CommitOptions.CreatePR instead.
func (c *Client) CreateDiscussion(ctx context.Context, id, title string, opts *CreateDiscussionOptions) (*DiscussionWithDetails, error) {
	if opts == nil {
		opts = &CreateDiscussionOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	title = strings.TrimSpace(title)
	if n := len([]rune(title)); n < 3 || n > 200 {
		return nil, fmt.Errorf("%w: a discussion title needs 3 to 200 characters, got %d", ErrValidation, n)
	}
	desc := strings.TrimSpace(opts.Description)
	if desc == "" {
		kind := "Discussion"
		if opts.PullRequest {
			kind = "Pull Request"
		}
		desc = kind + " opened with the hfhub Go library"
	}
	var resp struct {
		Num int `json:"num"`
	}
	body := map[string]any{"title": title, "description": desc, "pullRequest": opts.PullRequest}
	if _, err := c.sendJSON(ctx, http.MethodPost, c.apiRepoURL(opts.RepoType, id, "discussions"), body, &resp, &reqOpts{Retry: retryNever}); err != nil {
		return nil, fmt.Errorf("create discussion on %s: %w", id, err)
	}
	return c.DiscussionDetails(ctx, id, resp.Num, &RepoOptions{RepoType: opts.RepoType})
}

// CreatePullRequest opens an empty, draft pull request: CreateDiscussion
// with PullRequest set.
func (c *Client) CreatePullRequest(ctx context.Context, id, title string, opts *CreateDiscussionOptions) (*DiscussionWithDetails, error) {
	o := CreateDiscussionOptions{}
	if opts != nil {
		o = *opts
	}
	o.PullRequest = true
	return c.CreateDiscussion(ctx, id, title, &o)
}

// postDiscussion POSTs body to discussions/{num}/{resource} and decodes the
// event under key of the answer (key "": none).
func (c *Client) postDiscussion(ctx context.Context, rt RepoType, id string, num int, resource string, body any, key string) (*DiscussionEvent, error) {
	u, err := c.discussionURL(rt, id, num, resource)
	if err != nil {
		return nil, err
	}
	var resp map[string]*DiscussionEvent
	var out any
	if key != "" {
		out = &resp
	}
	if _, err := c.sendJSON(ctx, http.MethodPost, u, body, out, &reqOpts{Retry: retryNever}); err != nil {
		return nil, fmt.Errorf("discussion #%d of %s: %s: %w", num, id, resource, err)
	}
	if key == "" {
		return nil, nil
	}
	ev := resp[key]
	if ev == nil {
		return nil, fmt.Errorf("%w: discussion #%d of %s: %s: the answer has no %q", ErrServer, num, id, resource, key)
	}
	return ev, nil
}

// CommentDiscussion adds a comment (Markdown) and returns it. Hub API:
// POST .../discussions/{num}/comment {comment}.
func (c *Client) CommentDiscussion(ctx context.Context, id string, num int, comment string, opts *RepoOptions) (*DiscussionEvent, error) {
	if strings.TrimSpace(comment) == "" {
		return nil, fmt.Errorf("%w: empty comment", ErrValidation)
	}
	return c.postDiscussion(ctx, opts.repoType(), id, num, "comment", map[string]string{"comment": comment}, "newMessage")
}

// EditDiscussionComment replaces a comment's text (the author's or a repo
// writer's right). Hub API: POST .../discussions/{num}/comment/{cid}/edit
// {content}.
func (c *Client) EditDiscussionComment(ctx context.Context, id string, num int, commentID, newContent string, opts *RepoOptions) (*DiscussionEvent, error) {
	if commentID == "" || strings.TrimSpace(newContent) == "" {
		return nil, fmt.Errorf("%w: a comment id and a non-empty content are needed", ErrValidation)
	}
	return c.postDiscussion(ctx, opts.repoType(), id, num, "comment/"+url.PathEscape(strings.ToLower(commentID))+"/edit",
		map[string]string{"content": newContent}, "updatedComment")
}

// HideDiscussionComment hides a comment for good: its text cannot be read
// back. Hub API: POST .../discussions/{num}/comment/{cid}/hide.
func (c *Client) HideDiscussionComment(ctx context.Context, id string, num int, commentID string, opts *RepoOptions) (*DiscussionEvent, error) {
	if commentID == "" {
		return nil, fmt.Errorf("%w: empty comment id", ErrValidation)
	}
	return c.postDiscussion(ctx, opts.repoType(), id, num, "comment/"+url.PathEscape(strings.ToLower(commentID))+"/hide", nil, "updatedComment")
}

// RenameDiscussion changes the title and returns the title-change event.
// Hub API: POST .../discussions/{num}/title {title}.
func (c *Client) RenameDiscussion(ctx context.Context, id string, num int, newTitle string, opts *RepoOptions) (*DiscussionEvent, error) {
	return c.postDiscussion(ctx, opts.repoType(), id, num, "title", map[string]string{"title": newTitle}, "newTitle")
}

// ChangeDiscussionStatusOptions configures [Client.ChangeDiscussionStatus].
type ChangeDiscussionStatusOptions struct {
	RepoType RepoType
	// Comment, when not blank, is posted with the change.
	Comment string
}

// ChangeDiscussionStatus opens or closes a discussion or pull request
// (newStatus "open" or "closed") and returns the status-change event. Hub
// API: POST .../discussions/{num}/status {status, comment}.
func (c *Client) ChangeDiscussionStatus(ctx context.Context, id string, num int, newStatus string, opts *ChangeDiscussionStatusOptions) (*DiscussionEvent, error) {
	if opts == nil {
		opts = &ChangeDiscussionStatusOptions{}
	}
	if newStatus != DiscussionOpen && newStatus != DiscussionClosed {
		return nil, fmt.Errorf("%w: status %q: want \"open\" or \"closed\"", ErrValidation, newStatus)
	}
	body := map[string]string{"status": newStatus}
	if cm := strings.TrimSpace(opts.Comment); cm != "" {
		body["comment"] = cm
	}
	return c.postDiscussion(ctx, opts.RepoType, id, num, "status", body, "newStatus")
}

// MergePullRequestOptions configures [Client.MergePullRequest].
type MergePullRequestOptions struct {
	RepoType RepoType
	// Comment, when not blank, is posted with the merge.
	Comment string
}

// MergePullRequest merges a pull request into its target branch. It needs
// write access to the repo; a pull request that conflicts with its target
// fails with [ErrConflict]. Hub API: POST .../discussions/{num}/merge.
func (c *Client) MergePullRequest(ctx context.Context, id string, num int, opts *MergePullRequestOptions) error {
	if opts == nil {
		opts = &MergePullRequestOptions{}
	}
	var body any
	if cm := strings.TrimSpace(opts.Comment); cm != "" {
		body = map[string]string{"comment": cm}
	}
	_, err := c.postDiscussion(ctx, opts.RepoType, id, num, "merge", body, "")
	return err
}

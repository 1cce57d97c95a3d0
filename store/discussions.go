package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// Discussions and pull requests live with their repository, one file per
// discussion (discussions/{num}.json in the repo's folder, written
// atomically), so they move and disappear with it. Discussions and pull
// requests share one number sequence, as on the Hub; pull request N is the
// ref refs/pr/N.

// Discussion errors.
var (
	// ErrDiscussionNotFound: no discussion, pull request or comment with that number or id.
	ErrDiscussionNotFound = errors.New("discussion not found")
	// ErrMergeConflict: the pull request changes files its base branch changed too.
	ErrMergeConflict = errors.New("merge conflict")
)

// MergeConflictError lists the files a pull request and its base branch
// both changed differently. It matches [ErrMergeConflict].
type MergeConflictError struct {
	Num   int
	Files []string
}

func (e *MergeConflictError) Error() string {
	return fmt.Sprintf("pull request #%d conflicts with its base branch in %s: update the pull request from the base branch first",
		e.Num, strings.Join(e.Files, ", "))
}

// Is makes errors.Is(err, ErrMergeConflict) true.
func (e *MergeConflictError) Is(target error) bool { return target == ErrMergeConflict }

// DiscussionStatus is the state of a discussion or pull request.
type DiscussionStatus string

// Discussion statuses.
const (
	StatusOpen   DiscussionStatus = "open"
	StatusClosed DiscussionStatus = "closed"
	StatusMerged DiscussionStatus = "merged"
	// StatusDraft: a pull request opened without changes.
	StatusDraft DiscussionStatus = "draft"
)

// EventType is the kind of a discussion event.
type EventType string

// Discussion event types, named as the Hub names them.
const (
	EventComment      EventType = "comment"
	EventStatusChange EventType = "status-change"
	EventCommit       EventType = "commit"
	EventTitleChange  EventType = "title-change"
)

// CommentVersion is one version of a comment's text.
type CommentVersion struct {
	Content string    `json:"content"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
}

// Event is one entry of a discussion's timeline. Which fields are set
// depends on Type.
type Event struct {
	// ID is a 24-hex id, unique within the store.
	ID     string    `json:"id"`
	Type   EventType `json:"type"`
	Author string    `json:"author"`
	Time   time.Time `json:"time"`

	// Versions (comments) holds every version of the text, oldest first;
	// the last is the current one. A hidden comment keeps none.
	Versions []CommentVersion `json:"versions,omitempty"`
	Hidden   bool             `json:"hidden,omitempty"`
	HiddenBy string           `json:"hiddenBy,omitempty"`

	// Status (status-change) is the new status.
	Status DiscussionStatus `json:"status,omitempty"`
	// OID and Subject (commit) name the commit pushed to the pull request.
	OID     string `json:"oid,omitempty"`
	Subject string `json:"subject,omitempty"`
	// From and To (title-change) are the old and new titles.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Content returns a comment's current text ("" when hidden).
func (e *Event) Content() string {
	if len(e.Versions) == 0 {
		return ""
	}
	return e.Versions[len(e.Versions)-1].Content
}

// Discussion is a discussion or a pull request with its timeline.
type Discussion struct {
	Num           int              `json:"num"`
	Title         string           `json:"title"`
	Author        string           `json:"author"`
	Status        DiscussionStatus `json:"status"`
	IsPullRequest bool             `json:"isPullRequest"`
	CreatedAt     time.Time        `json:"createdAt"`
	// Base is the full ref a pull request merges into ("refs/heads/main").
	Base string `json:"base,omitempty"`
	// MergeCommit is the head of Base right after the merge.
	MergeCommit string `json:"mergeCommit,omitempty"`
	// MergeBase is the commit the pull request's changes were measured
	// from when it was merged.
	MergeBase string  `json:"mergeBase,omitempty"`
	Events    []Event `json:"events"`
}

// Ref returns "refs/pr/N" for a pull request, "" for a discussion.
func (d *Discussion) Ref() string {
	if !d.IsPullRequest {
		return ""
	}
	return "refs/pr/" + strconv.Itoa(d.Num)
}

// clone returns a deep copy of d.
func (d *Discussion) clone() *Discussion {
	c := *d
	c.Events = make([]Event, len(d.Events))
	for i, e := range d.Events {
		e.Versions = append([]CommentVersion(nil), e.Versions...)
		c.Events[i] = e
	}
	return &c
}

// Title and comment limits (the Hub's).
const (
	MinTitleLen = 3
	MaxTitleLen = 200
	// MaxCommentLen bounds a comment, in bytes.
	MaxCommentLen = 64 << 10
)

// ValidateTitle checks a discussion title: 3 to 200 characters once
// leading and trailing spaces are trimmed.
func ValidateTitle(title string) (string, error) {
	t := strings.TrimSpace(title)
	if n := utf8.RuneCountInString(t); n < MinTitleLen || n > MaxTitleLen {
		return "", fmt.Errorf("%w: a title must have between %d and %d characters (got %d)", ErrInvalid, MinTitleLen, MaxTitleLen, n)
	}
	return t, nil
}

func validateComment(c string) error {
	if strings.TrimSpace(c) == "" {
		return fmt.Errorf("%w: the comment is empty", ErrInvalid)
	}
	if len(c) > MaxCommentLen {
		return fmt.Errorf("%w: the comment has %d bytes; at most %d are allowed", ErrInvalid, len(c), MaxCommentLen)
	}
	return nil
}

// newEventID returns a random 24-hex id.
func newEventID() string {
	b := make([]byte, 12)
	rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func (s *Store) newEvent(typ EventType, author string) Event {
	return Event{ID: newEventID(), Type: typ, Author: author, Time: s.stamp()}
}

func (s *Store) newComment(author, content string) Event {
	e := s.newEvent(EventComment, author)
	e.Versions = []CommentVersion{{Content: content, Author: author, Time: e.Time}}
	return e
}

// loadDiscussions reads a repo's discussions/ folder.
func loadDiscussions(dir string) (map[int]*Discussion, error) {
	out := map[int]*Discussion{}
	err := readJSONFiles(filepath.Join(dir, "discussions"), func(name string, data []byte) error {
		d := &Discussion{}
		if err := json.Unmarshal(data, d); err != nil {
			return fmt.Errorf("store: discussion %s: %w", filepath.Join(dir, "discussions", name), err)
		}
		out[d.Num] = d
		return nil
	})
	return out, err
}

// saveDiscussion writes d atomically. Caller holds s.mu for writing.
func (s *Store) saveDiscussion(r *repo, d *Discussion) error {
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Join(s.repoDir(r.Type, r.ID), "discussions")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(filepath.Join(dir, strconv.Itoa(d.Num)+".json"), data, 0o600)
}

// putDiscussion saves d and makes it current; the returned function puts
// the previous version back (in memory and on disk, best effort).
func (s *Store) putDiscussion(r *repo, d *Discussion) (undo func(), err error) {
	if err := s.saveDiscussion(r, d); err != nil {
		return nil, fmt.Errorf("store: save discussion #%d: %w", d.Num, err)
	}
	old, had := r.discussions[d.Num]
	r.discussions[d.Num] = d
	return func() {
		if had {
			r.discussions[d.Num] = old
			_ = s.saveDiscussion(r, old) // best effort
			return
		}
		delete(r.discussions, d.Num)
		_ = os.Remove(filepath.Join(s.repoDir(r.Type, r.ID), "discussions", strconv.Itoa(d.Num)+".json"))
	}, nil
}

// nextDiscussionNum is one more than the highest discussion or pull
// request number. Caller holds s.mu.
func (r *repo) nextDiscussionNum() int {
	n := 0
	for k := range r.discussions {
		n = max(n, k)
	}
	for k := range r.Refs.PullRequests {
		n = max(n, k)
	}
	return n + 1
}

// Discussions returns the repository's discussions and pull requests,
// newest first. The values are copies.
func (s *Store) Discussions(t RepoType, id string) ([]Discussion, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	out := make([]Discussion, 0, len(r.discussions))
	for _, d := range r.discussions {
		out = append(out, *d.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Num > out[j].Num })
	return out, nil
}

// Discussion returns a copy of discussion num.
func (s *Store) Discussion(t RepoType, id string, num int) (Discussion, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return Discussion{}, err
	}
	d, err := r.discussion(num)
	if err != nil {
		return Discussion{}, err
	}
	return *d.clone(), nil
}

func (r *repo) discussion(num int) (*Discussion, error) {
	d, ok := r.discussions[num]
	if !ok {
		return nil, fmt.Errorf("%w: #%d in %s %s", ErrDiscussionNotFound, num, r.Type, r.ID)
	}
	return d, nil
}

// NewDiscussion describes a discussion or pull request to open.
type NewDiscussion struct {
	Title       string
	Description string
	Author      string
	// PullRequest opens a draft pull request: refs/pr/N at the head of
	// Base, to which commits are then pushed.
	PullRequest bool
	// Base is the branch a pull request merges into ("" = main).
	Base string
}

// CreateDiscussion opens a discussion (or an empty pull request) whose first
// comment is the description.
func (s *Store) CreateDiscussion(ctx context.Context, t RepoType, id string, nd NewDiscussion) (Discussion, error) {
	title, err := ValidateTitle(nd.Title)
	if err != nil {
		return Discussion{}, err
	}
	if err := validateComment(nd.Description); err != nil {
		return Discussion{}, err
	}
	var out Discussion
	err = s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		d := &Discussion{Num: r.nextDiscussionNum(), Title: title, Author: nd.Author, Status: StatusOpen, CreatedAt: s.stamp()}
		d.Events = []Event{s.newComment(nd.Author, nd.Description)}
		undoRef := func() {}
		if nd.PullRequest {
			base, head, err := r.commitTarget(nd.Base)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(base, "refs/") {
				return nil, fmt.Errorf("%w: a pull request merges into a branch, not %s", ErrInvalid, base)
			}
			d.IsPullRequest, d.Status, d.Base = true, StatusDraft, fullRef(base)
			undoRef = r.setRef(d.Ref(), head)
		}
		undo, err := s.putDiscussion(r, d)
		if err != nil {
			undoRef()
			return nil, err
		}
		out = *d.clone()
		return func() { undo(); undoRef() }, nil
	})
	return out, err
}

// changeDiscussion applies change to a copy of discussion num under the
// store's lock, then saves it; the event change returns is answered.
func (s *Store) changeDiscussion(ctx context.Context, t RepoType, id string, num int, change func(r *repo, d *Discussion) (Event, error)) (Event, error) {
	if err := ctx.Err(); err != nil {
		return Event{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return Event{}, err
	}
	cur, err := r.discussion(num)
	if err != nil {
		return Event{}, err
	}
	d := cur.clone()
	ev, err := change(r, d)
	if err != nil {
		return Event{}, err
	}
	if _, err := s.putDiscussion(r, d); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// CommentDiscussion adds a comment.
func (s *Store) CommentDiscussion(ctx context.Context, t RepoType, id string, num int, author, content string) (Event, error) {
	if err := validateComment(content); err != nil {
		return Event{}, err
	}
	return s.changeDiscussion(ctx, t, id, num, func(_ *repo, d *Discussion) (Event, error) {
		ev := s.newComment(author, content)
		d.Events = append(d.Events, ev)
		return ev, nil
	})
}

// Comment returns comment commentID of discussion num.
func (d *Discussion) Comment(commentID string) (*Event, error) {
	for i := range d.Events {
		if e := &d.Events[i]; e.Type == EventComment && e.ID == strings.ToLower(commentID) {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: comment %s in #%d", ErrDiscussionNotFound, commentID, d.Num)
}

// EditComment replaces a comment's text, keeping the earlier versions.
func (s *Store) EditComment(ctx context.Context, t RepoType, id string, num int, commentID, author, content string) (Event, error) {
	if err := validateComment(content); err != nil {
		return Event{}, err
	}
	return s.changeDiscussion(ctx, t, id, num, func(_ *repo, d *Discussion) (Event, error) {
		e, err := d.Comment(commentID)
		if err != nil {
			return Event{}, err
		}
		if e.Hidden {
			return Event{}, fmt.Errorf("%w: comment %s is hidden and cannot be edited", ErrInvalid, commentID)
		}
		e.Versions = append(e.Versions, CommentVersion{Content: content, Author: author, Time: s.stamp()})
		return *e, nil
	})
}

// HideComment hides a comment for good: its text (every version) is dropped.
func (s *Store) HideComment(ctx context.Context, t RepoType, id string, num int, commentID, by string) (Event, error) {
	return s.changeDiscussion(ctx, t, id, num, func(_ *repo, d *Discussion) (Event, error) {
		e, err := d.Comment(commentID)
		if err != nil {
			return Event{}, err
		}
		e.Hidden, e.HiddenBy, e.Versions = true, by, nil
		return *e, nil
	})
}

// RenameDiscussion changes the title.
func (s *Store) RenameDiscussion(ctx context.Context, t RepoType, id string, num int, author, title string) (Event, error) {
	title, err := ValidateTitle(title)
	if err != nil {
		return Event{}, err
	}
	return s.changeDiscussion(ctx, t, id, num, func(_ *repo, d *Discussion) (Event, error) {
		ev := s.newEvent(EventTitleChange, author)
		ev.From, ev.To = d.Title, title
		d.Title = title
		d.Events = append(d.Events, ev)
		return ev, nil
	})
}

// SetDiscussionStatus opens or closes a discussion or pull request, after
// posting comment when it is not empty. A merged pull request stays merged.
func (s *Store) SetDiscussionStatus(ctx context.Context, t RepoType, id string, num int, author string, status DiscussionStatus, comment string) (Event, error) {
	if status != StatusOpen && status != StatusClosed {
		return Event{}, fmt.Errorf("%w: status %q (want \"open\" or \"closed\")", ErrInvalid, status)
	}
	return s.changeDiscussion(ctx, t, id, num, func(_ *repo, d *Discussion) (Event, error) {
		switch {
		case d.Status == StatusMerged:
			return Event{}, fmt.Errorf("%w: pull request #%d is merged; its status cannot change", ErrInvalid, num)
		case d.Status == status, status == StatusOpen && d.Status == StatusDraft:
			return Event{}, fmt.Errorf("%w: #%d is already %s", ErrInvalid, num, d.Status)
		}
		if strings.TrimSpace(comment) != "" {
			d.Events = append(d.Events, s.newComment(author, comment))
		}
		ev := s.newEvent(EventStatusChange, author)
		ev.Status = status
		d.Status = status
		d.Events = append(d.Events, ev)
		return ev, nil
	})
}

// checkPRWritable refuses commits to a merged pull request's ref. Caller
// holds s.mu.
func (r *repo) checkPRWritable(target string) error {
	n, ok := prNumber(target)
	if !ok {
		return nil
	}
	if d, found := r.discussions[n]; found && d.Status == StatusMerged {
		return fmt.Errorf("%w: pull request #%d is merged; open a new pull request for more changes", ErrInvalid, n)
	}
	return nil
}

func prNumber(ref string) (int, bool) {
	rest, ok := strings.CutPrefix(ref, "refs/pr/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// recordPRCommit keeps the pull request of a commit's target in step: a
// new pull request (prNum > 0) is opened with the commit's title and
// description, a commit to refs/pr/N is added to N's timeline (and turns a
// draft into an open pull request). It returns the undo. Caller holds s.mu.
func (s *Store) recordPRCommit(r *repo, target, base string, prNum int, req CommitRequest, c *Commit) (func(), error) {
	n, ok := prNumber(target)
	if !ok {
		return func() {}, nil
	}
	author := c.Author
	var d *Discussion
	if prNum > 0 {
		desc := req.Message
		if strings.TrimSpace(desc) == "" {
			desc = c.Title
		}
		d = &Discussion{Num: n, Title: clampTitle(c.Title), Author: author, Status: StatusOpen, IsPullRequest: true,
			CreatedAt: s.stamp(), Base: fullRef(base)}
		d.Events = []Event{s.newComment(author, desc)}
	} else if cur, found := r.discussions[n]; found {
		d = cur.clone()
		if d.Status == StatusDraft {
			d.Status = StatusOpen
		}
	} else {
		return func() {}, nil // a ref without a discussion (imported repos)
	}
	ev := s.newEvent(EventCommit, author)
	ev.OID, ev.Subject = c.ID, c.Title
	d.Events = append(d.Events, ev)
	return s.putDiscussion(r, d)
}

// clampTitle makes a commit title a valid discussion title.
func clampTitle(t string) string {
	t = strings.TrimSpace(t)
	if utf8.RuneCountInString(t) > MaxTitleLen {
		t = string([]rune(t)[:MaxTitleLen])
	}
	for utf8.RuneCountInString(t) < MinTitleLen {
		t += "."
	}
	return t
}

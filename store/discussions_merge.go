package store

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// MergeResult describes a merged pull request.
type MergeResult struct {
	// Commit is the new head of the base branch: the pull request's head
	// after a fast-forward, else a merge commit with two parents.
	Commit *Commit
	// FastForward is true when the base branch had not moved since the
	// pull request started.
	FastForward bool
}

// mergeBase returns the newest commit reachable from both a and b ("" if
// none). Caller holds s.mu.
func (r *repo) mergeBase(a, b string) string {
	ca, ok := r.commits[a]
	if !ok {
		return ""
	}
	inA := map[string]bool{}
	for _, c := range r.ancestors(ca) {
		inA[c.ID] = true
	}
	cb, ok := r.commits[b]
	if !ok {
		return ""
	}
	for _, c := range r.ancestors(cb) { // newest first
		if inA[c.ID] {
			return c.ID
		}
	}
	return ""
}

// prState is what merging and diffing a pull request start from. Caller
// holds s.mu.
type prState struct {
	branch           string // base branch name
	base, ours, head *Commit
}

func (r *repo) prState(d *Discussion) (*prState, error) {
	if !d.IsPullRequest {
		return nil, fmt.Errorf("%w: #%d is a discussion, not a pull request", ErrInvalid, d.Num)
	}
	branch := strings.TrimPrefix(d.Base, "refs/heads/")
	oursID, ok := r.Refs.Branches[branch]
	if !ok {
		return nil, fmt.Errorf("%w: the base branch %q of pull request #%d no longer exists", ErrRevisionNotFound, branch, d.Num)
	}
	headID, ok := r.Refs.PullRequests[d.Num]
	if !ok {
		return nil, fmt.Errorf("%w: refs/pr/%d", ErrRevisionNotFound, d.Num)
	}
	st := &prState{branch: branch, ours: r.commits[oursID], head: r.commits[headID]}
	if st.ours == nil || st.head == nil {
		return nil, fmt.Errorf("%w: pull request #%d points at a missing commit", ErrRevisionNotFound, d.Num)
	}
	if d.Status == StatusMerged {
		// After the merge, the diff stays what the pull request brought.
		st.base = r.commits[d.MergeBase]
	} else {
		st.base = r.commits[r.mergeBase(oursID, headID)]
	}
	return st, nil
}

func fileMap(c *Commit) map[string]*File {
	if c == nil {
		return map[string]*File{}
	}
	return c.files
}

func sameFile(a, b *File) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.SHA256 == b.SHA256 && a.LFS == b.LFS
}

// threeWay merges theirs into ours over base: a path changed on one side
// only takes that side; a path changed on both sides to different content
// is a conflict.
func threeWay(base, ours, theirs map[string]*File) (merged map[string]*File, conflicts []string) {
	merged = make(map[string]*File, len(ours))
	for p, f := range ours {
		merged[p] = f
	}
	paths := map[string]bool{}
	for _, m := range []map[string]*File{base, ours, theirs} {
		for p := range m {
			paths[p] = true
		}
	}
	for p := range paths {
		b, o, t := base[p], ours[p], theirs[p]
		switch {
		case sameFile(b, t), sameFile(o, t):
			// theirs brings nothing new here
		case sameFile(b, o):
			if t == nil {
				delete(merged, p)
			} else {
				merged[p] = t
			}
		default:
			conflicts = append(conflicts, p)
		}
	}
	sort.Strings(conflicts)
	return merged, conflicts
}

// PullRequestConflicts lists the files pull request num cannot merge
// (empty when it merges cleanly, or is no pull request).
func (s *Store) PullRequestConflicts(t RepoType, id string, num int) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	d, err := r.discussion(num)
	if err != nil {
		return nil, err
	}
	if !d.IsPullRequest || d.Status == StatusMerged {
		return []string{}, nil
	}
	st, err := r.prState(d)
	if err != nil {
		return nil, err
	}
	_, conflicts := threeWay(fileMap(st.base), fileMap(st.ours), fileMap(st.head))
	if conflicts == nil {
		conflicts = []string{}
	}
	return conflicts, nil
}

// MergePullRequest merges pull request num into its base branch: a
// fast-forward when the branch has not moved since the pull request
// started, else a merge commit (parents: the branch head, then the pull
// request head). Files both sides changed differently refuse the merge
// with a [*MergeConflictError]. comment, when not empty, is posted first.
func (s *Store) MergePullRequest(ctx context.Context, t RepoType, id string, num int, author, comment string) (*MergeResult, error) {
	var res *MergeResult
	_, err := s.changeDiscussion(ctx, t, id, num, func(r *repo, d *Discussion) (Event, error) {
		switch d.Status {
		case StatusMerged:
			return Event{}, fmt.Errorf("%w: pull request #%d is already merged", ErrInvalid, num)
		case StatusClosed:
			return Event{}, fmt.Errorf("%w: pull request #%d is closed: reopen it before merging", ErrInvalid, num)
		}
		st, err := r.prState(d)
		if err != nil {
			return Event{}, err
		}
		if st.base != nil && st.base.ID == st.head.ID {
			return Event{}, fmt.Errorf("%w: pull request #%d has no changes to merge: push commits to refs/pr/%d first", ErrInvalid, num, num)
		}
		var undo func()
		if st.base != nil && st.base.ID == st.ours.ID {
			undo = r.setRef(st.branch, st.head.ID)
			res = &MergeResult{Commit: st.head, FastForward: true}
		} else {
			merged, conflicts := threeWay(fileMap(st.base), fileMap(st.ours), fileMap(st.head))
			if len(conflicts) > 0 {
				return Event{}, &MergeConflictError{Num: num, Files: conflicts}
			}
			if err := checkFileDirConflicts(merged); err != nil {
				return Event{}, err
			}
			c := &Commit{
				Parents: []string{st.ours.ID, st.head.ID},
				Title:   "Merge refs/pr/" + strconv.Itoa(num) + ": " + d.Title,
				Author:  author,
			}
			if err := s.recordCommit(r, c, merged); err != nil {
				return Event{}, err
			}
			r.commits[c.ID] = c
			u := r.setRef(st.branch, c.ID)
			undo = func() { u(); delete(r.commits, c.ID) }
			res = &MergeResult{Commit: c}
		}
		if err := s.saveRepo(r); err != nil {
			undo()
			return Event{}, fmt.Errorf("store: save refs: %w", err)
		}
		if strings.TrimSpace(comment) != "" {
			d.Events = append(d.Events, s.newComment(author, comment))
		}
		ev := s.newEvent(EventStatusChange, author)
		ev.Status = StatusMerged
		d.Status, d.MergeCommit = StatusMerged, res.Commit.ID
		if st.base != nil {
			d.MergeBase = st.base.ID
		}
		d.Events = append(d.Events, ev)
		return ev, nil
	})
	return res, err
}

// maxDiffFile bounds the files whose lines are compared; larger ones are
// summarised.
const maxDiffFile = 1 << 20

// PullRequestDiff returns the changes pull request num brings, as a git
// diff: the files changed between the merge base and the pull request's
// head, with line diffs for text files (LFS files show their pointers).
func (s *Store) PullRequestDiff(t RepoType, id string, num int) (string, error) {
	s.mu.RLock()
	r, err := s.lookup(t, id)
	if err != nil {
		s.mu.RUnlock()
		return "", err
	}
	d, err := r.discussion(num)
	if err != nil {
		s.mu.RUnlock()
		return "", err
	}
	st, err := r.prState(d)
	s.mu.RUnlock()
	if err != nil {
		return "", err
	}
	// Commits are immutable: compare them without the lock.
	return s.diffCommits(st.base, st.head)
}

// diffCommits renders the changes from a to b as a git diff.
func (s *Store) diffCommits(a, b *Commit) (string, error) {
	from, to := fileMap(a), fileMap(b)
	paths := map[string]bool{}
	for p := range from {
		paths[p] = true
	}
	for p := range to {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		if !sameFile(from[p], to[p]) {
			sorted = append(sorted, p)
		}
	}
	sort.Strings(sorted)
	var out strings.Builder
	for _, p := range sorted {
		if err := s.diffFile(&out, p, from[p], to[p]); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

// diffContent returns what git shows of a file: its text, or the LFS
// pointer; ok is false for binary or too large content.
func (s *Store) diffContent(f *File) (text string, ok bool, err error) {
	if f == nil {
		return "", true, nil
	}
	if f.LFS {
		return string(f.Pointer()), true, nil
	}
	if f.Size > maxDiffFile {
		return "", false, nil
	}
	data, err := s.readSmall(f)
	if err != nil {
		return "", false, err
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", false, nil
	}
	return string(data), true, nil
}

func (s *Store) diffFile(out *strings.Builder, p string, a, b *File) error {
	fmt.Fprintf(out, "diff --git a/%s b/%s\n", p, p)
	oldID, newID := strings.Repeat("0", 7), strings.Repeat("0", 7)
	switch {
	case a == nil:
		out.WriteString("new file mode 100644\n")
		newID = b.BlobID[:7]
	case b == nil:
		out.WriteString("deleted file mode 100644\n")
		oldID = a.BlobID[:7]
	default:
		oldID, newID = a.BlobID[:7], b.BlobID[:7]
	}
	fmt.Fprintf(out, "index %s..%s\n", oldID, newID)
	oldText, okA, err := s.diffContent(a)
	if err != nil {
		return err
	}
	newText, okB, err := s.diffContent(b)
	if err != nil {
		return err
	}
	oldLabel, newLabel := "a/"+p, "b/"+p
	if a == nil {
		oldLabel = "/dev/null"
	}
	if b == nil {
		newLabel = "/dev/null"
	}
	if !okA || !okB {
		fmt.Fprintf(out, "Binary files %s and %s differ\n", oldLabel, newLabel)
		return nil
	}
	out.WriteString(udiff.Unified(oldLabel, newLabel, oldText, newText))
	return nil
}

package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SquashRequest configures [Store.SuperSquash].
type SquashRequest struct {
	// Branch is the branch to squash ("" is main; "refs/heads/x" is x).
	Branch string
	// Title is the message of the new commit (default "Super-squash branch
	// '<branch>'").
	Title string
	// Author is the committer shown in the history (default "system").
	Author string
}

// SuperSquash replaces the history of a branch by one commit with the same
// tree and no parent, like the Hub's super-squash: the branch then points
// at the new commit. Other branches, tags and pull requests keep their
// commits (so the old history stays reachable from them). Tags, pull
// requests and convert refs cannot be squashed (ErrInvalid); a missing
// branch is ErrRevisionNotFound.
func (s *Store) SuperSquash(ctx context.Context, t RepoType, id string, req SquashRequest) (*Commit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	branch := strings.TrimPrefix(req.Branch, "refs/heads/")
	if branch == "" || branch == "HEAD" {
		branch = DefaultBranch
	}
	if strings.HasPrefix(branch, "refs/") {
		return nil, fmt.Errorf("%w: %q is not a branch: only branches can be squashed", ErrInvalid, req.Branch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	head, ok := r.Refs.Branches[branch]
	if !ok {
		if _, isTag := r.Refs.Tags[branch]; isTag {
			return nil, fmt.Errorf("%w: %q is a tag: only branches can be squashed", ErrInvalid, branch)
		}
		return nil, fmt.Errorf("%w: branch %q in %s %s", ErrRevisionNotFound, branch, t, id)
	}
	old := r.commits[head]
	c := &Commit{Title: req.Title, Author: req.Author, Date: s.now().UTC().Truncate(time.Second)}
	if strings.TrimSpace(c.Title) == "" {
		c.Title = "Super-squash branch '" + branch + "'"
	}
	if c.Author == "" {
		c.Author = "system"
	}
	c.List = append([]*File(nil), old.List...)
	c.index()
	c.Tree = c.dirs[""]
	r.Seq++
	c.Seq = r.Seq
	c.ID = gitCommitID(c.Tree, nil, c.Author, c.Date, c.FullMessage())
	if err := s.saveCommit(r, c); err != nil {
		r.Seq--
		return nil, fmt.Errorf("store: save commit: %w", err)
	}
	undo := r.setRef(branch, c.ID)
	r.commits[c.ID] = c
	if err := s.saveRepo(r); err != nil {
		undo()
		delete(r.commits, c.ID)
		r.Seq--
		return nil, fmt.Errorf("store: save refs: %w", err)
	}
	return c, nil
}

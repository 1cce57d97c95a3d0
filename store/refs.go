package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// resolve finds the commit a revision names. Caller holds s.mu.
func (r *repo) resolve(rev string) (*Commit, error) {
	id := ""
	switch {
	case rev == "" || rev == "HEAD":
		id = r.Refs.Branches[DefaultBranch]
	case isHex40(rev) && r.commits[rev] != nil:
		id = rev
	case strings.HasPrefix(rev, "refs/heads/"):
		id = r.Refs.Branches[strings.TrimPrefix(rev, "refs/heads/")]
	case strings.HasPrefix(rev, "refs/tags/"):
		id = r.Refs.Tags[strings.TrimPrefix(rev, "refs/tags/")]
	case strings.HasPrefix(rev, "refs/convert/"):
		id = r.Refs.Converts[strings.TrimPrefix(rev, "refs/convert/")]
	case strings.HasPrefix(rev, "refs/pr/"):
		if n, err := strconv.Atoi(strings.TrimPrefix(rev, "refs/pr/")); err == nil {
			id = r.Refs.PullRequests[n]
		}
	default:
		if b, ok := r.Refs.Branches[rev]; ok {
			id = b
		} else {
			id = r.Refs.Tags[rev]
		}
	}
	c, ok := r.commits[id]
	if id == "" || !ok {
		return nil, fmt.Errorf("%w: %q in %s %s", ErrRevisionNotFound, rev, r.Type, r.ID)
	}
	return c, nil
}

// Resolve returns the commit that rev names in the repository: "" or "HEAD"
// (the main branch), a branch, a tag, a full commit id, or a full ref name
// (refs/heads/x, refs/tags/x, refs/pr/N, refs/convert/parquet).
// It fails with ErrRepoNotFound or ErrRevisionNotFound.
func (s *Store) Resolve(t RepoType, id, rev string) (*Commit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	return r.resolve(rev)
}

// Refs returns a copy of the repository's references.
func (s *Store) Refs(t RepoType, id string) (Refs, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return Refs{}, err
	}
	return r.Refs.clone(), nil
}

// ValidateRefName checks a branch or tag name: non-empty, no "refs/" prefix,
// no "..", no leading or trailing '/', no control characters, spaces,
// '~', '^', ':', '?', '*', '[' or '\\', and not a 40-hex commit id.
func ValidateRefName(name string) error {
	bad := name == "" || name == "HEAD" || strings.HasPrefix(name, "refs/") || strings.Contains(name, "..") ||
		strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".lock") ||
		strings.Contains(name, "//") || strings.Contains(name, "@{") || isHex40(name) ||
		strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune("~^:?*[\\", r) })
	if bad {
		return fmt.Errorf("%w: reference name %q (use letters, digits, '-', '_', '.', '/'; not \"refs/...\" or a commit id)", ErrInvalid, name)
	}
	return nil
}

// CreateBranch creates branch name at the commit fromRev names ("" = main).
// It fails with ErrRefExists if the branch exists.
func (s *Store) CreateBranch(ctx context.Context, t RepoType, id, name, fromRev string) error {
	return s.createRef(ctx, t, id, "branch", func(r *repo) map[string]string { return r.Refs.Branches }, name, fromRev)
}

// DeleteBranch deletes a branch. The main branch cannot be deleted.
func (s *Store) DeleteBranch(ctx context.Context, t RepoType, id, name string) error {
	if name == DefaultBranch {
		return fmt.Errorf("%w: the %s branch cannot be deleted", ErrInvalid, DefaultBranch)
	}
	return s.deleteRef(ctx, t, id, func(r *repo) map[string]string { return r.Refs.Branches }, name)
}

// CreateTag creates tag at the commit rev names ("" = main).
// It fails with ErrRefExists if the tag exists.
func (s *Store) CreateTag(ctx context.Context, t RepoType, id, tag, rev string) error {
	return s.createRef(ctx, t, id, "tag", func(r *repo) map[string]string { return r.Refs.Tags }, tag, rev)
}

// DeleteTag deletes a tag; ErrRevisionNotFound if there is none.
func (s *Store) DeleteTag(ctx context.Context, t RepoType, id, tag string) error {
	return s.deleteRef(ctx, t, id, func(r *repo) map[string]string { return r.Refs.Tags }, tag)
}

// createRef adds the ref name (a kind: "branch" or "tag") of refs at the
// commit rev names.
func (s *Store) createRef(ctx context.Context, t RepoType, id, kind string, refs func(*repo) map[string]string, name, rev string) error {
	if err := ValidateRefName(name); err != nil {
		return err
	}
	return s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		m := refs(r)
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("%w: %s %q", ErrRefExists, kind, name)
		}
		c, err := r.resolve(rev)
		if err != nil {
			return nil, err
		}
		m[name] = c.ID
		return func() { delete(m, name) }, nil
	})
}

func (s *Store) deleteRef(ctx context.Context, t RepoType, id string, refs func(*repo) map[string]string, name string) error {
	return s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		m := refs(r)
		old, ok := m[name]
		if !ok {
			return nil, fmt.Errorf("%w: %q in %s %s", ErrRevisionNotFound, name, t, id)
		}
		delete(m, name)
		return func() { m[name] = old }, nil
	})
}

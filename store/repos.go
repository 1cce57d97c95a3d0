package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// CreateOptions configures a new repository.
type CreateOptions struct {
	Private bool
	// Gated is "", "auto" or "manual".
	Gated string
	// Gitattributes replaces the default .gitattributes of the initial commit.
	Gitattributes []byte
}

// ValidateGated checks a gated setting: "", "auto" or "manual".
func ValidateGated(g string) error {
	switch g {
	case "", "auto", "manual":
		return nil
	}
	return fmt.Errorf("%w: gated %q (want \"auto\", \"manual\" or off)", ErrInvalid, g)
}

// CreateRepo creates a repository whose main branch holds one system commit
// ("initial commit") adding .gitattributes, like the Hub. It fails with
// ErrRepoExists if the id is taken.
func (s *Store) CreateRepo(ctx context.Context, t RepoType, id string, opts CreateOptions) (RepoInfo, error) {
	if err := ValidateRepoID(id); err != nil {
		return RepoInfo{}, err
	}
	if err := ValidateGated(opts.Gated); err != nil {
		return RepoInfo{}, err
	}
	if _, err := ParseRepoType(string(t)); err != nil || t == "" {
		return RepoInfo{}, fmt.Errorf("%w: repo type %q", ErrInvalid, t)
	}
	ga := opts.Gitattributes
	if ga == nil {
		ga = DefaultGitattributes(t)
	}
	blob, err := s.PutBlob(ctx, bytes.NewReader(ga))
	if err != nil {
		return RepoInfo{}, err
	}
	s.mu.Lock()
	if _, ok := s.repos[repoKey{t, id}]; ok {
		s.mu.Unlock()
		return RepoInfo{}, fmt.Errorf("%w: %s %s", ErrRepoExists, t, id)
	}
	now := s.now().UTC().Truncate(time.Second)
	r := &repo{
		RepoInfo: RepoInfo{Type: t, ID: id, ObjectID: objectID(t, id, now), Private: opts.Private, Gated: opts.Gated, CreatedAt: now},
		Refs:     Refs{}.clone(),
		commits:  map[string]*Commit{},

		discussions: map[int]*Discussion{},
	}
	// The branch must exist before the first commit.
	r.Refs.Branches[DefaultBranch] = ""
	s.repos[repoKey{t, id}] = r
	delete(s.redirects, repoKey{t, id}) // a new repo shadows an old redirect
	s.mu.Unlock()

	_, err = s.Commit(ctx, t, id, CommitRequest{
		Title: "initial commit", Author: "system", Date: now,
		Ops: []Op{{Kind: OpAdd, Path: ".gitattributes", SHA256: blob.SHA256, LFS: LFSNever}},
	})
	if err != nil {
		s.mu.Lock()
		delete(s.repos, repoKey{t, id})
		s.mu.Unlock()
		_ = os.RemoveAll(s.repoDir(t, id)) // best effort: undo a half-created repo
		return RepoInfo{}, err
	}
	return s.Repo(t, id)
}

// DeleteRepo deletes a repository and its history (stored content stays
// for other repositories that share it).
func (s *Store) DeleteRepo(ctx context.Context, t RepoType, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookup(t, id); err != nil {
		return err
	}
	// Rename first so a crash never leaves a half-deleted repo that loads.
	dir := s.repoDir(t, id)
	trash := filepath.Join(s.dir, "tmp", "deleted-"+filepath.Base(dir)+"-"+strconv.FormatInt(s.now().UnixNano(), 36))
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("store: delete %s: %w", id, err)
	}
	delete(s.repos, repoKey{t, id})
	s.forgetHistory(t, id)
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("store: delete %s: %w", id, err)
	}
	return nil
}

// MoveRepo renames a repository. Afterwards the old id redirects to the new
// one (see [Store.Redirect]) until a repository is created under it again.
func (s *Store) MoveRepo(ctx context.Context, t RepoType, from, to string) error {
	if err := ValidateRepoID(to); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(t, from)
	if err != nil {
		return err
	}
	if _, ok := s.repos[repoKey{t, to}]; ok {
		return fmt.Errorf("%w: %s %s", ErrRepoExists, t, to)
	}
	if err := os.Rename(s.repoDir(t, from), s.repoDir(t, to)); err != nil {
		return fmt.Errorf("store: move %s: %w", from, err)
	}
	r.ID = to
	if err := s.saveRepo(r); err != nil {
		r.ID = from
		_ = os.Rename(s.repoDir(t, to), s.repoDir(t, from)) // best effort: roll back the move
		return fmt.Errorf("store: move %s: %w", from, err)
	}
	delete(s.repos, repoKey{t, from})
	s.repos[repoKey{t, to}] = r
	s.forgetHistory(t, from)
	s.redirects[repoKey{t, from}] = to
	delete(s.redirects, repoKey{t, to})
	return s.saveRedirects()
}

// Settings changes repository settings; nil fields are left as they are.
type Settings struct {
	Private *bool
	Gated   *string // "", "auto" or "manual"
}

// UpdateSettings applies settings to a repository.
func (s *Store) UpdateSettings(ctx context.Context, t RepoType, id string, set Settings) error {
	if set.Gated != nil {
		if err := ValidateGated(*set.Gated); err != nil {
			return err
		}
	}
	return s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		old := r.RepoInfo
		if set.Private != nil {
			r.Private = *set.Private
		}
		if set.Gated != nil {
			r.Gated = *set.Gated
		}
		return func() { r.RepoInfo = old }, nil
	})
}

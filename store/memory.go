package store

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CommitSpec describes a commit made outside a [Store] — a snapshot found
// in an HF cache, say — for [NewCommit].
type CommitSpec struct {
	// ID is the commit id (40 lowercase hex). Empty: computed from the
	// tree, parents, author, date and message like the store's own commits.
	ID string
	// Parents are the parent commit ids, first parent first.
	Parents []string
	// Title is the commit summary; Message its body.
	Title, Message string
	// Author is the committing user ("" = "system").
	Author string
	// Date is the commit date (kept to the second, in UTC).
	Date time.Time
	// Files is the full file tree. Path, Size and BlobID (40 hex) are
	// required; SHA256 names the content for [Source]-style OpenBlob calls
	// (for LFS files it must be the 64-hex sha256 of the content).
	Files []File
}

// NewCommit builds an immutable [Commit] from spec: it checks every path
// like [Store.Commit] does, refuses a path that is both a file and a folder,
// and computes the git tree ids (and the commit id when spec.ID is empty).
// The result is meant for [NewMemory].
func NewCommit(spec CommitSpec) (*Commit, error) {
	if spec.ID != "" && !isHex40(spec.ID) {
		return nil, fmt.Errorf("%w: commit id %q (want 40 lowercase hex digits)", ErrInvalid, spec.ID)
	}
	for _, p := range spec.Parents {
		if !isHex40(p) {
			return nil, fmt.Errorf("%w: parent commit id %q (want 40 lowercase hex digits)", ErrInvalid, p)
		}
	}
	files := make(map[string]*File, len(spec.Files))
	list := make([]*File, 0, len(spec.Files))
	for i := range spec.Files {
		f := spec.Files[i] // copy: the commit owns its files
		if err := ValidatePath(f.Path); err != nil {
			return nil, err
		}
		if !isHex40(f.BlobID) {
			return nil, fmt.Errorf("%w: file %q: git blob id %q (want 40 lowercase hex digits)", ErrInvalid, f.Path, f.BlobID)
		}
		if f.Size < 0 {
			return nil, fmt.Errorf("%w: file %q: negative size %d", ErrInvalid, f.Path, f.Size)
		}
		if f.LFS && !isHex64(f.SHA256) {
			return nil, fmt.Errorf("%w: LFS file %q: sha256 %q (want 64 lowercase hex digits)", ErrInvalid, f.Path, f.SHA256)
		}
		if _, dup := files[f.Path]; dup {
			return nil, fmt.Errorf("%w: file %q listed twice", ErrInvalid, f.Path)
		}
		files[f.Path] = &f
		list = append(list, &f)
	}
	if err := checkFileDirConflicts(files); err != nil {
		return nil, err
	}
	c := &Commit{
		ID: spec.ID, Parents: append([]string(nil), spec.Parents...),
		Title: spec.Title, Message: spec.Message, Author: spec.Author,
		Date: spec.Date.UTC().Truncate(time.Second), List: list,
	}
	if c.Author == "" {
		c.Author = "system"
	}
	c.index()
	c.Tree = c.dirs[""]
	if c.ID == "" {
		c.ID = gitCommitID(c.Tree, c.Parents, c.Author, c.Date, c.FullMessage())
	}
	return c, nil
}

// MemoryRepo is one repository of a [Memory].
type MemoryRepo struct {
	// Info describes the repo: Type and ID are required; an empty ObjectID
	// is derived from the type, id and CreatedAt. Head and LastModified are
	// computed from the main branch.
	Info RepoInfo
	// Refs name commits of Commits. A ref naming a commit that is not
	// there resolves to ErrRevisionNotFound (like a snapshot gone from a
	// cache). Nil maps are allowed.
	Refs Refs
	// Commits are built with [NewCommit], oldest first: the order defines
	// the history order of [Memory.Log].
	Commits []*Commit
}

// Memory is a read-only set of repositories held in memory, answering the
// same read queries as a [Store] (Repo, ListRepos, Resolve, Refs, Log,
// LastCommits) without any files of its own. It serves repositories whose
// content lives elsewhere, such as an HF cache. It is immutable and safe for
// concurrent use; build a new one to change what it holds.
type Memory struct {
	repos map[repoKey]*repo
}

// NewMemory builds a Memory holding repos. It fails with ErrInvalid on a
// bad type, repo id or gated setting, a repo listed twice, or a commit
// listed twice in one repo.
func NewMemory(repos []MemoryRepo) (*Memory, error) {
	m := &Memory{repos: make(map[repoKey]*repo, len(repos))}
	for _, mr := range repos {
		info := mr.Info
		if _, err := ParseRepoType(string(info.Type)); err != nil || info.Type == "" {
			return nil, fmt.Errorf("%w: repo %q: type %q", ErrInvalid, info.ID, info.Type)
		}
		if err := ValidateRepoID(info.ID); err != nil {
			return nil, err
		}
		if err := ValidateGated(info.Gated); err != nil {
			return nil, err
		}
		key := repoKey{info.Type, info.ID}
		if _, dup := m.repos[key]; dup {
			return nil, fmt.Errorf("%w: %s %s listed twice", ErrInvalid, info.Type, info.ID)
		}
		info.CreatedAt = info.CreatedAt.UTC()
		if info.ObjectID == "" {
			info.ObjectID = objectID(info.Type, info.ID, info.CreatedAt)
		}
		info.Head, info.LastModified = "", time.Time{}
		info.Access = slices.Clone(info.Access)
		r := &repo{RepoInfo: info, Refs: mr.Refs.clone(), commits: make(map[string]*Commit, len(mr.Commits))}
		for i, c := range mr.Commits {
			if c == nil || c.files == nil {
				return nil, fmt.Errorf("%w: %s %s: commit %d was not built with NewCommit", ErrInvalid, info.Type, info.ID, i)
			}
			if _, dup := r.commits[c.ID]; dup {
				return nil, fmt.Errorf("%w: %s %s: commit %s listed twice", ErrInvalid, info.Type, info.ID, c.ID)
			}
			cp := *c // Seq is the repo's own order
			cp.Seq = int64(i + 1)
			r.commits[c.ID] = &cp
		}
		r.Seq = int64(len(mr.Commits))
		m.repos[key] = r
	}
	return m, nil
}

func (m *Memory) lookup(t RepoType, id string) (*repo, error) {
	r, ok := m.repos[repoKey{t, id}]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s", ErrRepoNotFound, t, id)
	}
	return r, nil
}

// Repo returns the repository's description, or ErrRepoNotFound.
func (m *Memory) Repo(t RepoType, id string) (RepoInfo, error) {
	r, err := m.lookup(t, id)
	if err != nil {
		return RepoInfo{}, err
	}
	return r.info(), nil
}

// Redirect reports no renames: a Memory records none.
func (m *Memory) Redirect(t RepoType, id string) (string, bool) { return "", false }

// ListRepos returns every repository of type t, sorted by id.
func (m *Memory) ListRepos(t RepoType) []RepoInfo {
	var out []RepoInfo
	for k, r := range m.repos {
		if k.t == t {
			out = append(out, r.info())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Resolve returns the commit rev names, like [Store.Resolve].
func (m *Memory) Resolve(t RepoType, id, rev string) (*Commit, error) {
	r, err := m.lookup(t, id)
	if err != nil {
		return nil, err
	}
	return r.resolve(rev)
}

// Refs returns a copy of the repository's references.
func (m *Memory) Refs(t RepoType, id string) (Refs, error) {
	r, err := m.lookup(t, id)
	if err != nil {
		return Refs{}, err
	}
	return r.Refs.clone(), nil
}

// Log returns the commits reachable from rev, newest first.
func (m *Memory) Log(t RepoType, id, rev string) ([]*Commit, error) {
	r, err := m.lookup(t, id)
	if err != nil {
		return nil, err
	}
	return r.log(rev)
}

// LastCommits returns, for every file and folder of commit commitID, the
// newest commit (at or before it) that changed it, like [Store.LastCommits].
func (m *Memory) LastCommits(t RepoType, id, commitID string) (map[string]*Commit, error) {
	r, err := m.lookup(t, id)
	if err != nil {
		return nil, err
	}
	head, err := r.resolve(commitID)
	if err != nil {
		return nil, err
	}
	return lastCommitsOf(head, r.ancestors(head)), nil
}

// RefsFromNames sorts full git ref names ("refs/heads/main", "refs/tags/v1",
// "refs/pr/1", "refs/convert/parquet") and bare branch names ("main", as an
// HF cache's refs/ folder holds them) into a [Refs]. Names that fit none of
// these are ignored.
func RefsFromNames(names map[string]string) Refs {
	refs := Refs{}.clone()
	for name, commit := range names {
		switch {
		case strings.HasPrefix(name, "refs/pr/"):
			if n, err := strconv.Atoi(strings.TrimPrefix(name, "refs/pr/")); err == nil && n > 0 {
				refs.PullRequests[n] = commit
			}
		case strings.HasPrefix(name, "refs/convert/"):
			refs.Converts[strings.TrimPrefix(name, "refs/convert/")] = commit
		case strings.HasPrefix(name, "refs/tags/"):
			refs.Tags[strings.TrimPrefix(name, "refs/tags/")] = commit
		case strings.HasPrefix(name, "refs/heads/"):
			refs.Branches[strings.TrimPrefix(name, "refs/heads/")] = commit
		case !strings.HasPrefix(name, "refs/") && name != "":
			refs.Branches[name] = commit
		}
	}
	return refs
}

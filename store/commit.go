package store

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// OpKind is the kind of a commit operation.
type OpKind int

// Commit operation kinds.
const (
	// OpAdd adds or replaces the file at Path with stored content SHA256.
	OpAdd OpKind = iota + 1
	// OpDelete deletes the file at Path, or every file under the folder Path.
	OpDelete
	// OpCopy copies the file From (at FromRevision) to Path.
	OpCopy
)

// LFSMode says how an added file is stored.
type LFSMode int

// LFS modes.
const (
	// LFSAuto stores the file as LFS when it is at least LFSThreshold bytes
	// or matches the repository's .gitattributes LFS patterns.
	LFSAuto LFSMode = iota
	// LFSAlways stores the file as LFS (the client uploaded it through LFS).
	LFSAlways
	// LFSNever stores the file in git (the client sent it inline).
	LFSNever
)

// Op is one operation of a commit.
type Op struct {
	Kind OpKind
	// Path is the target path (a file, or for OpDelete a file or folder).
	Path string
	// SHA256 names stored content (from PutBlob) for OpAdd.
	SHA256 string
	// LFS chooses the storage of an OpAdd file.
	LFS LFSMode
	// From and FromRevision name the source of an OpCopy; an empty
	// FromRevision means the commit's parent.
	From, FromRevision string
}

// CommitRequest describes a commit.
type CommitRequest struct {
	// Revision is the branch to commit to ("" = main), or a ref name:
	// "refs/pr/N" (an open pull request) or "refs/convert/<name>" (created
	// on first commit, without parent).
	Revision string
	// ParentCommit, when set, must equal the current head of Revision,
	// else the commit fails with ErrParentMismatch.
	ParentCommit string
	// CreatePR commits to a new refs/pr/N ref based on Revision instead.
	CreatePR bool
	// Title is the commit summary; Message its body.
	Title, Message string
	// Author is the committing user ("" = "system").
	Author string
	// Ops are applied in order.
	Ops []Op
	// Date overrides the commit date (zero: now).
	Date time.Time
}

// CommitResult describes a new commit.
type CommitResult struct {
	Commit *Commit
	// PRNum is the pull request number when CreatePR was set, else 0.
	PRNum int
	// Ref is the full reference the commit was made on
	// ("refs/heads/main", "refs/pr/1", ...).
	Ref string
}

// Path length limits of [ValidatePath], in bytes: the file systems the
// Hub's clients write to refuse longer names, so the store does too.
const (
	// MaxPathLen is the longest path of a file in a repository.
	MaxPathLen = 1024
	// MaxPathSegmentLen is the longest file or folder name in a path.
	MaxPathSegmentLen = 255
)

// ValidatePath checks a file path inside a repository: relative,
// slash-separated, no empty, "." or ".." segments, not inside ".git", at
// most MaxPathLen bytes with names of at most MaxPathSegmentLen bytes.
func ValidatePath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return fmt.Errorf("%w: path %q (want a relative slash-separated path)", ErrInvalid, p)
	}
	if len(p) > MaxPathLen {
		return fmt.Errorf("%w: path %.64q... is %d bytes long; paths are limited to %d bytes", ErrInvalid, p, len(p), MaxPathLen)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || seg == ".git" {
			return fmt.Errorf("%w: path %q has an empty, \".\", \"..\" or \".git\" segment", ErrInvalid, p)
		}
		if len(seg) > MaxPathSegmentLen {
			return fmt.Errorf("%w: path %q has a name of %d bytes; file and folder names are limited to %d bytes", ErrInvalid, p, len(seg), MaxPathSegmentLen)
		}
	}
	return nil
}

// Commit applies req's operations on top of the head of req.Revision and
// records the result as a new commit, atomically: on error nothing changes.
// Added content must have been stored with PutBlob first.
func (s *Store) Commit(ctx context.Context, t RepoType, id string, req CommitRequest) (*CommitResult, error) {
	// Hash regular-file candidates before taking the lock: it reads content.
	gitIDs := map[string]string{}
	sizes := map[string]int64{}
	for _, op := range req.Ops {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if op.Kind != OpAdd && op.Kind != OpDelete && op.Kind != OpCopy {
			return nil, fmt.Errorf("%w: operation kind %d", ErrInvalid, op.Kind)
		}
		if op.Kind == OpDelete && strings.HasSuffix(op.Path, "/") {
			if err := ValidatePath(strings.TrimSuffix(op.Path, "/")); err != nil {
				return nil, err
			}
		} else if err := ValidatePath(op.Path); err != nil {
			return nil, err
		}
		if op.Kind != OpAdd {
			continue
		}
		size, ok := s.HasBlob(op.SHA256)
		if !ok {
			return nil, fmt.Errorf("%w: content %s for %q was not uploaded", ErrBlobNotFound, op.SHA256, op.Path)
		}
		sizes[op.SHA256] = size
		if _, done := gitIDs[op.SHA256]; !done && op.LFS != LFSAlways && (size < LFSThreshold || op.LFS == LFSNever) {
			gid, err := s.gitBlobIDOf(Blob{op.SHA256, size})
			if err != nil {
				return nil, err
			}
			gitIDs[op.SHA256] = gid
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	target, head, err := r.commitTarget(req.Revision)
	if err != nil {
		return nil, err
	}
	if req.ParentCommit != "" && req.ParentCommit != head {
		return nil, fmt.Errorf("%w: parent %s, head of %s is %s", ErrParentMismatch, req.ParentCommit, target, head)
	}
	if err := r.checkPRWritable(target); err != nil {
		return nil, err
	}
	prNum, base := 0, target
	if req.CreatePR {
		if head == "" {
			return nil, fmt.Errorf("%w: cannot open a pull request on %s: it has no commit", ErrRevisionNotFound, target)
		}
		if strings.HasPrefix(target, "refs/") {
			return nil, fmt.Errorf("%w: a pull request merges into a branch, not %s", ErrInvalid, target)
		}
		prNum = r.nextDiscussionNum() // pull requests and discussions share numbers
		target = "refs/pr/" + strconv.Itoa(prNum)
	}

	files := map[string]*File{}
	var parents []string
	if head != "" {
		for _, f := range r.commits[head].List {
			files[f.Path] = f
		}
		parents = []string{head}
	}
	type added struct {
		path string
		op   Op
	}
	var adds []added
	for _, op := range req.Ops {
		switch op.Kind {
		case OpAdd:
			files[op.Path] = &File{Path: op.Path, Size: sizes[op.SHA256], SHA256: op.SHA256}
			adds = append(adds, added{op.Path, op})
		case OpDelete:
			if _, ok := files[op.Path]; ok {
				delete(files, op.Path)
				continue
			}
			prefix := strings.TrimSuffix(op.Path, "/") + "/"
			found := false
			for p := range files {
				if strings.HasPrefix(p, prefix) {
					delete(files, p)
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("%w: cannot delete %q: no such file or folder", ErrEntryNotFound, op.Path)
			}
		case OpCopy:
			var src *File
			if op.FromRevision == "" {
				if head == "" {
					return nil, fmt.Errorf("%w: copy source %q", ErrEntryNotFound, op.From)
				}
				src = r.commits[head].files[op.From]
			} else {
				c, err := r.resolve(op.FromRevision)
				if err != nil {
					return nil, err
				}
				src = c.files[op.From]
			}
			if src == nil {
				return nil, fmt.Errorf("%w: copy source %q at %q", ErrEntryNotFound, op.From, op.FromRevision)
			}
			cp := *src
			cp.Path = op.Path
			files[op.Path] = &cp
		}
	}
	// Decide LFS storage with the .gitattributes of the resulting tree.
	var attrs Attributes
	if ga, ok := files[".gitattributes"]; ok {
		if data, err := s.readSmall(ga); err == nil {
			attrs = ParseGitattributes(data)
		}
	}
	for _, a := range adds {
		f := files[a.path]
		if f == nil || f.SHA256 != a.op.SHA256 {
			continue // replaced or deleted by a later operation
		}
		switch a.op.LFS {
		case LFSAlways:
			f.LFS = true
		case LFSNever:
			f.LFS = false
		default:
			f.LFS = f.Size >= LFSThreshold || attrs.IsLFS(f.Path)
		}
		if f.LFS {
			f.BlobID = GitBlobID(f.Pointer())
		} else {
			f.BlobID = gitIDs[f.SHA256]
		}
	}
	if err := checkFileDirConflicts(files); err != nil {
		return nil, err
	}

	c := &Commit{Parents: parents, Title: req.Title, Message: req.Message, Author: req.Author, Date: req.Date}
	if err := s.recordCommit(r, c, files); err != nil {
		return nil, err
	}
	undoPR, err := s.recordPRCommit(r, target, base, prNum, req, c)
	if err != nil {
		r.Seq--
		return nil, err
	}
	undo := r.setRef(target, c.ID)
	r.commits[c.ID] = c
	if err := s.saveRepo(r); err != nil {
		undo()
		undoPR()
		delete(r.commits, c.ID)
		r.Seq--
		return nil, fmt.Errorf("store: save refs: %w", err)
	}
	return &CommitResult{Commit: c, PRNum: prNum, Ref: fullRef(target)}, nil
}

// recordCommit completes c (defaults, the tree of files, sequence number,
// id) and saves it; refs are the caller's business. On error r is as it
// was. Caller holds s.mu for writing.
func (s *Store) recordCommit(r *repo, c *Commit, files map[string]*File) error {
	if c.Author == "" {
		c.Author = "system"
	}
	if c.Date.IsZero() {
		c.Date = s.now()
	}
	c.Date = c.Date.UTC().Truncate(time.Second)
	if c.Title == "" {
		c.Title = "Upload files"
	}
	for _, f := range files {
		c.List = append(c.List, f)
	}
	c.index()
	c.Tree = c.dirs[""]
	r.Seq++
	c.Seq = r.Seq
	c.ID = gitCommitID(c.Tree, c.Parents, c.Author, c.Date, c.FullMessage())
	if err := s.saveCommit(r, c); err != nil {
		r.Seq--
		return fmt.Errorf("store: save commit: %w", err)
	}
	return nil
}

// commitTarget normalises a commit's target ref and returns its head ("" for
// a new convert ref). Caller holds s.mu.
func (r *repo) commitTarget(rev string) (target, head string, err error) {
	switch {
	case rev == "" || rev == "HEAD":
		rev = DefaultBranch
	case strings.HasPrefix(rev, "refs/heads/"):
		rev = strings.TrimPrefix(rev, "refs/heads/")
	case strings.HasPrefix(rev, "refs/convert/"):
		name := strings.TrimPrefix(rev, "refs/convert/")
		if ValidateRefName(name) != nil {
			return "", "", fmt.Errorf("%w: ref %q", ErrInvalid, rev)
		}
		return rev, r.Refs.Converts[name], nil
	case strings.HasPrefix(rev, "refs/pr/"):
		n, convErr := strconv.Atoi(strings.TrimPrefix(rev, "refs/pr/"))
		head, ok := r.Refs.PullRequests[n]
		if convErr != nil || !ok {
			return "", "", fmt.Errorf("%w: %q in %s %s", ErrRevisionNotFound, rev, r.Type, r.ID)
		}
		return rev, head, nil
	}
	head, ok := r.Refs.Branches[rev]
	if !ok {
		if _, isTag := r.Refs.Tags[rev]; isTag {
			return "", "", fmt.Errorf("%w: %q is a tag; commits go to branches", ErrInvalid, rev)
		}
		return "", "", fmt.Errorf("%w: branch %q in %s %s", ErrRevisionNotFound, rev, r.Type, r.ID)
	}
	return rev, head, nil
}

// setRef points target at commit id and returns a function undoing it.
func (r *repo) setRef(target, id string) func() {
	var m map[string]string
	key := target
	switch {
	case strings.HasPrefix(target, "refs/pr/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(target, "refs/pr/")) // validated by commitTarget or built by Commit
		old, had := r.Refs.PullRequests[n]
		r.Refs.PullRequests[n] = id
		return func() {
			if had {
				r.Refs.PullRequests[n] = old
			} else {
				delete(r.Refs.PullRequests, n)
			}
		}
	case strings.HasPrefix(target, "refs/convert/"):
		m, key = r.Refs.Converts, strings.TrimPrefix(target, "refs/convert/")
	default:
		m = r.Refs.Branches
	}
	old, had := m[key]
	m[key] = id
	return func() {
		if had {
			m[key] = old
		} else {
			delete(m, key)
		}
	}
}

func fullRef(target string) string {
	if strings.HasPrefix(target, "refs/") {
		return target
	}
	return "refs/heads/" + target
}

// checkFileDirConflicts refuses a tree where a path is both a file and a folder.
func checkFileDirConflicts(files map[string]*File) error {
	for p := range files {
		for dir, _ := splitPath(p); dir != ""; dir, _ = splitPath(dir) {
			if _, ok := files[dir]; ok {
				return fmt.Errorf("%w: %q is a file and also a folder of %q", ErrInvalid, dir, p)
			}
		}
	}
	return nil
}

// readSmall reads a stored file whole; only for small metadata files.
func (s *Store) readSmall(f *File) ([]byte, error) {
	if f.Size > LFSThreshold {
		return nil, fmt.Errorf("%w: %s is too large to read whole (%d bytes)", ErrInvalid, f.Path, f.Size)
	}
	rc, err := s.OpenBlob(f.SHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// ReadFile returns the content of a small file (under LFSThreshold bytes)
// at revision rev: model cards, configs, .gitattributes.
func (s *Store) ReadFile(t RepoType, id, rev, path string) ([]byte, error) {
	c, err := s.Resolve(t, id, rev)
	if err != nil {
		return nil, err
	}
	f, ok := c.File(path)
	if !ok {
		return nil, fmt.Errorf("%w: %q at %s", ErrEntryNotFound, path, c.ID)
	}
	return s.readSmall(f)
}

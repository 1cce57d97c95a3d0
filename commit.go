package hfhub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/lfs"
	"golang.org/x/sync/errgroup"
)

// ErrCommitConflict: the commit's ParentCommit is no longer the head of the
// branch (another commit landed first; HTTP 412). Nothing was committed:
// fetch the new head and try again.
var ErrCommitConflict = errors.New("parent commit is not the head of the branch")

type opKind int

const (
	opAdd opKind = iota + 1
	opDelete
	opCopy
)

// CommitOperation is one change of a commit: add (or replace) a file, delete
// a file or folder, or copy a file already in the repo. Build it with
// [AddFromPath], [AddFromBytes], [AddFromReader], [DeletePath] or
// [CopyPath]; the zero value is not a valid operation. An operation may be
// used in one commit at a time.
type CommitOperation struct {
	kind opKind
	path string // path in repo (as given; normalised by CreateCommit)
	// add
	src addSource
	// delete
	folder bool
	// copy
	srcPath, srcRevision string
}

// addSource is where an add operation's bytes come from: exactly one of
// localPath, data (hasData), ra or reader is set.
type addSource struct {
	localPath string
	data      []byte
	hasData   bool
	ra        io.ReaderAt
	raSize    int64
	reader    io.Reader
}

// AddFromPath adds the local file localPath at pathInRepo. The file is read
// when the commit is made (twice: to hash it, then to send it) and must not
// change in between.
func AddFromPath(pathInRepo, localPath string) CommitOperation {
	return CommitOperation{kind: opAdd, path: pathInRepo, src: addSource{localPath: localPath}}
}

// AddFromBytes adds b at pathInRepo. b must not be modified until the
// commit returns.
func AddFromBytes(pathInRepo string, b []byte) CommitOperation {
	if b == nil {
		b = []byte{}
	}
	return CommitOperation{kind: opAdd, path: pathInRepo, src: addSource{data: b, hasData: true}}
}

// AddFromReader adds the bytes of r at pathInRepo. A reader that is also an
// io.ReaderAt with a known size (*os.File, *bytes.Reader, *io.SectionReader,
// ...) is read in place from its start; any other reader is copied once to a
// temporary file, removed when the commit returns.
func AddFromReader(pathInRepo string, r io.Reader) CommitOperation {
	op := CommitOperation{kind: opAdd, path: pathInRepo, src: addSource{reader: r}}
	if ra, ok := r.(io.ReaderAt); ok {
		if size, ok := readerAtSize(r); ok {
			op.src = addSource{ra: ra, raSize: size}
		}
	}
	return op
}

// DeletePath deletes the file at pathInRepo, or the whole folder when
// pathInRepo ends with "/".
func DeletePath(pathInRepo string) CommitOperation {
	return CommitOperation{kind: opDelete, path: pathInRepo, folder: strings.HasSuffix(pathInRepo, "/")}
}

// CopyPath copies the file srcPath of the same repo, at srcRevision (""
// means the commit's revision), to dstPath. LFS files are copied on the
// server; regular files are downloaded and sent again, as the Hub has no
// copy operation for them.
func CopyPath(srcPath, dstPath, srcRevision string) CommitOperation {
	return CommitOperation{kind: opCopy, path: dstPath, srcPath: srcPath, srcRevision: srcRevision}
}

// Path returns the operation's path in the repo (the destination of a copy).
func (op CommitOperation) Path() string { return op.path }

// Kind returns "add", "delete" or "copy".
func (op CommitOperation) Kind() string {
	switch op.kind {
	case opAdd:
		return "add"
	case opDelete:
		return "delete"
	case opCopy:
		return "copy"
	}
	return "invalid"
}

func readerAtSize(r io.Reader) (int64, bool) {
	switch s := r.(type) {
	case interface{ Size() int64 }:
		return s.Size(), true
	case interface{ Stat() (os.FileInfo, error) }:
		if st, err := s.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size(), true
		}
	}
	return 0, false
}

// CommitOptions configures [Client.CreateCommit] and the upload and delete
// calls built on it. A nil pointer means a model repo, branch main and a
// default message.
type CommitOptions struct {
	RepoType RepoType
	// Revision is the branch to commit to (empty: main). With CreatePR it
	// is the base of the pull request.
	Revision string
	// Message is the commit title; Description its body.
	Message, Description string
	// ParentCommit, when set, makes the commit fail with
	// [ErrCommitConflict] unless it is still the head of Revision.
	ParentCommit string
	// CreatePR commits to a new pull request (refs/pr/N) instead of the
	// branch.
	CreatePR bool
	// Workers is how many files are hashed and uploaded at once (default 8).
	Workers int
	// Progress, if non-nil, receives upload progress per LFS file
	// (FileStarted, FileAdvanced, FileDone, FileFailed).
	Progress ProgressObserver
}

func (o *CommitOptions) workers() int {
	if o == nil || o.Workers <= 0 {
		return 8
	}
	return o.Workers
}

// CommitInfo describes a commit made by [Client.CreateCommit].
type CommitInfo struct {
	// OID is the 40-hex commit id (the current head when nothing changed).
	OID string `json:"oid"`
	// URL is the commit's web page.
	URL string `json:"commit_url"`
	// Message and Description repeat the commit title and body.
	Message     string `json:"commit_message"`
	Description string `json:"commit_description,omitempty"`
	// PullRequestURL and PullRequestNum are set with CreatePR.
	PullRequestURL string `json:"pr_url,omitempty"`
	PullRequestNum int    `json:"pr_num,omitempty"`
	// RepoURL is the repository's web page.
	RepoURL string `json:"repo_url"`
	// Empty is true when every operation was a no-op (files unchanged or
	// ignored by the Hub) and so no commit was made.
	Empty bool `json:"empty,omitempty"`
}

var parentCommitRE = regexp.MustCompile(`^[A-Fa-f0-9]{5,40}$`)

// CreateCommit makes one commit of ops on a branch (or a new pull request),
// like create_commit in Python: files are hashed, the Hub is asked which
// ones go through LFS (preupload, 256 per request), LFS files are uploaded
// (batch API; big files in parallel parts read straight from disk), then
// the commit is sent as NDJSON. Files the Hub already has unchanged at that
// path are left out; when nothing is left no commit is made and
// CommitInfo.Empty is true.
//
// A README.md among the adds is first checked by the Hub (POST
// /api/validate-yaml): invalid metadata fails the call with
// [*CardMetadataError] before anything is hashed or uploaded.
//
// Hub API: POST /api/validate-yaml, POST /api/{type}s/{id}/preupload/{rev}, POST
// /{prefix}{id}.git/info/lfs/objects/batch, POST /api/{type}s/{id}/commit/{rev}.
// Errors match [ErrCommitConflict], [ErrRepoNotFound], [ErrRevisionNotFound],
// [ErrEntryNotFound] (delete or copy of a missing file), [ErrForbidden],
// [ErrUnauthorized] and [ErrValidation].
func (c *Client) CreateCommit(ctx context.Context, id string, ops []CommitOperation, opts *CommitOptions) (*CommitInfo, error) {
	if opts == nil {
		opts = &CommitOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	if strings.TrimSpace(opts.Message) == "" {
		return nil, fmt.Errorf("%w: a commit needs a message", ErrValidation)
	}
	if opts.ParentCommit != "" && !parentCommitRE.MatchString(opts.ParentCommit) {
		return nil, fmt.Errorf("%w: parent commit %q is not 5 to 40 hex digits", ErrValidation, opts.ParentCommit)
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("%w: a commit needs at least one operation", ErrValidation)
	}
	cm := &commitRun{c: c, id: id, opts: opts, rev: revOrDefault(opts.Revision)}
	defer cm.cleanup()
	for i := range ops {
		p, err := cm.prepareOp(ops[i])
		if err != nil {
			return nil, err
		}
		cm.ops = append(cm.ops, p)
	}
	info, err := cm.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("commit to %s: %w", id, err)
	}
	return info, nil
}

// commitRun is the state of one CreateCommit call.
type commitRun struct {
	c    *Client
	id   string
	opts *CommitOptions
	rev  string
	ops  []*preparedOp
	tmp  []string // spooled readers to remove
	// journal remembers finished multipart parts (UploadLargeFolder).
	journal lfs.Journal
	// uploaded, if set, is called once an LFS add is stored on the Hub
	// (uploaded now or found there), so progress can be recorded per file.
	uploaded func(op *preparedOp) error
}

// preparedOp is an operation with its normalised path and, for adds, what
// hashing and preupload found out.
type preparedOp struct {
	CommitOperation
	info       lfs.UploadInfo
	lfs        bool   // preupload said "lfs"
	ignore     bool   // preupload said shouldIgnore
	remoteOID  string // preupload's oid of the file at that path, if any
	unchanged  bool
	copyLFS    *LFSInfo // copy of an LFS file
	copyBytes  []byte   // copy of a regular file
	pathInRepo string
}

func (cm *commitRun) prepareOp(op CommitOperation) (*preparedOp, error) {
	if op.kind == 0 {
		return nil, fmt.Errorf("%w: zero CommitOperation: build operations with AddFromPath, DeletePath and the like", ErrValidation)
	}
	p, err := normalizeRepoPath(op.path, op.kind == opDelete && op.folder)
	if err != nil {
		return nil, err
	}
	po := &preparedOp{CommitOperation: op, pathInRepo: p}
	if op.kind == opCopy {
		if po.srcPath, err = normalizeRepoPath(op.srcPath, false); err != nil {
			return nil, err
		}
	}
	return po, nil
}

func (cm *commitRun) cleanup() {
	for _, t := range cm.tmp {
		_ = os.Remove(t) // best effort: a temp copy of a caller's reader
	}
}

func (cm *commitRun) run(ctx context.Context) (*CommitInfo, error) {
	if err := cm.validateReadme(ctx); err != nil {
		return nil, err
	}
	if err := cm.hashAll(ctx); err != nil {
		return nil, err
	}
	if err := cm.preupload(ctx); err != nil {
		return nil, err
	}
	if err := cm.resolveCopies(ctx); err != nil {
		return nil, err
	}
	if err := cm.uploadLFS(ctx); err != nil {
		return nil, err
	}
	live := 0
	for _, op := range cm.ops {
		if !op.skip() {
			live++
		}
	}
	if live == 0 {
		return cm.emptyCommit(ctx)
	}
	return cm.send(ctx)
}

func (op *preparedOp) skip() bool { return op.kind == opAdd && (op.ignore || op.unchanged) }

// hashAll computes the upload info of every add, Workers at a time, and
// spools plain readers to temp files.
func (cm *commitRun) hashAll(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cm.opts.workers())
	for _, op := range cm.ops {
		if op.kind != opAdd {
			continue
		}
		if op.src.reader != nil { // sequential: a caller's stream, spooled once
			if err := cm.spool(ctx, op); err != nil {
				return err
			}
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			var err error
			switch s := op.src; {
			case s.hasData:
				op.info = lfs.InfoFromBytes(s.data)
			case s.localPath != "":
				op.info, err = lfs.InfoFromPath(gctx, s.localPath)
			default:
				op.info, err = lfs.InfoFromReaderSize(gctx, io.NewSectionReader(s.ra, 0, s.raSize), s.raSize)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", op.pathInRepo, err)
			}
			return nil
		})
	}
	return g.Wait()
}

func (cm *commitRun) spool(ctx context.Context, op *preparedOp) (err error) {
	f, err := os.CreateTemp("", "hfhub-upload-*")
	if err != nil {
		return fmt.Errorf("%s: spool reader: %w", op.pathInRepo, err)
	}
	cm.tmp = append(cm.tmp, f.Name())
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%s: spool reader: %w", op.pathInRepo, cerr)
		}
	}()
	if _, err := io.Copy(f, ctxio.NewReader(ctx, op.src.reader)); err != nil {
		return fmt.Errorf("%s: spool reader: %w", op.pathInRepo, err)
	}
	op.src = addSource{localPath: f.Name()}
	return nil
}

// openSource opens an add's bytes for reading; the caller calls close.
func (op *preparedOp) openSource() (ra io.ReaderAt, close func() error, err error) {
	switch s := op.src; {
	case s.hasData:
		return bytes.NewReader(s.data), func() error { return nil }, nil
	case s.localPath != "":
		f, err := os.Open(s.localPath)
		if err != nil {
			return nil, nil, err
		}
		return f, f.Close, nil
	default:
		return s.ra, func() error { return nil }, nil
	}
}

// emptyCommit answers a commit where nothing changed: the current head.
func (cm *commitRun) emptyCommit(ctx context.Context) (*CommitInfo, error) {
	var head struct {
		SHA string `json:"sha"`
	}
	if _, err := cm.c.getJSON(ctx, cm.c.repoInfoURL(cm.opts.RepoType, cm.id, cm.rev), nil, &head); err != nil {
		return nil, err
	}
	repoURL := cm.c.repoWebURL(cm.opts.RepoType, cm.id)
	return &CommitInfo{
		OID: head.SHA, URL: repoURL + "/commit/" + head.SHA, RepoURL: repoURL,
		Message: cm.opts.Message, Description: cm.opts.Description, Empty: true,
	}, nil
}

// send posts the NDJSON commit, streaming file contents from their sources.
func (cm *commitRun) send(ctx context.Context) (*CommitInfo, error) {
	u := cm.c.apiRepoURL(cm.opts.RepoType, cm.id, "commit", QuoteRevision(cm.rev))
	if cm.opts.CreatePR {
		u += "?create_pr=1"
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(cm.writePayload(pw)) }()
	defer pr.Close() // unblocks the writer if the request ends early
	req, err := cm.c.newRequest(ctx, http.MethodPost, u, pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	var out struct {
		Success        bool   `json:"success"`
		CommitOID      string `json:"commitOid"`
		CommitURL      string `json:"commitUrl"`
		PullRequestURL string `json:"pullRequestUrl"`
	}
	if _, err := cm.c.doJSON(req, &out, &reqOpts{Retry: retryNever}); err != nil {
		if he, ok := errors.AsType[*HubError](err); ok && he.StatusCode == http.StatusPreconditionFailed {
			return nil, fmt.Errorf("%w: %w", ErrCommitConflict, err)
		}
		return nil, err
	}
	if !IsCommitHash(out.CommitOID) {
		return nil, fmt.Errorf("%w: the commit answer names commit %q, not 40 lowercase hex digits: the server is not Hub-compatible", ErrServer, out.CommitOID)
	}
	if cm.opts.CreatePR && out.PullRequestURL == "" {
		return nil, fmt.Errorf("%w: commit %s was asked as a pull request, but the answer names no pull request URL: list the refs/pr/N refs of the repo (Client.ListRepoRefs with IncludePullRequests) to find it", ErrServer, out.CommitOID)
	}
	info := &CommitInfo{
		OID: out.CommitOID, URL: cm.c.rewriteHubURL(out.CommitURL), RepoURL: cm.c.repoWebURL(cm.opts.RepoType, cm.id),
		Message: cm.opts.Message, Description: cm.opts.Description,
		PullRequestURL: cm.c.rewriteHubURL(out.PullRequestURL),
	}
	if info.PullRequestURL != "" {
		if i := strings.LastIndexByte(info.PullRequestURL, '/'); i >= 0 {
			info.PullRequestNum, _ = strconv.Atoi(info.PullRequestURL[i+1:]) // 0 when the URL has another shape
		}
	}
	return info, nil
}

// rewriteHubURL replaces the public Hub's origin by the configured endpoint
// in URLs the server returns, as the Python client does for custom endpoints.
func (c *Client) rewriteHubURL(u string) string {
	if c.endpoint == DefaultEndpoint || u == "" {
		return u
	}
	for _, hub := range []string{DefaultEndpoint, StagingEndpoint} {
		if rest, ok := strings.CutPrefix(u, hub); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
			return c.endpoint + rest
		}
	}
	return u
}

// normalizeRepoPath applies the Python client's path rules: leading "/" and
// "./" stripped; ".", ".." and "../x" refused; no ".git" or ".cache"
// segment. keepSlash keeps a folder's trailing "/".
func normalizeRepoPath(p string, keepSlash bool) (string, error) {
	orig := p
	p = strings.ReplaceAll(p, "\\", "/")
	for {
		switch {
		case strings.HasPrefix(p, "/"):
			p = p[1:]
			continue
		case strings.HasPrefix(p, "./"):
			p = p[2:]
			continue
		}
		break
	}
	trail := strings.HasSuffix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" || p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("%w: invalid path in repo %q", ErrValidation, orig)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".git" || seg == ".cache" {
			return "", fmt.Errorf("%w: path in repo %q has a %q segment, which the Hub refuses", ErrValidation, orig, seg)
		}
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("%w: invalid path in repo %q", ErrValidation, orig)
		}
	}
	if path.Clean(p) != p {
		return "", fmt.Errorf("%w: invalid path in repo %q", ErrValidation, orig)
	}
	if keepSlash && trail {
		p += "/"
	}
	return p, nil
}

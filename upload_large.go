package hfhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/lfs"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// UploadLargeFolderOptions configures [Client.UploadLargeFolder]. A nil
// pointer uploads everything (minus DefaultIgnorePatterns) to main.
type UploadLargeFolderOptions struct {
	RepoType RepoType
	// Revision is the branch to commit to (empty: main).
	Revision string
	// Private is used when the repository has to be created.
	Private bool
	// AllowPatterns and IgnorePatterns filter the files as in
	// [UploadFolderOptions].
	AllowPatterns, IgnorePatterns []string
	// Workers hash and upload files in parallel; default: number of CPUs
	// minus 2, at least 2.
	Workers int
	// MaxFilesPerCommit and MaxBytesPerCommit bound one commit (defaults
	// 100 files and 1 GiB of content).
	MaxFilesPerCommit int
	MaxBytesPerCommit int64
	// CommitsPerHour paces commits to stay within the Hub's commit rate
	// limit; 0 means 100, a negative value disables pacing. API calls are
	// also paced to the Hub's 500 requests per 5 minutes.
	CommitsPerHour int
	// Progress receives upload events per LFS file.
	Progress ProgressObserver
}

// LargeFolderResult reports what [Client.UploadLargeFolder] did.
type LargeFolderResult struct {
	// Files is the number of files selected in the folder.
	Files int `json:"files"`
	// Committed counts files committed by this run; AlreadyDone those
	// found committed by an earlier run or unchanged on the Hub.
	Committed   int `json:"committed"`
	AlreadyDone int `json:"already_done"`
	// Commits lists the commit ids made by this run.
	Commits []string `json:"commits"`
}

// largeFileState is the resumable state of one file, kept in
// <folder>/.cache/huggingface/upload/<path>.metadata.
type largeFileState struct {
	Size      int64     `json:"size"`
	ModTime   time.Time `json:"mtime"`
	SHA256    string    `json:"sha256,omitempty"`
	GitOID    string    `json:"git_oid,omitempty"`
	Mode      string    `json:"upload_mode,omitempty"` // "lfs" or "regular"
	Ignore    bool      `json:"should_ignore,omitempty"`
	Uploaded  bool      `json:"is_uploaded,omitempty"`
	Committed bool      `json:"is_committed,omitempty"`
	Remote    string    `json:"remote_oid,omitempty"`
	rel       string
	local     string
}

// UploadLargeFolderStateDir is where UploadLargeFolder keeps its state,
// relative to the uploaded folder.
const UploadLargeFolderStateDir = ".cache/huggingface/upload"

// UploadLargeFolder uploads a folder of any size as a series of commits,
// like upload_large_folder in Python. It is resumable: the state of every
// file (hashed, uploaded, committed) is kept in the folder's
// .cache/huggingface/upload/ and written atomically, so after a crash or
// Ctrl-C a new call skips finished work, and a multipart upload cut short
// resumes at the first missing part. Files are hashed and uploaded Workers
// at a time, grouped into commits by count and size, commits are paced
// (CommitsPerHour) and 429 answers are waited out. The repository is
// created if missing.
func (c *Client) UploadLargeFolder(ctx context.Context, id, folder string, opts *UploadLargeFolderOptions) (*LargeFolderResult, error) {
	if opts == nil {
		opts = &UploadLargeFolderOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	files, err := listLocalFiles(folder, opts.AllowPatterns, opts.IgnorePatterns)
	if err != nil {
		return nil, fmt.Errorf("upload large folder %s: %w", folder, err)
	}
	if slices.Contains(files, RepoCardName) {
		// Refuse bad metadata before anything is created or uploaded.
		cm := &commitRun{c: c, id: id, opts: &CommitOptions{RepoType: opts.RepoType},
			ops: []*preparedOp{{CommitOperation: AddFromPath(RepoCardName, filepath.Join(folder, RepoCardName)), pathInRepo: RepoCardName}}}
		if err := cm.validateReadme(ctx); err != nil {
			return nil, fmt.Errorf("upload large folder %s: %w", folder, err)
		}
	}
	if _, err := c.CreateRepo(ctx, id, &CreateRepoOptions{RepoType: opts.RepoType, Private: opts.Private, ExistOK: true, SpaceSDK: spaceSDKDefault(opts.RepoType)}); err != nil {
		return nil, err
	}
	stateDir := filepath.Join(folder, filepath.FromSlash(UploadLargeFolderStateDir))
	journal, err := lfs.NewDirJournal(filepath.Join(stateDir, ".parts"))
	if err != nil {
		return nil, fmt.Errorf("upload large folder: state in %s: %w", stateDir, err)
	}
	lu := &largeUpload{
		c: c, id: id, opts: opts, stateDir: stateDir, journal: journal,
		api:    rate.NewLimiter(rate.Every(300*time.Second/500), 50),
		result: &LargeFolderResult{Files: len(files)},
	}
	if cph := opts.CommitsPerHour; cph >= 0 {
		if cph == 0 {
			cph = 100
		}
		lu.commits = rate.NewLimiter(rate.Every(time.Hour/time.Duration(cph)), 1)
	}
	var todo []*largeFileState
	for _, rel := range files {
		st, err := lu.load(rel, filepath.Join(folder, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		if st.Committed {
			lu.result.AlreadyDone++
			continue
		}
		todo = append(todo, st)
	}
	for start := 0; start < len(todo); start += PreuploadChunkSize {
		if err := lu.chunk(ctx, todo[start:min(start+PreuploadChunkSize, len(todo))]); err != nil {
			return lu.result, fmt.Errorf("upload large folder %s to %s: %w (run again to resume)", folder, id, err)
		}
	}
	return lu.result, nil
}

func spaceSDKDefault(rt RepoType) string {
	if rt == RepoSpace {
		return "static"
	}
	return ""
}

// largeUpload is the state of one UploadLargeFolder call.
type largeUpload struct {
	c        *Client
	id       string
	opts     *UploadLargeFolderOptions
	stateDir string
	journal  lfs.Journal
	api      *rate.Limiter
	commits  *rate.Limiter // nil: no pacing
	result   *LargeFolderResult
}

func (lu *largeUpload) workers() int {
	if lu.opts.Workers > 0 {
		return lu.opts.Workers
	}
	return max(runtime.NumCPU()-2, 2)
}

func (lu *largeUpload) statePath(rel string) string {
	return filepath.Join(lu.stateDir, filepath.FromSlash(rel)+".metadata")
}

// load reads a file's state; a missing, unreadable or stale one (the file
// changed since) starts over.
func (lu *largeUpload) load(rel, local string) (*largeFileState, error) {
	fi, err := os.Stat(local)
	if err != nil {
		return nil, err
	}
	fresh := &largeFileState{Size: fi.Size(), ModTime: fi.ModTime().UTC(), rel: rel, local: local}
	b, err := os.ReadFile(lu.statePath(rel))
	if err != nil {
		return fresh, nil
	}
	var st largeFileState
	if json.Unmarshal(b, &st) != nil || st.Size != fresh.Size || !st.ModTime.Equal(fresh.ModTime) {
		return fresh, nil
	}
	st.rel, st.local = rel, local
	return &st, nil
}

func (lu *largeUpload) save(st *largeFileState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	p := lu.statePath(st.rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(p, b, 0o600)
}

// chunk takes up to 256 files through hashing, preupload, LFS upload and
// commits.
func (lu *largeUpload) chunk(ctx context.Context, files []*largeFileState) error {
	// 1. Hash, in parallel.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lu.workers())
	for _, st := range files {
		if st.SHA256 != "" || gctx.Err() != nil {
			continue
		}
		g.Go(func() error {
			info, err := lfs.InfoFromPath(gctx, st.local)
			if err != nil {
				return err
			}
			st.SHA256, st.GitOID = info.OID.String(), info.GitOID
			return lu.save(st)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	ops := make([]*preparedOp, len(files))
	for i, st := range files {
		op, err := st.op()
		if err != nil {
			return err
		}
		ops[i] = op
	}
	cm := &commitRun{c: lu.c, id: lu.id, rev: revOrDefault(lu.opts.Revision), journal: lu.journal,
		opts: &CommitOptions{RepoType: lu.opts.RepoType, Revision: lu.opts.Revision, Workers: lu.workers(), Progress: lu.opts.Progress}}

	// 2. Preupload the files whose mode is unknown.
	var ask []*preparedOp
	for i, st := range files {
		if st.Mode == "" {
			ask = append(ask, ops[i])
		}
	}
	if len(ask) > 0 {
		if err := lu.api.Wait(ctx); err != nil {
			return err
		}
		cm.ops = ask
		if err := cm.preupload(ctx); err != nil {
			return err
		}
		for i, st := range files {
			if st.Mode != "" {
				continue
			}
			op := ops[i]
			st.Mode, st.Ignore, st.Remote = "regular", op.ignore, op.remoteOID
			if op.lfs {
				st.Mode = "lfs"
			}
			if op.unchanged || op.ignore {
				st.Committed = true
			}
			if err := lu.save(st); err != nil {
				return err
			}
		}
	}
	// 3. Upload the LFS files not uploaded yet, then mark them.
	var pending []*preparedOp
	var pendingStates []*largeFileState
	for i, st := range files {
		if st.Committed {
			lu.result.AlreadyDone++
			continue
		}
		ops[i].lfs = st.Mode == "lfs"
		pending = append(pending, ops[i])
		pendingStates = append(pendingStates, st)
	}
	var up []*preparedOp
	for i, op := range pending {
		if op.lfs && !pendingStates[i].Uploaded {
			up = append(up, op)
		}
	}
	if len(up) > 0 {
		if err := lu.api.Wait(ctx); err != nil {
			return err
		}
		byOp := map[*preparedOp]*largeFileState{}
		for i, op := range pending {
			byOp[op] = pendingStates[i]
		}
		cm.ops = up
		cm.uploaded = func(op *preparedOp) error { // called from upload workers, one op each
			st := byOp[op]
			st.Uploaded = true
			return lu.save(st)
		}
		err := cm.uploadLFS(ctx)
		cm.uploaded = nil
		if err != nil {
			return err
		}
	}
	// 4. Commit in batches bounded by count and size.
	maxFiles, maxBytes := lu.opts.MaxFilesPerCommit, lu.opts.MaxBytesPerCommit
	if maxFiles <= 0 {
		maxFiles = 100
	}
	if maxBytes <= 0 {
		maxBytes = 1 << 30
	}
	for start := 0; start < len(pending); {
		end, bytes := start, int64(0)
		for end < len(pending) && end-start < maxFiles && (end == start || bytes+pending[end].info.Size <= maxBytes) {
			bytes += pending[end].info.Size
			end++
		}
		if err := lu.commit(ctx, cm, pending[start:end], pendingStates[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// op rebuilds the commit operation of a file from its state.
func (st *largeFileState) op() (*preparedOp, error) {
	oid, err := lfs.ParseOID(st.SHA256)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt upload state: %w", st.rel, err)
	}
	p, err := normalizeRepoPath(st.rel, false)
	if err != nil {
		return nil, err
	}
	sample := make([]byte, min(st.Size, lfs.SampleSize))
	if f, err := os.Open(st.local); err == nil {
		_, err = io.ReadFull(f, sample)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.rel, err)
		}
	} else {
		return nil, err
	}
	return &preparedOp{
		CommitOperation: AddFromPath(p, st.local),
		pathInRepo:      p,
		info:            lfs.UploadInfo{Size: st.Size, OID: oid, GitOID: st.GitOID, Sample: sample},
		lfs:             st.Mode == "lfs",
	}, nil
}

// commit sends one commit of ops, waiting out 429s, and marks the files.
func (lu *largeUpload) commit(ctx context.Context, cm *commitRun, ops []*preparedOp, states []*largeFileState) error {
	if lu.commits != nil {
		if err := lu.commits.Wait(ctx); err != nil {
			return err
		}
	}
	cm.ops = ops
	cm.opts.Message = fmt.Sprintf("Upload folder using huggingface_hub (part %d, %d files)", len(lu.result.Commits)+1, len(ops))
	var info *CommitInfo
	wait := lu.c.baseWait
	for attempt := 0; ; attempt++ {
		if err := lu.api.Wait(ctx); err != nil {
			return err
		}
		var err error
		info, err = cm.send(ctx)
		if err == nil {
			break
		}
		he, ok := errors.AsType[*HubError](err)
		if !ok || he.StatusCode != 429 || attempt >= 10 {
			return err
		}
		d := he.RetryAfter
		if d <= 0 {
			d = wait
			wait = min(wait*2, max(lu.c.maxWait, time.Minute))
		}
		if err := lu.c.sleep(ctx, d); err != nil {
			return err
		}
	}
	lu.result.Commits = append(lu.result.Commits, info.OID)
	for _, st := range states {
		st.Committed = true
		if err := lu.save(st); err != nil {
			return err
		}
	}
	lu.result.Committed += len(states)
	return nil
}

package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// SyncResult is what [Client.Sync] and [Client.ApplySync] did.
type SyncResult struct {
	Plan *SyncPlan
	// Commit is the one commit made to a destination repository (nil when
	// the destination is local or nothing changed).
	Commit *CommitInfo
}

// Sync makes folder dst like folder src (each a local path or an hf://
// repository URI such as hf://datasets/acme/data@main/train): the plan of
// [Client.PlanSync], then [Client.ApplySync]. A destination repository
// gets one commit with every upload and delete, based on the commit that
// was compared (so a concurrent change fails it with [ErrCommitConflict]
// instead of being overwritten). A local destination gets each file
// written atomically (temporary file, fsync, rename). After an
// interruption, run it again: files already in place compare identical,
// and LFS objects the Hub already has are not sent again.
//
// Hub API: those of [Client.OpenFS] for each remote side, then those of
// [Client.CreateCommit] (remote destination) or Range GETs (local).
func (c *Client) Sync(ctx context.Context, src, dst string, opts *SyncOptions) (*SyncResult, error) {
	plan, err := c.PlanSync(ctx, src, dst, opts)
	if err != nil {
		return nil, err
	}
	return c.ApplySync(ctx, plan, opts)
}

// ApplySync carries out a plan. A plan from [Client.PlanSync] commits on
// top of the commit it compared; a plan read back with [ReadSyncPlan]
// reopens both sides and commits on the current head. The filters and
// comparison flags of opts do not apply, only Message, Workers and
// Progress.
func (c *Client) ApplySync(ctx context.Context, plan *SyncPlan, opts *SyncOptions) (*SyncResult, error) {
	s, d := plan.src, plan.dst
	if s == nil || d == nil {
		var err error
		if s, err = c.openSyncEnd(ctx, plan.Source, false); err != nil {
			return nil, err
		}
		if d, err = c.openSyncEnd(ctx, plan.Dest, true); err != nil {
			return nil, err
		}
		d.parent = "" // no parent check: the plan may be older than the head
	}
	return c.applySync(ctx, plan, s, d, opts)
}

func (c *Client) applySync(ctx context.Context, plan *SyncPlan, s, d *syncEnd, opts *SyncOptions) (*SyncResult, error) {
	o := SyncOptions{}
	if opts != nil {
		o = *opts
	}
	res := &SyncResult{Plan: plan}
	if !plan.Changes() {
		return res, nil
	}
	if d.remote() {
		info, err := c.syncCommit(ctx, plan, s, d, &o)
		res.Commit = info
		return res, err
	}
	return res, c.syncLocal(ctx, plan, s, d, &o)
}

// remotePath is the repo path of p under the remote side's folder.
func (e *syncEnd) remotePath(p string) string {
	if e.uri.Path == "" {
		return p
	}
	return e.uri.Path + "/" + p
}

func (c *Client) syncCommit(ctx context.Context, plan *SyncPlan, s, d *syncEnd, o *SyncOptions) (*CommitInfo, error) {
	var ops []CommitOperation
	var closers []io.Closer
	defer func() {
		for _, f := range closers {
			f.Close()
		}
	}()
	for _, op := range plan.Operations {
		switch op.Action {
		case SyncUpload:
			if !s.remote() {
				ops = append(ops, AddFromPath(d.remotePath(op.Path), filepath.Join(s.local, filepath.FromSlash(op.Path))))
				continue
			}
			f, err := s.root.Open(op.Path)
			if err != nil {
				return nil, err
			}
			closers = append(closers, f)
			ops = append(ops, AddFromReader(d.remotePath(op.Path), f))
		case SyncDelete:
			ops = append(ops, DeletePath(d.remotePath(op.Path)))
		case SyncDownload:
			return nil, fmt.Errorf("%w: the plan downloads %s but its destination %s is remote", ErrValidation, op.Path, plan.Dest)
		}
	}
	msg := o.Message
	if msg == "" {
		msg = "Sync with hf sync"
	}
	return c.CreateCommit(ctx, d.uri.ID, ops, &CommitOptions{
		RepoType: URIRepoType(d.uri), Revision: d.uri.Revision, Message: msg,
		ParentCommit: d.parent, Workers: o.Workers, Progress: o.Progress,
	})
}

func (c *Client) syncLocal(ctx context.Context, plan *SyncPlan, s, d *syncEnd, o *SyncOptions) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(o.Workers, 1))
	if o.Workers <= 0 {
		g.SetLimit(DefaultMaxWorkers)
	}
	for _, op := range plan.Operations {
		if op.Action == SyncUpload {
			return fmt.Errorf("%w: the plan uploads %s but its destination %s is local", ErrValidation, op.Path, plan.Dest)
		}
		if op.Action != SyncDownload {
			continue
		}
		g.Go(func() error { return copyToLocal(gctx, s.root, op.Path, d.local, o.Progress) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, op := range plan.Operations {
		if op.Action != SyncDelete {
			continue
		}
		p := filepath.Join(d.local, filepath.FromSlash(op.Path))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for dir := filepath.Dir(p); dir != d.local && len(dir) > len(d.local); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil { // not empty: stop
				break
			}
		}
	}
	return nil
}

// copyToLocal writes file name of src to the same path under dir,
// atomically, reporting progress.
func copyToLocal(ctx context.Context, src fs.FS, name, dir string, obs ProgressObserver) error {
	return copyFileTo(ctx, src, name, filepath.Join(dir, filepath.FromSlash(name)), obs)
}

// copyFileTo writes file name of src to dst atomically (its folder is
// created), reporting progress.
func copyFileTo(ctx context.Context, src fs.FS, name, dst string, obs ProgressObserver) (err error) {
	f, err := src.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	emit(obs, ProgressEvent{Kind: FileStarted, Path: name, Total: info.Size()})
	defer func() {
		if err != nil {
			emit(obs, ProgressEvent{Kind: FileFailed, Path: name, Err: err})
		}
	}()
	err = fsutil.WriteAtomic(dst, 0o644, "."+path.Base(name)+".*.hfsync.tmp", func(w io.Writer) error {
		pw := &progressWriter{w: w, obs: obs, name: name}
		_, err := io.Copy(pw, ctxio.NewReader(ctx, struct{ io.Reader }{f}))
		return err
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	emit(obs, ProgressEvent{Kind: FileDone, Path: name, Total: info.Size()})
	return nil
}

// progressWriter reports each write as FileAdvanced.
type progressWriter struct {
	w    io.Writer
	obs  ProgressObserver
	name string
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if n > 0 {
		emit(p.obs, ProgressEvent{Kind: FileAdvanced, Path: p.name, Bytes: int64(n)})
	}
	return n, err
}

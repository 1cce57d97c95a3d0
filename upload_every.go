package hfhub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"
)

// DefaultUploadEvery is the period of [Client.UploadEvery] when none is
// given: five minutes, as Python's CommitScheduler.
const DefaultUploadEvery = 5 * time.Minute

// UploadEveryOptions configures [Client.UploadEvery]. A nil pointer
// uploads every file of the folder to the root of main every
// [DefaultUploadEvery].
type UploadEveryOptions struct {
	// UploadFolderOptions chooses the files (AllowPatterns,
	// IgnorePatterns), where they go (PathInRepo) and the commits
	// (CommitOptions; Message defaults to "Scheduled Commit").
	// DeletePatterns and CreatePR are refused: scheduled commits only add.
	UploadFolderOptions
	// Every is the time between rounds; zero means DefaultUploadEvery.
	Every time.Duration
	// OnRound, if set, is called after each round with its commit (nil
	// when nothing changed) or the error that round met.
	OnRound func(info *CommitInfo, err error)
}

// UploadEvery keeps a changing folder uploaded, like Python's
// CommitScheduler: a round now and then one every opts.Every, each
// committing only the files whose size or modification time changed
// since the last round that succeeded (never deleting remote files), until
// ctx is done. Then it makes one last round, on a context without ctx's
// cancellation, so nothing written before the stop is lost, and returns
// nil. A round that fails for a passing reason (network, server, rate
// limit) is reported to OnRound and retried at the next round; an error
// no retry can fix (bad id or options, authentication, missing repo or
// folder) ends UploadEvery and is returned.
func (c *Client) UploadEvery(ctx context.Context, id, folder string, opts *UploadEveryOptions) error {
	if opts == nil {
		opts = &UploadEveryOptions{}
	}
	if len(opts.DeletePatterns) > 0 || opts.CreatePR {
		return fmt.Errorf("%w: scheduled uploads only add files: DeletePatterns and CreatePR cannot be used", ErrValidation)
	}
	if opts.Every < 0 {
		return fmt.Errorf("%w: negative upload period %v", ErrValidation, opts.Every)
	}
	if err := ValidateRepoID(id); err != nil {
		return err
	}
	base, err := normalizeFolderInRepo(opts.PathInRepo)
	if err != nil {
		return err
	}
	every := opts.Every
	if every == 0 {
		every = DefaultUploadEvery
	}
	s := &scheduledUpload{c: c, id: id, folder: folder, base: base, opts: opts, seen: map[string]fileStamp{}}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := s.round(ctx); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return s.round(context.WithoutCancel(ctx))
		}
	}
}

// fileStamp is what tells a changed file: its size and modification time.
type fileStamp struct {
	size  int64
	mtime time.Time
}

type scheduledUpload struct {
	c                *Client
	id, folder, base string
	opts             *UploadEveryOptions
	seen             map[string]fileStamp // as last committed
}

// round commits the changed files; it returns an error only when no later
// round can succeed.
func (s *scheduledUpload) round(ctx context.Context) error {
	info, err := s.commitChanged(ctx)
	if s.opts.OnRound != nil {
		s.opts.OnRound(info, err)
	}
	if err != nil && permanentUploadError(err) {
		return err
	}
	return nil
}

func (s *scheduledUpload) commitChanged(ctx context.Context) (*CommitInfo, error) {
	files, err := listLocalFiles(s.folder, s.opts.AllowPatterns, s.opts.IgnorePatterns)
	if err != nil {
		return nil, fmt.Errorf("scheduled upload of %s: %w", s.folder, err)
	}
	var ops []CommitOperation
	stamps := map[string]fileStamp{}
	for _, rel := range files {
		local := filepath.Join(s.folder, filepath.FromSlash(rel))
		st, err := os.Stat(local)
		if err != nil {
			continue // removed since the listing: nothing to add
		}
		stamp := fileStamp{size: st.Size(), mtime: st.ModTime()}
		if old, ok := s.seen[rel]; ok && old == stamp {
			continue
		}
		stamps[rel] = stamp
		ops = append(ops, AddFromPath(path.Join(s.base, rel), local))
	}
	if len(ops) == 0 {
		return nil, nil
	}
	info, err := s.c.CreateCommit(ctx, s.id, ops, withDefaultMessage(&s.opts.CommitOptions, "Scheduled Commit"))
	if err != nil {
		return nil, err
	}
	for rel, st := range stamps {
		s.seen[rel] = st // stamped before the upload: a file written meanwhile goes next round
	}
	return info, nil
}

// permanentUploadError reports errors a later round would meet again.
func permanentUploadError(err error) bool {
	for _, e := range []error{ErrValidation, ErrUnauthorized, ErrForbidden, ErrRepoNotFound, ErrRevisionNotFound, os.ErrNotExist} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

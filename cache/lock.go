package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockRetry is how often a waiting [Cache.Lock] retries.
const lockRetry = 50 * time.Millisecond

// UnlockFunc releases a lock taken by [Cache.Lock] or [Cache.TryLock]. It is
// safe to call more than once.
type UnlockFunc func() error

// Lock takes the exclusive lock at path (a .lock file, e.g. from
// [Cache.LockPath]), waiting until it is free or ctx is done. It uses
// flock(2) on POSIX, like the Python client's filelock, so Go and Python
// processes exclude each other; the lock file is created with mode 0664
// (group-writable caches keep that mode whatever the umask) and opened
// read-only, so users who cannot write it can still lock it.
//
// If ctx ends first the error wraps ctx.Err() and names the lock file.
func (c *Cache) Lock(ctx context.Context, path string) (UnlockFunc, error) {
	for {
		unlock, ok, err := c.tryLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			return unlock, nil
		}
		t := time.NewTimer(lockRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("cache: waiting for lock %s (held by another process; remove it only if no hf or Python process is running): %w", path, ctx.Err())
		case <-t.C:
		}
	}
}

// TryLock takes the exclusive lock at path if it is free. ok is false, with a
// nil error, when another process (or another goroutine of this one) holds it.
func (c *Cache) TryLock(path string) (unlock UnlockFunc, ok bool, err error) {
	return c.tryLock(path)
}

func (c *Cache) tryLock(path string) (UnlockFunc, bool, error) {
	if err := c.MkdirAll(filepath.Dir(path)); err != nil {
		return nil, false, fmt.Errorf("cache: lock folder: %w", err)
	}
	for {
		fl := flock.New(path, flock.SetPermissions(0o664))
		ok, err := fl.TryLock()
		if err != nil {
			return nil, false, fmt.Errorf("cache: lock %s: %w", path, err)
		}
		if !ok {
			return nil, false, nil
		}
		// A pruner may have removed the lock file between our open and our
		// flock; then we hold a lock nobody else can see. Check that the
		// path still names the file we locked, else try again.
		held, herr := fl.Stat()
		cur, cerr := os.Stat(path)
		if herr != nil || cerr != nil || !os.SameFile(held, cur) {
			_ = fl.Unlock() // we never really had it; nothing to report
			if cerr != nil && !errors.Is(cerr, os.ErrNotExist) {
				return nil, false, fmt.Errorf("cache: lock %s: %w", path, cerr)
			}
			continue
		}
		if c.fileMode != 0 && held.Mode().Perm() != c.fileMode {
			_ = os.Chmod(path, c.fileMode) // best effort: only the owner may chmod
		}
		done := false
		return func() error {
			if done {
				return nil
			}
			done = true
			return fl.Unlock()
		}, true, nil
	}
}

// LockBlob waits for the lock of blob etag of a repo
// (.locks/{type}s--{org}--{name}/{etag}.lock), the lock the Python client
// holds while it downloads that blob.
func (c *Cache) LockBlob(ctx context.Context, repoType, repoID, etag string) (UnlockFunc, error) {
	p, err := c.LockPath(repoType, repoID, etag)
	if err != nil {
		return nil, err
	}
	return c.Lock(ctx, p)
}

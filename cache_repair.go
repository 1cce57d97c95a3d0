package hfhub

import (
	"context"
	"fmt"

	"github.com/hfhub-go/hfhub/cache"
)

// Refetch downloads filename of a repo again, at exactly commit, into the
// client's cache, through the normal [Client.Download] path (ForceDownload:
// one HEAD, then the verified, resumable transfer under the blob's lock). It
// makes *Client a [cache.Refetcher], so
//
//	ca.Verify(ctx, "model", id, &cache.VerifyOptions{Repair: client})
//
// re-downloads the files Verify finds bad. repoType is the cache package's
// name ("model", "dataset", "space"). For a cache other than the client's
// own, use [Client.Refetcher]. A repair never triggers the cache budget's
// eviction.
func (c *Client) Refetch(ctx context.Context, repoType, repoID, commit, filename string) error {
	return c.refetch(ctx, "", repoType, repoID, commit, filename)
}

// Refetcher returns a [cache.Refetcher] that re-downloads into the cache at
// dir (empty: the client's cache, HF_HUB_CACHE), for [cache.Cache.Verify]
// with repair on a cache opened elsewhere (e.g. `hf cache verify --repair
// --cache-dir DIR`).
func (c *Client) Refetcher(dir string) cache.Refetcher {
	return refetcher{c: c, dir: dir}
}

type refetcher struct {
	c   *Client
	dir string
}

func (r refetcher) Refetch(ctx context.Context, repoType, repoID, commit, filename string) error {
	return r.c.refetch(ctx, r.dir, repoType, repoID, commit, filename)
}

func (c *Client) refetch(ctx context.Context, dir, repoType, repoID, commit, filename string) error {
	rt, err := ParseRepoType(repoType)
	if err != nil {
		return err
	}
	if !IsCommitHash(commit) {
		return fmt.Errorf("%w: refetch %s %s: %q is not a commit hash (a repair downloads the exact cached revision)", ErrValidation, repoID, filename, commit)
	}
	_, err = c.Download(withoutBudget(ctx), repoID, filename, &DownloadOptions{
		RepoType: rt, Revision: commit, CacheDir: dir, ForceDownload: true,
	})
	return err
}

var _ cache.Refetcher = (*Client)(nil)

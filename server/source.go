package server

import (
	"os"

	"github.com/hfhub-go/hfhub/store"
)

// Source is where the server reads repositories from. *store.Store is the
// standard implementation; other sources (an existing HF cache, a mirror)
// can be plugged in with [WithSource].
type Source interface {
	// Repo describes a repository or fails with store.ErrRepoNotFound.
	Repo(t store.RepoType, id string) (store.RepoInfo, error)
	// Redirect returns the new id of a renamed repository.
	Redirect(t store.RepoType, id string) (string, bool)
	// ListRepos lists every repository of a type.
	ListRepos(t store.RepoType) []store.RepoInfo
	// Resolve finds the commit a revision names (store.ErrRevisionNotFound).
	Resolve(t store.RepoType, id, rev string) (*store.Commit, error)
	// Refs lists branches, tags, pull requests and converts.
	Refs(t store.RepoType, id string) (store.Refs, error)
	// Log lists the commits reachable from rev, newest first.
	Log(t store.RepoType, id, rev string) ([]*store.Commit, error)
	// LastCommits maps every path of a commit to the commit that last changed it.
	LastCommits(t store.RepoType, id, commitID string) (map[string]*store.Commit, error)
	// OpenBlob opens content by sha256 (store.ErrBlobNotFound).
	OpenBlob(sha256 string) (*os.File, error)
}

var _ Source = (*store.Store)(nil)

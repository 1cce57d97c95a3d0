package store

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// RepoType is the kind of a repository.
type RepoType string

// Repository types.
const (
	Model   RepoType = "model"
	Dataset RepoType = "dataset"
	Space   RepoType = "space"
)

// RepoTypes lists every repository type the store knows.
var RepoTypes = []RepoType{Model, Dataset, Space}

// ParseRepoType accepts "", "model", "dataset", "space" and their plurals;
// "" means model.
func ParseRepoType(s string) (RepoType, error) {
	switch strings.TrimSuffix(strings.ToLower(s), "s") {
	case "", "model":
		return Model, nil
	case "dataset":
		return Dataset, nil
	case "space":
		return Space, nil
	}
	return "", fmt.Errorf("%w: repo type %q (want model, dataset or space)", ErrInvalid, s)
}

// ParseRepoRef splits a typed repo reference: "datasets/org/name",
// "spaces/org/name", "models/org/name", or a plain "org/name" or legacy
// "name" (a model). The id is validated with [ValidateRepoID].
func ParseRepoRef(ref string) (RepoType, string, error) {
	t, id := Model, ref
	if prefix, rest, ok := strings.Cut(ref, "/"); ok && strings.Contains(rest, "/") {
		switch prefix {
		case "models":
			t, id = Model, rest
		case "datasets":
			t, id = Dataset, rest
		case "spaces":
			t, id = Space, rest
		}
	}
	if err := ValidateRepoID(id); err != nil {
		return "", "", err
	}
	return t, id, nil
}

// Plural returns "models", "datasets" or "spaces", as used in API paths.
func (t RepoType) Plural() string { return string(t) + "s" }

// File is one file of a commit.
type File struct {
	// Path is slash-separated and relative to the repository root.
	Path string `json:"path"`
	// Size is the size of the content (for LFS files, of the large file).
	Size int64 `json:"size"`
	// SHA256 is the sha256 of the content, in hex; content is stored under it.
	SHA256 string `json:"sha256"`
	// BlobID is the git blob id: of the content for regular files, of the
	// pointer file for LFS files.
	BlobID string `json:"blobId"`
	// LFS is true for files stored through Git LFS.
	LFS bool `json:"lfs,omitempty"`
}

// Pointer returns the git-lfs pointer file of an LFS file.
func (f *File) Pointer() []byte { return LFSPointer(f.SHA256, f.Size) }

// PointerSize returns the size of the LFS pointer file.
func (f *File) PointerSize() int { return len(f.Pointer()) }

// ETag returns the Hub etag of the file, unquoted: the sha256 for LFS files,
// the git blob id otherwise.
func (f *File) ETag() string {
	if f.LFS {
		return f.SHA256
	}
	return f.BlobID
}

// Commit is an immutable commit: metadata plus the full file tree.
// Values returned by the store must not be modified.
type Commit struct {
	ID      string    `json:"id"`
	Parents []string  `json:"parents"`
	Title   string    `json:"title"`
	Message string    `json:"message"` // body, without the title
	Author  string    `json:"author"`
	Date    time.Time `json:"date"`
	Tree    string    `json:"tree"` // git tree id of the root
	Seq     int64     `json:"seq"`  // creation order within the repo
	List    []*File   `json:"files"`

	files map[string]*File
	dirs  map[string]string
}

// index fills the lookup maps after a commit is built or loaded.
func (c *Commit) index() {
	sort.Slice(c.List, func(i, j int) bool { return c.List[i].Path < c.List[j].Path })
	c.files = make(map[string]*File, len(c.List))
	for _, f := range c.List {
		c.files[f.Path] = f
	}
	c.dirs = treeIDs(c.files)
}

// Files returns the files of the commit sorted by path.
func (c *Commit) Files() []*File { return c.List }

// File returns the file at path p.
func (c *Commit) File(p string) (*File, bool) {
	f, ok := c.files[p]
	return f, ok
}

// Dir returns the git tree id of directory p ("" is the root) and whether
// the directory exists.
func (c *Commit) Dir(p string) (string, bool) {
	id, ok := c.dirs[p]
	return id, ok
}

// Dirs returns every directory path of the commit except the root, sorted.
func (c *Commit) Dirs() []string {
	out := make([]string, 0, len(c.dirs))
	for d := range c.dirs {
		if d != "" {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// FullMessage returns the title and body as git stores them.
func (c *Commit) FullMessage() string {
	if c.Message == "" {
		return c.Title
	}
	return c.Title + "\n\n" + c.Message
}

// RepoInfo describes a repository.
type RepoInfo struct {
	Type RepoType `json:"type"`
	// ID is "namespace/name" or a legacy "name".
	ID string `json:"id"`
	// ObjectID is a 24-hex id like the Hub's "_id".
	ObjectID  string    `json:"objectId"`
	Private   bool      `json:"private"`
	Gated     string    `json:"gated,omitempty"` // "", "auto" or "manual"
	CreatedAt time.Time `json:"createdAt"`
	// Access lists the users granted (or refused) access to a gated repo,
	// sorted by user; see [RepoInfo.HasAccess] and [Store.SetAccess].
	// Shared between copies: never modify it.
	Access []AccessRequest `json:"access,omitempty"`
	// Likes lists the users who like the repository, in the order they
	// did; see [Store.SetLike]. Shared between copies: never modify it.
	Likes []Like `json:"likes,omitempty"`
	// Head is the commit id of the main branch.
	Head string `json:"-"`
	// LastModified is the date of the head commit.
	LastModified time.Time `json:"-"`
}

// Namespace returns the part of the id before the slash, or "" for legacy ids.
func (r RepoInfo) Namespace() string {
	ns, _, ok := strings.Cut(r.ID, "/")
	if !ok {
		return ""
	}
	return ns
}

// Refs lists a repository's references, each mapped to its commit id.
type Refs struct {
	Branches     map[string]string `json:"branches"`
	Tags         map[string]string `json:"tags"`
	PullRequests map[int]string    `json:"pullRequests"`
	Converts     map[string]string `json:"converts"`
}

func (r Refs) clone() Refs {
	c := Refs{
		Branches:     make(map[string]string, len(r.Branches)),
		Tags:         make(map[string]string, len(r.Tags)),
		PullRequests: make(map[int]string, len(r.PullRequests)),
		Converts:     make(map[string]string, len(r.Converts)),
	}
	for k, v := range r.Branches {
		c.Branches[k] = v
	}
	for k, v := range r.Tags {
		c.Tags[k] = v
	}
	for k, v := range r.PullRequests {
		c.PullRequests[k] = v
	}
	for k, v := range r.Converts {
		c.Converts[k] = v
	}
	return c
}

// DefaultBranch is the branch "HEAD" and an empty revision refer to.
const DefaultBranch = "main"

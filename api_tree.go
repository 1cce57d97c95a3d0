package hfhub

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LFSInfo describes the large file behind an LFS pointer in tree and
// paths-info entries.
type LFSInfo struct {
	OID         string `json:"oid"` // sha256 of the content
	Size        int64  `json:"size"`
	PointerSize int64  `json:"pointerSize"`
}

// LastCommit is the last commit that touched a tree entry (expand=true).
type LastCommit struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Date  time.Time `json:"date"`
}

// PickleImport is one import found in a pickle file.
type PickleImport struct {
	Module string `json:"module"`
	Name   string `json:"name"`
	Safety string `json:"safety"` // "innocuous", "suspicious", "dangerous"
}

// ScanStatus is the result of one security scanner on a file.
type ScanStatus struct {
	Status        string         `json:"status"` // "safe", "unscanned", "queued", "error", ...
	Message       string         `json:"message,omitempty"`
	ReportLink    string         `json:"reportLink,omitempty"`
	Version       string         `json:"version,omitempty"`
	PickleImports []PickleImport `json:"pickleImports,omitempty"`
}

// SecurityFileStatus is the security scan summary of a file (expand=true).
type SecurityFileStatus struct {
	Status           string      `json:"status"`
	ProtectAIScan    *ScanStatus `json:"protectAiScan,omitempty"`
	AVScan           *ScanStatus `json:"avScan,omitempty"`
	PickleImportScan *ScanStatus `json:"pickleImportScan,omitempty"`
	VirusTotalScan   *ScanStatus `json:"virusTotalScan,omitempty"`
	JFrogScan        *ScanStatus `json:"jFrogScan,omitempty"`
}

// TreeEntry is a file or folder of a repository, from the tree and
// paths-info endpoints.
type TreeEntry struct {
	Type string `json:"type"` // "file" or "directory"
	// OID is the git object id: the blob (for LFS files, of the pointer) or
	// the tree of a folder.
	OID                string              `json:"oid"`
	Size               int64               `json:"size"` // real size; LFS: the large file's
	Path               string              `json:"path"`
	LFS                *LFSInfo            `json:"lfs,omitempty"`
	XetHash            string              `json:"xetHash,omitempty"`
	LastCommit         *LastCommit         `json:"lastCommit,omitempty"`
	SecurityFileStatus *SecurityFileStatus `json:"securityFileStatus,omitempty"`
}

// IsDir reports whether e is a folder (anything that is not a file).
func (e *TreeEntry) IsDir() bool { return e.Type != "file" }

// ListRepoTreeOptions configures [Client.ListRepoTree]. A nil pointer lists
// the top level of a model repo's main branch.
type ListRepoTreeOptions struct {
	RepoType  RepoType
	Revision  string // empty: "main"
	Path      string // folder to list; empty: the root
	Recursive bool   // list the whole subtree (folders included)
	Expand    bool   // add lastCommit and securityFileStatus (smaller pages)
	Limit     int    // stop after this many entries; zero: all
}

// ListRepoTree lists the files and folders of a repository, fetching pages
// lazily. Hub API: GET /api/{type}s/{id}/tree/{rev}[/{path}]
// ?recursive=&expand=. A missing folder is [ErrEntryNotFound].
func (c *Client) ListRepoTree(ctx context.Context, id string, opts *ListRepoTreeOptions) iter.Seq2[*TreeEntry, error] {
	if opts == nil {
		opts = &ListRepoTreeOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return fail[*TreeEntry](err)
	}
	parts := []string{"tree", QuoteRevision(revOrDefault(opts.Revision))}
	if p := strings.Trim(opts.Path, "/"); p != "" {
		parts = append(parts, quote(p, ""))
	}
	q := url.Values{}
	q.Set("recursive", strconv.FormatBool(opts.Recursive))
	q.Set("expand", strconv.FormatBool(opts.Expand))
	return c.safeEntries(id, paginate[*TreeEntry](ctx, c, c.apiRepoURL(opts.RepoType, id, parts...), q, opts.Limit))
}

// safeEntries drops, with a warning, the entries of a server's listing
// whose path could not name a file of the repository (empty, "..", an
// absolute or drive path, a NUL): no caller joins such a path to a folder.
func (c *Client) safeEntries(id string, seq iter.Seq2[*TreeEntry, error]) iter.Seq2[*TreeEntry, error] {
	return func(yield func(*TreeEntry, error) bool) {
		for e, err := range seq {
			if err == nil && e != nil {
				if _, bad := cleanFilename("", e.Path); bad != nil {
					c.logger.Warn("hfhub: skipped an entry of the file listing with an unsafe path", "repo", id, "path", e.Path, "reason", bad.Error())
					continue
				}
			}
			if !yield(e, err) {
				return
			}
		}
	}
}

// ListRepoFiles returns the paths of every file of the repository at the
// revision (folders excluded), as list_repo_files does.
func (c *Client) ListRepoFiles(ctx context.Context, id string, opts *RepoOptions) ([]string, error) {
	var files []string
	for e, err := range c.ListRepoTree(ctx, id, &ListRepoTreeOptions{RepoType: opts.repoType(), Revision: opts.revision(), Recursive: true}) {
		if err != nil {
			return nil, err
		}
		if !e.IsDir() {
			files = append(files, e.Path)
		}
	}
	return files, nil
}

// PathsInfoOptions configures [Client.PathsInfo]. A nil pointer asks about
// a model repo's main branch, without expansion.
type PathsInfoOptions struct {
	RepoType RepoType
	Revision string // empty: "main"
	Expand   bool   // add lastCommit and securityFileStatus
}

// PathsInfo returns the tree entries of the given paths; paths that do not
// exist are silently left out, as by the Hub. Hub API: POST
// /api/{type}s/{id}/paths-info/{rev} (form-encoded, 500 paths per request).
func (c *Client) PathsInfo(ctx context.Context, id string, paths []string, opts *PathsInfoOptions) ([]TreeEntry, error) {
	if opts == nil {
		opts = &PathsInfoOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	u := c.apiRepoURL(opts.RepoType, id, "paths-info", QuoteRevision(revOrDefault(opts.Revision)))
	out := []TreeEntry{}
	for start := 0; start < len(paths); start += PathsInfoChunkSize {
		end := min(start+PathsInfoChunkSize, len(paths))
		form := url.Values{"paths": paths[start:end], "expand": {strconv.FormatBool(opts.Expand)}}
		var page []TreeEntry
		// POST without side effects: safe to retry.
		if _, err := c.sendForm(ctx, http.MethodPost, u, form, &page, &reqOpts{Retry: retryAlways}); err != nil {
			return nil, err
		}
		out = append(out, page...)
	}
	return out, nil
}

// GitRef is a branch, tag, pull request or conversion ref.
type GitRef struct {
	Name         string `json:"name"`         // "main", "v1.0", "1", "parquet"
	Ref          string `json:"ref"`          // "refs/heads/main", "refs/pr/1", ...
	TargetCommit string `json:"targetCommit"` // 40-hex commit id
}

// GitRefs lists the refs of a repository.
type GitRefs struct {
	Branches     []GitRef `json:"branches"`
	Converts     []GitRef `json:"converts"`
	Tags         []GitRef `json:"tags"`
	PullRequests []GitRef `json:"pullRequests,omitempty"` // only with IncludePullRequests
}

// ListRepoRefsOptions configures [Client.ListRepoRefs]. A nil pointer lists
// a model repo's refs without pull requests.
type ListRepoRefsOptions struct {
	RepoType            RepoType
	IncludePullRequests bool
}

// ListRepoRefs returns the branches, tags, conversions (e.g.
// refs/convert/parquet) and, when asked, pull requests of a repository.
// Hub API: GET /api/{type}s/{id}/refs[?include_prs=1].
func (c *Client) ListRepoRefs(ctx context.Context, id string, opts *ListRepoRefsOptions) (*GitRefs, error) {
	if opts == nil {
		opts = &ListRepoRefsOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts.IncludePullRequests {
		q.Set("include_prs", "1")
	}
	var refs GitRefs
	if _, err := c.getJSON(ctx, c.apiRepoURL(opts.RepoType, id, "refs"), q, &refs); err != nil {
		return nil, err
	}
	return &refs, nil
}

// CommitAuthor is an author of a commit.
type CommitAuthor struct {
	User   string `json:"user"`
	Avatar string `json:"avatar,omitempty"`
}

// FormattedCommit holds the HTML renderings of a commit's title and
// message (Formatted option).
type FormattedCommit struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

// GitCommit is one commit of a repository's history.
type GitCommit struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Message   string           `json:"message"`
	Authors   []CommitAuthor   `json:"authors"`
	Date      time.Time        `json:"date"`
	Formatted *FormattedCommit `json:"formatted,omitempty"`
}

// ListRepoCommitsOptions configures [Client.ListRepoCommits]. A nil pointer
// lists the whole history of a model repo's main branch.
type ListRepoCommitsOptions struct {
	RepoType  RepoType
	Revision  string // empty: "main"
	Formatted bool   // add HTML renderings (expand[]=formatted)
	Limit     int    // stop after this many commits; zero: all
}

// ListRepoCommits returns the history of a revision, newest first, fetching
// pages lazily. Hub API: GET /api/{type}s/{id}/commits/{rev}.
func (c *Client) ListRepoCommits(ctx context.Context, id string, opts *ListRepoCommitsOptions) iter.Seq2[*GitCommit, error] {
	if opts == nil {
		opts = &ListRepoCommitsOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return fail[*GitCommit](err)
	}
	if opts.Limit < 0 {
		return fail[*GitCommit](fmt.Errorf("%w: negative Limit %d", ErrValidation, opts.Limit))
	}
	q := url.Values{}
	if opts.Formatted {
		q.Set("expand[]", "formatted")
	}
	return paginate[*GitCommit](ctx, c, c.apiRepoURL(opts.RepoType, id, "commits", QuoteRevision(revOrDefault(opts.Revision))), q, opts.Limit)
}

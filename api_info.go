package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// RepoOptions names a repository's type and revision for calls that need
// nothing else. A nil pointer or the zero value means a model repo at
// "main".
type RepoOptions struct {
	RepoType RepoType // zero value: RepoModel
	Revision string   // branch, tag or commit; empty means "main"
}

func (o *RepoOptions) repoType() RepoType {
	if o == nil {
		return RepoModel
	}
	return o.RepoType
}

func (o *RepoOptions) revision() string {
	if o == nil {
		return ""
	}
	return o.Revision
}

// RepoInfoOptions configures [Client.RepoInfo], [Client.ModelInfo],
// [Client.DatasetInfo] and [Client.SpaceInfo]. A nil pointer or the zero
// value asks for the default properties of a model repo at its default
// branch.
type RepoInfoOptions struct {
	RepoType RepoType // RepoInfo only; the typed calls set it themselves
	// Revision selects a branch, tag, commit or "refs/pr/N"; empty uses
	// the repo's default branch (no /revision/ in the URL).
	Revision string
	// Expand asks for exactly these properties (e.g. "downloads",
	// "siblings", "sha"); the Hub then returns only _id, id and these.
	// It cannot be combined with FilesMetadata or SecurityStatus.
	Expand []string
	// FilesMetadata adds size, blobId and lfs to each sibling (blobs=true).
	FilesMetadata bool
	// SecurityStatus adds securityRepoStatus (models only).
	SecurityStatus bool
}

func (o *RepoInfoOptions) query(rt RepoType) (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	if len(o.Expand) > 0 && (o.FilesMetadata || o.SecurityStatus) {
		return nil, fmt.Errorf("%w: Expand cannot be combined with FilesMetadata or SecurityStatus: add \"siblings\" or \"securityRepoStatus\" to Expand instead", ErrValidation)
	}
	if o.SecurityStatus && rt != RepoModel {
		return nil, fmt.Errorf("%w: SecurityStatus is only available for model repos", ErrValidation)
	}
	for _, e := range o.Expand {
		q.Add("expand", e)
	}
	if o.FilesMetadata {
		q.Set("blobs", "true")
	}
	if o.SecurityStatus {
		q.Set("securityStatus", "true")
	}
	return q, nil
}

// repoInfoURL is /api/{T}/{id} or /api/{T}/{id}/revision/{rev}.
func (c *Client) repoInfoURL(rt RepoType, id, rev string) string {
	if rev == "" {
		return c.apiRepoURL(rt, id)
	}
	return c.apiRepoURL(rt, id, "revision", QuoteRevision(rev))
}

func (c *Client) repoInfo(ctx context.Context, rt RepoType, id string, opts *RepoInfoOptions, out any) error {
	if err := ValidateRepoID(id); err != nil {
		return err
	}
	q, err := opts.query(rt)
	if err != nil {
		return err
	}
	rev := ""
	if opts != nil {
		rev = opts.Revision
	}
	if _, err = c.getJSON(ctx, c.repoInfoURL(rt, id, rev), q, out); err != nil {
		return err
	}
	var sha string
	switch v := out.(type) {
	case *ModelInfo:
		sha = v.SHA
	case *DatasetInfo:
		sha = v.SHA
	case *SpaceInfo:
		sha = v.SHA
	}
	if sha != "" && !IsCommitHash(sha) {
		return fmt.Errorf("%w: the %s info of %s names commit %q, not 40 lowercase hex digits: the server is not Hub-compatible", ErrServer, rt, id, sha)
	}
	return nil
}

// ModelInfo returns the model repository id. Hub API: GET /api/models/{id}
// [/revision/{rev}]. Errors match [ErrRepoNotFound], [ErrGatedRepo] (only
// when the repo info itself is gated), [ErrRevisionNotFound] and
// [ErrValidation].
func (c *Client) ModelInfo(ctx context.Context, id string, opts *RepoInfoOptions) (*ModelInfo, error) {
	var m ModelInfo
	if err := c.repoInfo(ctx, RepoModel, id, opts, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// DatasetInfo returns the dataset repository id. Hub API: GET
// /api/datasets/{id}[/revision/{rev}]. Errors as for [Client.ModelInfo].
func (c *Client) DatasetInfo(ctx context.Context, id string, opts *RepoInfoOptions) (*DatasetInfo, error) {
	var d DatasetInfo
	if err := c.repoInfo(ctx, RepoDataset, id, opts, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// SpaceInfo returns the Space id. Hub API: GET /api/spaces/{id}
// [/revision/{rev}]. Errors as for [Client.ModelInfo].
func (c *Client) SpaceInfo(ctx context.Context, id string, opts *RepoInfoOptions) (*SpaceInfo, error) {
	var s SpaceInfo
	if err := c.repoInfo(ctx, RepoSpace, id, opts, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// RepoInfo returns the repository id of type opts.RepoType (model by
// default), as [Client.ModelInfo], [Client.DatasetInfo] or
// [Client.SpaceInfo] would.
func (c *Client) RepoInfo(ctx context.Context, id string, opts *RepoInfoOptions) (*RepoInfo, error) {
	rt := RepoModel
	if opts != nil {
		rt = opts.RepoType
	}
	r := &RepoInfo{Type: rt}
	var err error
	switch rt {
	case RepoDataset:
		r.Dataset, err = c.DatasetInfo(ctx, id, opts)
	case RepoSpace:
		r.Space, err = c.SpaceInfo(ctx, id, opts)
	case RepoModel:
		r.Model, err = c.ModelInfo(ctx, id, opts)
	default:
		var m ModelInfo // kernels share the model shape
		err = c.repoInfo(ctx, rt, id, opts, &m)
		r.Model = &m
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RepoExists reports whether the repository exists and is visible with the
// client's token. A gated repo exists. Hub API: GET /api/{type}s/{id}
// (expand=sha, so the answer stays small).
func (c *Client) RepoExists(ctx context.Context, id string, opts *RepoOptions) (bool, error) {
	rt := opts.repoType()
	var out struct{}
	err := c.repoInfo(ctx, rt, id, &RepoInfoOptions{Expand: []string{"sha"}}, &out)
	switch {
	case err == nil, errors.Is(err, ErrGatedRepo):
		return true, nil
	case errors.Is(err, ErrRepoNotFound):
		return false, nil
	}
	return false, err
}

// RevisionExists reports whether revision exists in the repository. A
// missing repository also answers false. Hub API: GET
// /api/{type}s/{id}/revision/{rev}.
func (c *Client) RevisionExists(ctx context.Context, id, revision string, opts *RepoOptions) (bool, error) {
	if revision == "" {
		return false, fmt.Errorf("%w: empty revision", ErrValidation)
	}
	var out struct{}
	err := c.repoInfo(ctx, opts.repoType(), id, &RepoInfoOptions{Revision: revision, Expand: []string{"sha"}}, &out)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrRevisionNotFound), errors.Is(err, ErrRepoNotFound): // gated too, as in Python
		return false, nil
	}
	return false, err
}

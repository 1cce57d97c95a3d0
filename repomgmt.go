package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CreateRepoOptions configures [Client.CreateRepo]. A nil pointer creates a
// public model repo and fails if it exists.
type CreateRepoOptions struct {
	RepoType RepoType
	// Private makes the repository visible only to its owner.
	Private bool
	// ExistOK turns "the repo already exists" into success.
	ExistOK bool
	// SpaceSDK is required for Spaces: gradio, streamlit, docker or static.
	SpaceSDK string
}

// RepoURL identifies a repository on an endpoint, as returned by
// [Client.CreateRepo].
type RepoURL struct {
	// URL is the repository's web page, e.g. https://huggingface.co/acme/tiny.
	URL      string   `json:"url"`
	RepoType RepoType `json:"repo_type"`
	RepoID   string   `json:"repo_id"`
}

// CreateRepo creates a repository. Hub API: POST /api/repos/create. With
// opts.ExistOK an existing repo is success (a 409, or a 401/402/403 when the
// repo can be read). Errors match [ErrConflict] (exists), [ErrUnauthorized],
// [ErrForbidden] and [ErrValidation].
func (c *Client) CreateRepo(ctx context.Context, id string, opts *CreateRepoOptions) (*RepoURL, error) {
	if opts == nil {
		opts = &CreateRepoOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	body := repoBody(opts.RepoType, id)
	if opts.Private {
		body["visibility"] = "private"
	}
	if opts.RepoType == RepoSpace {
		if !slices.Contains(SpacesSDKTypes, opts.SpaceSDK) {
			return nil, fmt.Errorf("%w: a Space needs an SDK: set SpaceSDK to one of %s", ErrValidation, strings.Join(SpacesSDKTypes, ", "))
		}
		body["sdk"] = opts.SpaceSDK
	} else if opts.SpaceSDK != "" {
		return nil, fmt.Errorf("%w: SpaceSDK is only for Spaces", ErrValidation)
	}
	out := &RepoURL{URL: c.repoWebURL(opts.RepoType, id), RepoType: opts.RepoType, RepoID: id}
	var resp struct {
		URL string `json:"url"`
	}
	var err error
	for range 5 { // the Hub asks to retry while another operation holds the name
		_, err = c.sendJSON(ctx, http.MethodPost, c.apiURL("repos", "create"), body, &resp, &reqOpts{Retry: retryNever})
		if he, ok := errors.AsType[*HubError](err); !ok || he.StatusCode != http.StatusConflict ||
			!strings.Contains(he.Message, "another conflicting operation is in progress") {
			break
		}
	}
	if err == nil {
		if resp.URL != "" {
			// The server's answer names where the repo went (a bare name
			// lands under the caller's namespace): trust it over our guess.
			out.URL = resp.URL
			if rid, ok := c.repoIDFromWebURL(opts.RepoType, resp.URL); ok {
				out.RepoID = rid
			}
		}
		return out, nil
	}
	if !opts.ExistOK {
		return nil, fmt.Errorf("create %s %s: %w", opts.RepoType, id, err)
	}
	if errors.Is(err, ErrConflict) {
		return out, nil
	}
	if he, ok := errors.AsType[*HubError](err); ok && (he.StatusCode == 401 || he.StatusCode == 402 || he.StatusCode == 403) {
		// Maybe no right to create here, but the repo may exist already.
		if _, ierr := c.getJSON(ctx, c.apiRepoURL(opts.RepoType, id), nil, nil); ierr == nil {
			return out, nil
		}
	}
	return nil, fmt.Errorf("create %s %s: %w", opts.RepoType, id, err)
}

// DeleteRepoOptions configures [Client.DeleteRepo]. A nil pointer deletes a
// model repo and fails if it does not exist.
type DeleteRepoOptions struct {
	RepoType RepoType
	// MissingOK turns "no such repository" into success.
	MissingOK bool
}

// DeleteRepo deletes a repository and its history. Hub API: DELETE
// /api/repos/delete. It cannot be undone. Errors match [ErrRepoNotFound]
// (unless opts.MissingOK), [ErrForbidden] and [ErrValidation].
func (c *Client) DeleteRepo(ctx context.Context, id string, opts *DeleteRepoOptions) error {
	if opts == nil {
		opts = &DeleteRepoOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return err
	}
	_, err := c.sendJSON(ctx, http.MethodDelete, c.apiURL("repos", "delete"), repoBody(opts.RepoType, id), nil, &reqOpts{Retry: retryNever})
	if err != nil && opts.MissingOK && errors.Is(err, ErrRepoNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", opts.RepoType, id, err)
	}
	return nil
}

// MoveRepo renames a repository, possibly to another namespace; both ids
// must be "namespace/name". Afterwards the old URLs redirect to the new
// ones. Hub API: POST /api/repos/move. Errors match [ErrRepoNotFound],
// [ErrConflict] (target taken), [ErrForbidden] and [ErrValidation].
func (c *Client) MoveRepo(ctx context.Context, from, to string, opts *RepoOptions) error {
	for _, id := range []string{from, to} {
		if err := ValidateRepoID(id); err != nil {
			return err
		}
		if strings.Count(id, "/") != 1 {
			return fmt.Errorf("%w: repo id %q must be \"namespace/name\" to be moved", ErrValidation, id)
		}
	}
	body := map[string]string{"fromRepo": from, "toRepo": to, "type": opts.repoType().String()}
	if _, err := c.sendJSON(ctx, http.MethodPost, c.apiURL("repos", "move"), body, nil, &reqOpts{Retry: retryNever}); err != nil {
		return fmt.Errorf("move %s to %s: %w", from, to, err)
	}
	return nil
}

// RepoSettings are the settings [Client.UpdateRepoSettings] changes; nil
// fields are left as they are, and at least one must be set. It is passed
// by value, unlike the *XxxOptions of other calls, because it is the
// change itself: the zero value changes nothing and is refused.
//
// The repo's type is given here, in RepoType, as in the options of the
// other calls; the id is UpdateRepoSettings' argument. There is no
// Revision: settings belong to the repo, not to a branch.
type RepoSettings struct {
	// RepoType is the type of the repo; the zero value is RepoModel.
	RepoType RepoType
	// Private sets the visibility.
	Private *bool
	// Gated sets access requests: GatedNone, GatedAuto or GatedManual.
	Gated *Gated
}

// UpdateRepoSettings changes a repository's visibility or gating. Hub API:
// PUT /api/{type}s/{id}/settings. Errors match [ErrRepoNotFound],
// [ErrForbidden] and [ErrValidation].
func (c *Client) UpdateRepoSettings(ctx context.Context, id string, s RepoSettings) error {
	if err := ValidateRepoID(id); err != nil {
		return err
	}
	body := map[string]any{}
	if s.Gated != nil {
		switch *s.Gated {
		case GatedNone, GatedAuto, GatedManual:
		default:
			return fmt.Errorf("%w: gated must be \"auto\", \"manual\" or none, not %q", ErrValidation, *s.Gated)
		}
		body["gated"] = *s.Gated
	}
	if s.Private != nil {
		if *s.Private {
			body["visibility"] = "private"
		} else {
			body["visibility"] = "public"
		}
	}
	if len(body) == 0 {
		return fmt.Errorf("%w: no setting to change: set Private or Gated", ErrValidation)
	}
	if _, err := c.sendJSON(ctx, http.MethodPut, c.apiRepoURL(s.RepoType, id, "settings"), body, nil, &reqOpts{Retry: retryNever}); err != nil {
		return fmt.Errorf("update settings of %s %s: %w", s.RepoType, id, err)
	}
	return nil
}

// CreateBranchOptions configures [Client.CreateBranch]. A nil pointer
// branches a model repo from the head of main and fails if the branch
// exists.
type CreateBranchOptions struct {
	RepoType RepoType
	// Revision is where the branch starts (branch, tag or commit); empty
	// means the head of main.
	Revision string
	// ExistOK turns "the branch already exists" into success.
	ExistOK bool
}

// CreateBranch creates a branch. Hub API: POST /api/{type}s/{id}/branch/
// {branch}. Errors match [ErrConflict] (exists, unless ExistOK),
// [ErrRevisionNotFound], [ErrBadRequest] (invalid name) and [ErrRepoNotFound].
func (c *Client) CreateBranch(ctx context.Context, id, branch string, opts *CreateBranchOptions) error {
	if opts == nil {
		opts = &CreateBranchOptions{}
	}
	body := map[string]string{}
	if opts.Revision != "" {
		body["startingPoint"] = opts.Revision
	}
	return c.changeRef(ctx, http.MethodPost, opts.RepoType, id, "branch", branch, branch, body, opts.ExistOK)
}

// DeleteBranch deletes a branch (not main). Hub API: DELETE
// /api/{type}s/{id}/branch/{branch}. Errors match [ErrRevisionNotFound],
// [ErrRepoNotFound] and [ErrForbidden].
func (c *Client) DeleteBranch(ctx context.Context, id, branch string, opts *RepoOptions) error {
	return c.changeRef(ctx, http.MethodDelete, opts.repoType(), id, "branch", branch, branch, nil, false)
}

// CreateTagOptions configures [Client.CreateTag]. A nil pointer tags the
// head of a model repo's main branch, without a message, and fails if the
// tag exists.
type CreateTagOptions struct {
	RepoType RepoType
	// Revision is what the tag points at (branch, tag or commit); empty
	// means the head of main.
	Revision string
	// Message annotates the tag.
	Message string
	// ExistOK turns "the tag already exists" into success.
	ExistOK bool
}

// CreateTag tags a revision. Hub API: POST /api/{type}s/{id}/tag/{rev}
// with {"tag", "message"}. Errors match [ErrConflict] (exists, unless
// ExistOK), [ErrRevisionNotFound] and [ErrRepoNotFound].
func (c *Client) CreateTag(ctx context.Context, id, tag string, opts *CreateTagOptions) error {
	if opts == nil {
		opts = &CreateTagOptions{}
	}
	body := map[string]string{"tag": tag}
	if opts.Message != "" {
		body["message"] = opts.Message
	}
	return c.changeRef(ctx, http.MethodPost, opts.RepoType, id, "tag", tag, revOrDefault(opts.Revision), body, opts.ExistOK)
}

// DeleteTag deletes a tag. Hub API: DELETE /api/{type}s/{id}/tag/{tag}.
// Errors match [ErrRevisionNotFound] (no such tag) and [ErrRepoNotFound].
func (c *Client) DeleteTag(ctx context.Context, id, tag string, opts *RepoOptions) error {
	return c.changeRef(ctx, http.MethodDelete, opts.repoType(), id, "tag", tag, tag, nil, false)
}

// changeRef creates (POST) or deletes (DELETE) the branch or tag (kind)
// name: it sends method to /api/{type}s/{id}/{kind}/{rev}, where rev is the
// ref itself, or for a new tag the revision it points at. A body of nil
// sends none. With existOK a 409 (the ref exists) is success.
func (c *Client) changeRef(ctx context.Context, method string, rt RepoType, id, kind, name, rev string, body map[string]string, existOK bool) error {
	if err := ValidateRepoID(id); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%w: empty %s name", ErrValidation, kind)
	}
	var in any // an untyped nil: no body at all
	if body != nil {
		in = body
	}
	_, err := c.sendJSON(ctx, method, c.apiRepoURL(rt, id, kind, QuoteRevision(rev)), in, nil, &reqOpts{Retry: retryNever})
	if err == nil || existOK && errors.Is(err, ErrConflict) {
		return nil
	}
	verb := "create"
	if method == http.MethodDelete {
		verb = "delete"
	}
	return fmt.Errorf("%s %s %s in %s: %w", verb, kind, name, id, err)
}

// repoBody is the body of /api/repos/create and /api/repos/delete:
// name, organization (null for legacy ids) and type (models omit it).
func repoBody(rt RepoType, id string) map[string]any {
	ns, name := nsAndName(id)
	body := map[string]any{"name": name, "organization": nil}
	if ns != "" {
		body["organization"] = ns
	}
	if rt != RepoModel {
		body["type"] = rt.String()
	}
	return body
}

// nsAndName returns the namespace ("" for legacy ids) and the name.
func nsAndName(id string) (ns, name string) {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i], id[i+1:]
	}
	return "", id
}

// repoIDFromWebURL returns the repo id in a repo's web URL
// (https://hub/[datasets/|spaces/]ns/name), or false when u is not one. The
// host may differ from the client's endpoint (a server behind a proxy);
// the endpoint's own path prefix, if any, is removed.
func (c *Client) repoIDFromWebURL(t RepoType, u string) (string, bool) {
	pu, err := url.Parse(u)
	if err != nil {
		return "", false
	}
	p := strings.TrimPrefix(pu.Path, "/")
	if eu, err := url.Parse(c.endpoint); err == nil {
		p = strings.TrimPrefix(p, strings.Trim(eu.Path, "/")+"/")
	}
	rest, ok := strings.CutPrefix(p, t.URLPrefix())
	if !ok || rest == "" || strings.Count(rest, "/") > 1 || ValidateRepoID(rest) != nil {
		return "", false
	}
	return rest, true
}

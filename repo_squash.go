package hfhub

import (
	"context"
	"fmt"
	"net/http"
)

// SuperSquashOptions configures [Client.SuperSquashHistory]. A nil pointer
// squashes main of a model repo with the message Python uses.
type SuperSquashOptions struct {
	RepoType RepoType
	// Branch is the branch to squash (empty: main). Tags cannot be
	// squashed.
	Branch string
	// Message is the message of the squashed commit (default
	// "Super-squash branch '<branch>' using huggingface_hub").
	Message string
}

// SuperSquashHistory replaces the history of a branch by one commit with
// the same files, like super_squash_history in Python; it frees the storage
// of files only older commits referenced. Other branches and tags keep
// their commits. It returns the id of the new head. This cannot be undone.
//
// Hub API: POST /api/{type}s/{id}/super-squash/{branch} with {"message"}.
// Errors match [ErrRevisionNotFound] (no such branch), [ErrBadRequest] (a
// tag), [ErrRepoNotFound] and [ErrForbidden].
func (c *Client) SuperSquashHistory(ctx context.Context, id string, opts *SuperSquashOptions) (string, error) {
	if opts == nil {
		opts = &SuperSquashOptions{}
	}
	if err := ValidateRepoID(id); err != nil {
		return "", err
	}
	branch := revOrDefault(opts.Branch)
	msg := opts.Message
	if msg == "" {
		msg = "Super-squash branch '" + branch + "' using huggingface_hub"
	}
	var out struct {
		CommitID string `json:"commitId"`
	}
	u := c.apiRepoURL(opts.RepoType, id, "super-squash", QuoteRevision(branch))
	if _, err := c.sendJSON(ctx, http.MethodPost, u, map[string]string{"message": msg}, &out, &reqOpts{Retry: retryNever}); err != nil {
		return "", fmt.Errorf("super-squash %s of %s: %w", branch, id, err)
	}
	if out.CommitID == "" {
		// The Hub does not say: ask for the new head.
		var head struct {
			SHA string `json:"sha"`
		}
		if _, err := c.getJSON(ctx, c.repoInfoURL(opts.RepoType, id, branch), nil, &head); err != nil {
			return "", fmt.Errorf("super-squash %s of %s: read the new head: %w", branch, id, err)
		}
		out.CommitID = head.SHA
	}
	if !IsCommitHash(out.CommitID) {
		return "", fmt.Errorf("super-squash %s of %s: the server answered commit id %q, not 40 hex digits", branch, id, out.CommitID)
	}
	return out.CommitID, nil
}

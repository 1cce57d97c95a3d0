package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// SpaceKeyValue is a secret or variable given when creating or
// duplicating a Space.
type SpaceKeyValue struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// DuplicateRepoOptions configures [Client.DuplicateRepo]. A nil pointer
// copies a model into the caller's namespace under the same name.
type DuplicateRepoOptions struct {
	RepoType RepoType
	// To is the new id, "namespace/name" or just "name" (the caller's
	// namespace, from whoami). Default: the source's name.
	To string
	// Visibility is "public", "private" or (Spaces) "protected"; empty
	// keeps the source's.
	Visibility string
	// ExistOK turns "the target exists" (409) into success.
	ExistOK bool
	// Space settings of the copy (Spaces only).
	SpaceHardware  string
	SpaceStorage   string
	SpaceSleepTime *int64
	SpaceSecrets   []SpaceKeyValue
	SpaceVariables []SpaceKeyValue
	SpaceVolumes   []Volume
}

// DuplicateRepo copies a repository on the Hub, history and LFS files
// included, without a download. Hub API: POST /api/{type}s/{id}/duplicate
// {"repository", "visibility", "hardware", "sleepTimeSeconds", "secrets",
// "variables", "volumes", "storageTier"}. Errors match [ErrRepoNotFound]
// and [ErrConflict] (target exists, unless ExistOK).
func (c *Client) DuplicateRepo(ctx context.Context, from string, opts *DuplicateRepoOptions) (*RepoURL, error) {
	if opts == nil {
		opts = &DuplicateRepoOptions{}
	}
	if err := ValidateRepoID(from); err != nil {
		return nil, err
	}
	ns, name := "", from[strings.LastIndexByte(from, '/')+1:]
	if opts.To != "" {
		if i := strings.LastIndexByte(opts.To, '/'); i >= 0 {
			ns, name = opts.To[:i], opts.To[i+1:]
		} else {
			name = opts.To
		}
	}
	isSpace := opts.RepoType == RepoSpace
	if !isSpace && (opts.SpaceHardware != "" || opts.SpaceStorage != "" || opts.SpaceSleepTime != nil ||
		opts.SpaceSecrets != nil || opts.SpaceVariables != nil || opts.SpaceVolumes != nil) {
		return nil, fmt.Errorf("%w: Space settings given to duplicate a %s: set RepoType to RepoSpace or drop them", ErrValidation, opts.RepoType)
	}
	switch opts.Visibility {
	case "", "public", "private":
	case "protected":
		if !isSpace {
			return nil, fmt.Errorf("%w: visibility protected is only for Spaces", ErrValidation)
		}
	default:
		return nil, fmt.Errorf("%w: visibility %q: use public, private or protected", ErrValidation, opts.Visibility)
	}
	for _, kv := range append(append([]SpaceKeyValue(nil), opts.SpaceSecrets...), opts.SpaceVariables...) {
		if err := ValidateEnvName(kv.Key); err != nil {
			return nil, err
		}
	}
	for _, v := range opts.SpaceVolumes {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	if ns == "" {
		me, err := c.WhoAmI(ctx)
		if err != nil {
			return nil, fmt.Errorf("duplicate %s: finding your namespace: %w", from, err)
		}
		ns = me.Name
	}
	to := ns + "/" + name
	if err := ValidateRepoID(to); err != nil {
		return nil, err
	}
	body := map[string]any{"repository": to}
	if opts.Visibility != "" {
		body["visibility"] = opts.Visibility
	}
	if isSpace {
		set := func(k string, v any, ok bool) {
			if ok {
				body[k] = v
			}
		}
		set("hardware", opts.SpaceHardware, opts.SpaceHardware != "")
		set("storageTier", opts.SpaceStorage, opts.SpaceStorage != "")
		set("sleepTimeSeconds", opts.SpaceSleepTime, opts.SpaceSleepTime != nil)
		set("secrets", opts.SpaceSecrets, opts.SpaceSecrets != nil)
		set("variables", opts.SpaceVariables, opts.SpaceVariables != nil)
		set("volumes", opts.SpaceVolumes, opts.SpaceVolumes != nil)
	}
	var resp struct {
		URL string `json:"url"`
	}
	out := &RepoURL{URL: c.repoWebURL(opts.RepoType, to), RepoType: opts.RepoType, RepoID: to}
	_, err := c.sendJSON(ctx, http.MethodPost, c.apiRepoURL(opts.RepoType, from, "duplicate"), body, &resp, &reqOpts{Retry: retryNever})
	if err != nil {
		if opts.ExistOK && errors.Is(err, ErrConflict) {
			return out, nil
		}
		for _, s := range opts.SpaceSecrets {
			err = redactSecret(err, s.Value)
		}
		return nil, fmt.Errorf("duplicate %s %s to %s: %w", opts.RepoType, from, to, err)
	}
	if resp.URL != "" {
		out.URL = resp.URL
	}
	return out, nil
}

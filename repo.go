package hfhub

import (
	"fmt"
	"strings"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hfuri"
)

// RepoType is the kind of a Hub repository. The zero value is RepoModel.
type RepoType int

// Repository types.
const (
	RepoModel RepoType = iota
	RepoDataset
	RepoSpace
	RepoKernel
)

var repoTypeNames = [...]string{"model", "dataset", "space", "kernel"}

// String returns "model", "dataset", "space" or "kernel".
func (t RepoType) String() string {
	if t < 0 || int(t) >= len(repoTypeNames) {
		return fmt.Sprintf("RepoType(%d)", int(t))
	}
	return repoTypeNames[t]
}

// ParseRepoType parses a repo type name. It accepts the singular and plural
// forms ("model", "models", ...) and "" (meaning model), as Python does.
func ParseRepoType(s string) (RepoType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "model", "models":
		return RepoModel, nil
	case "dataset", "datasets":
		return RepoDataset, nil
	case "space", "spaces":
		return RepoSpace, nil
	case "kernel", "kernels":
		return RepoKernel, nil
	}
	return RepoModel, fmt.Errorf("%w: unknown repo type %q: use model, dataset or space", ErrValidation, s)
}

// MarshalText implements encoding.TextMarshaler.
func (t RepoType) MarshalText() ([]byte, error) {
	if t < 0 || int(t) >= len(repoTypeNames) {
		return nil, fmt.Errorf("hfhub: invalid RepoType %d", int(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *RepoType) UnmarshalText(b []byte) error {
	v, err := ParseRepoType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Plural is the API path segment: "models", "datasets", "spaces", "kernels".
func (t RepoType) Plural() string { return t.String() + "s" }

// URLPrefix is the prefix of web and file URLs: "" for models, "datasets/",
// "spaces/" and "kernels/" otherwise.
func (t RepoType) URLPrefix() string {
	if t == RepoModel {
		return ""
	}
	return t.Plural() + "/"
}

// ValidateRepoID checks a repo id the way huggingface_hub does before any
// request: "name" or "namespace/name", each part made of letters, digits,
// "_", "-" and "." without leading or trailing "-" or ".", no "--" or "..",
// a name of at most 96 characters and no ".git" suffix ([hfuri.ValidateRepoID],
// the rule hf:// URIs use too). The error is [ErrValidation].
func ValidateRepoID(id string) error {
	if err := hfuri.ValidateRepoID(id); err != nil {
		return fmt.Errorf("%w: %v", ErrValidation, err)
	}
	return nil
}

// IsCommitHash reports whether s is a full lowercase 40-hex commit id.
func IsCommitHash(s string) bool { return cache.IsCommitHash(s) }

// revOrDefault returns rev, or DefaultRevision when rev is empty.
func revOrDefault(rev string) string {
	if rev == "" {
		return DefaultRevision
	}
	return rev
}

// apiURL returns endpoint + "/api/" + the parts joined by "/". The parts
// must already be encoded.
func (c *Client) apiURL(parts ...string) string {
	return c.endpoint + "/api/" + strings.Join(parts, "/")
}

// apiRepoURL returns {endpoint}/api/{type}s/{id}[/part...]. The parts must
// already be encoded (use QuoteRevision for revisions).
func (c *Client) apiRepoURL(rt RepoType, id string, parts ...string) string {
	u := c.endpoint + "/api/" + rt.Plural() + "/" + id
	if len(parts) > 0 {
		u += "/" + strings.Join(parts, "/")
	}
	return u
}

// repoWebURL returns the repo's page: {endpoint}/{prefix}{id}.
func (c *Client) repoWebURL(rt RepoType, id string) string {
	return c.endpoint + "/" + rt.URLPrefix() + id
}

// resolveURL returns the /resolve/ URL of a file (spec §2.7):
// {endpoint}/{prefix}{id}/resolve/{quote(rev,"")}/{quote(filename)}.
func (c *Client) resolveURL(rt RepoType, id, rev, filename string) string {
	return c.repoWebURL(rt, id) + "/resolve/" + QuoteRevision(revOrDefault(rev)) + "/" + QuotePath(filename)
}

// ResolveURL returns the URL at which the Hub serves filename of repo id at
// revision rev ("" means main), as hf_hub_url does.
func (c *Client) ResolveURL(rt RepoType, id, rev, filename string) string {
	return c.resolveURL(rt, id, rev, filename)
}

// RepoURL returns the web page of a repository, e.g.
// https://huggingface.co/datasets/org/name.
func (c *Client) RepoURL(rt RepoType, id string) string { return c.repoWebURL(rt, id) }

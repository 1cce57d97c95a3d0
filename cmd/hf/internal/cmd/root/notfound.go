package root

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// repoNotFound rewrites the error of a repo that does not exist as a plain
// "model acme/x not found" — the request URL, the Hub's 401 "Invalid
// username or password" (its answer for a missing repo) and the request id
// are noise there — and, when the namespace holds a repo of a close name,
// gives it as "did you mean". ok is false for every other error, a gated or
// private repo included.
func repoNotFound(ctx context.Context, f *cmdutil.Factory, err error) (msg, hint string, ok bool) {
	he, isHub := errors.AsType[*hfhub.HubError](err)
	if !isHub || he.RepoID == "" || !errors.Is(err, hfhub.ErrRepoNotFound) ||
		errors.Is(err, hfhub.ErrGatedRepo) || errors.Is(err, hfhub.ErrUnauthorized) {
		return "", "", false
	}
	t, terr := hfhub.ParseRepoType(he.RepoType)
	if terr != nil {
		return "", "", false
	}
	msg = fmt.Sprintf("%s %s not found", t, he.RepoID)
	if near := nearestRepo(ctx, f, t, he.RepoID); near != "" {
		return msg, fmt.Sprintf("did you mean %s? If the repo is private, set HF_TOKEN or run `hf auth login`", near), true
	}
	return msg, "check the repo id and --type; private repos need a token (HF_TOKEN or `hf auth login`)", true
}

// nearestRepo returns the repo of id's namespace whose name is closest to
// id's, within a small edit distance, or "". It asks the Hub for at most
// 1000 names and gives up after two seconds: a suggestion is a courtesy.
func nearestRepo(ctx context.Context, f *cmdutil.Factory, t hfhub.RepoType, id string) string {
	ns, name, found := strings.Cut(id, "/")
	if !found || ns == "" || name == "" {
		return ""
	}
	c, err := f.Client()
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	lo := hfhub.ListOptions{Author: ns, Limit: 1000}
	var ids []string
	collect := func(id string, err error) bool {
		if err != nil {
			return false
		}
		ids = append(ids, id)
		return true
	}
	switch t {
	case hfhub.RepoDataset:
		for d, err := range c.ListDatasets(ctx, &hfhub.ListDatasetsOptions{ListOptions: lo}) {
			if !collect(idOf(d, err, func() string { return d.ID }), err) {
				break
			}
		}
	case hfhub.RepoSpace:
		for s, err := range c.ListSpaces(ctx, &hfhub.ListSpacesOptions{ListOptions: lo}) {
			if !collect(idOf(s, err, func() string { return s.ID }), err) {
				break
			}
		}
	default:
		for m, err := range c.ListModels(ctx, &hfhub.ListModelsOptions{ListOptions: lo}) {
			if !collect(idOf(m, err, func() string { return m.ID }), err) {
				break
			}
		}
	}
	best, bestD := "", max(2, len(name)/4)+1
	for _, cand := range ids {
		_, cname, _ := strings.Cut(cand, "/")
		if d := editDistance(strings.ToLower(name), strings.ToLower(cname)); d < bestD && cand != id {
			best, bestD = cand, d
		}
	}
	return best
}

// idOf returns the id of a listed repo, or "" for a failed item.
func idOf[T any](v *T, err error, id func() string) string {
	if err != nil || v == nil {
		return ""
	}
	return id()
}

// editDistance is the Levenshtein distance of a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

package hfhub

import (
	"errors"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// A missing repo says so first; a change sent without a token is also
// ErrUnauthorized and its hint asks for a write token.
func TestHubErrorSummaryAndAnonymousWrite(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	_, err := c.ModelInfo(ctx, "acme/nope", nil)
	if !errors.Is(err, ErrRepoNotFound) || errors.Is(err, ErrUnauthorized) {
		t.Fatalf("ModelInfo(missing) = %v, want ErrRepoNotFound only", err)
	}
	if !strings.HasPrefix(err.Error(), "model acme/nope not found: GET ") {
		t.Errorf("message = %q, want it to start with \"model acme/nope not found: GET \"", err)
	}

	err = c.CreateBranch(ctx, "acme/tiny", "dev", nil)
	if !errors.Is(err, ErrRepoNotFound) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("CreateBranch without a token = %v, want ErrRepoNotFound and ErrUnauthorized", err)
	}
	he, _ := errors.AsType[*HubError](err)
	if he == nil || !strings.Contains(he.Hint, "write token") || strings.Contains(err.Error(), "not found:") {
		t.Errorf("anonymous write: %v, want a write-token hint and no \"not found\" summary", err)
	}
}

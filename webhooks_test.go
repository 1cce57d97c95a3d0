package hfhub

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/webhook"
)

// receiver is a Go service receiving webhooks on loopback through
// webhook.Handler; failFirst makes its callback fail that many times.
type receiver struct {
	mu        sync.Mutex
	got       []*webhook.Payload
	failFirst int
}

func (rc *receiver) handle(_ context.Context, p *webhook.Payload) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.failFirst > 0 {
		rc.failFirst--
		return errors.New("not ready yet")
	}
	rc.got = append(rc.got, p)
	return nil
}

// events returns "scope.action repo ref-or-status" of what arrived, sorted
// (deliveries run concurrently).
func (rc *receiver) events() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, p := range rc.got {
		e := p.Event.Scope + "." + p.Event.Action + " " + p.Repo.Name
		switch {
		case len(p.UpdatedRefs) > 0:
			e += " " + p.UpdatedRefs[0].Ref
		case p.Comment != nil:
			e += " " + p.Comment.Content
		case p.Discussion != nil:
			e += " " + p.Discussion.Status
		}
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

func TestWebhooksFireAndVerify(t *testing.T) {
	hub, alice, bob, _, dave := newCollabHub(t, hubtest.WithRepo(hubtest.Repo{ID: "alice/secret", Private: true}))
	ctx := t.Context()
	rc := &receiver{failFirst: 1}
	srv := httptest.NewServer(webhook.NewHandler("s3cret", rc.handle))
	defer srv.Close()

	h, err := alice.CreateWebhook(ctx, WebhookOptions{URL: srv.URL, Watched: []WebhookWatchedItem{{Type: "user", Name: "alice"}}, Secret: "s3cret"})
	if err != nil || h.ID == "" || h.Disabled || len(h.Domains) != 2 {
		t.Fatalf("create: %+v, %v", h, err)
	}
	wrong, err := bob.CreateWebhook(ctx, WebhookOptions{URL: srv.URL, Watched: []WebhookWatchedItem{{Type: "model", Name: "alice/repo"}}, Domains: []string{"repo"}, Secret: "guess"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dave.CreateWebhook(ctx, WebhookOptions{URL: srv.URL, Watched: []WebhookWatchedItem{{Type: "user", Name: "alice"}}}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("read token creates a webhook: %v, want ErrForbidden", err)
	}
	if _, err := bob.Webhook(ctx, h.ID); err == nil {
		t.Fatal("bob reads alice's webhook")
	}

	// A pull request from bob, a comment and the merge by alice; a commit
	// to alice's private repo, which bob's webhook must not see.
	info, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("new.txt", []byte("hi"))}, &CommitOptions{Message: "Add new", CreatePR: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CommentDiscussion(ctx, "alice/repo", info.PullRequestNum, "nice", nil); err != nil {
		t.Fatal(err)
	}
	if err := alice.MergePullRequest(ctx, "alice/repo", info.PullRequestNum, nil); err != nil {
		t.Fatal(err)
	}
	hub.WaitWebhooks()
	want := []string{
		"discussion.comment.create alice/repo nice",
		"discussion.create alice/repo open",
		"discussion.update alice/repo merged",
		"repo.content.update alice/repo refs/heads/main",
		"repo.content.update alice/repo refs/pr/1",
	}
	if got := rc.events(); !slices.Equal(got, want) {
		t.Fatalf("received %q\nwant %q", got, want)
	}

	// The delivery logs: one retry after the receiver's 500; the wrong
	// secret refused with 401 and not retried.
	logs, err := alice.WebhookDeliveries(ctx, h.ID)
	if err != nil || len(logs) != 5 {
		t.Fatalf("deliveries: %+v, %v", logs, err)
	}
	retried := 0
	for _, d := range logs {
		if !d.OK || d.Status != 200 {
			t.Errorf("delivery %+v failed", d)
		}
		if d.Attempts == 2 {
			retried++
		}
	}
	if retried != 1 {
		t.Errorf("%d deliveries needed a retry, want 1: %+v", retried, logs)
	}
	blogs, err := bob.WebhookDeliveries(ctx, wrong.ID)
	if err != nil || len(blogs) != 2 {
		t.Fatalf("bob's deliveries: %+v, %v", blogs, err)
	}
	for _, d := range blogs {
		if d.OK || d.Status != 401 || d.Attempts != 1 {
			t.Errorf("wrong-secret delivery %+v: want one refused attempt", d)
		}
	}

	// Disabled webhooks stay silent; private repos reach only their owner's.
	if d, err := alice.DisableWebhook(ctx, h.ID); err != nil || !d.Disabled {
		t.Fatalf("disable: %+v, %v", d, err)
	}
	if _, err := alice.CreateCommit(ctx, "alice/secret", []CommitOperation{AddFromBytes("s.txt", []byte("s"))}, &CommitOptions{Message: "secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.UpdateWebhook(ctx, wrong.ID, WebhookOptions{Watched: []WebhookWatchedItem{{Type: "user", Name: "alice"}}, Secret: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CreateCommit(ctx, "alice/secret", []CommitOperation{AddFromBytes("t.txt", []byte("t"))}, &CommitOptions{Message: "secret 2"}); err != nil {
		t.Fatal(err)
	}
	hub.WaitWebhooks()
	if got := rc.events(); len(got) != len(want) {
		t.Fatalf("after disable and a private commit: %q", got)
	}
	if d, err := alice.EnableWebhook(ctx, h.ID); err != nil || d.Disabled {
		t.Fatalf("enable: %+v, %v", d, err)
	}
	if _, err := alice.CreateCommit(ctx, "alice/secret", []CommitOperation{AddFromBytes("u.txt", []byte("u"))}, &CommitOptions{Message: "secret 3"}); err != nil {
		t.Fatal(err)
	}
	hub.WaitWebhooks()
	if got := rc.events(); !slices.Contains(got, "repo.content.update alice/secret refs/heads/main") {
		t.Fatalf("the owner's webhook missed the private commit: %q", got)
	}

	list, err := Collect(alice.ListWebhooks(ctx))
	if err != nil || len(list) != 1 || list[0].ID != h.ID {
		t.Fatalf("alice's webhooks: %+v, %v", list, err)
	}
	if err := bob.DeleteWebhook(ctx, h.ID); err == nil {
		t.Fatal("bob deletes alice's webhook")
	}
	if err := alice.DeleteWebhook(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Webhook(ctx, h.ID); err == nil {
		t.Fatal("webhook still there after delete")
	}
	if _, err := alice.CreateWebhook(ctx, WebhookOptions{URL: "ftp://x", Watched: []WebhookWatchedItem{{Type: "user", Name: "alice"}}}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("ftp URL: %v, want ErrBadRequest", err)
	}
}

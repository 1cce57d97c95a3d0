package hfhub

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// newCollabHub starts a hub where alice owns alice/repo (keep.txt), bob and
// carol have write tokens of their own and dave a read token.
func newCollabHub(t *testing.T, opts ...hubtest.Option) (hub *hubtest.Server, alice, bob, carol, dave *Client) {
	t.Helper()
	hub = newWriteHub(t, append([]hubtest.Option{
		hubtest.WithToken("hf_bob", "bob", hubtest.Write),
		hubtest.WithToken("hf_carol", "carol", hubtest.Write),
		hubtest.WithToken("hf_dave", "dave", hubtest.Read),
	}, opts...)...)
	return hub, newWriteClient(t, hub, WithToken(writeToken)), newWriteClient(t, hub, WithToken("hf_bob")),
		newWriteClient(t, hub, WithToken("hf_carol")), newWriteClient(t, hub, WithToken("hf_dave"))
}

func TestPullRequestWorkflow(t *testing.T) {
	hub, alice, bob, carol, dave := newCollabHub(t)
	ctx := t.Context()

	// bob, who cannot write alice/repo, opens a pull request with a commit.
	info, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("new.txt", []byte("hello\n"))},
		&CommitOptions{Message: "Add new.txt", Description: "Please merge", CreatePR: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.PullRequestNum != 1 || !strings.HasSuffix(info.PullRequestURL, "/alice/repo/discussions/1") {
		t.Fatalf("PR commit: %+v", info)
	}
	if _, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("x.txt", []byte("x"))}, &CommitOptions{Message: "x"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("bob commits to main: %v, want ErrForbidden", err)
	}
	// A discussion takes the next number: both share one sequence.
	q, err := carol.CreateDiscussion(ctx, "alice/repo", "  A question  ", &CreateDiscussionOptions{Description: "Why?"})
	if err != nil {
		t.Fatal(err)
	}
	if q.Num != 2 || q.Title != "A question" || q.IsPullRequest || q.Status != DiscussionOpen || q.Author != "carol" ||
		len(q.Events) != 1 || q.Events[0].Content != "Why?" {
		t.Fatalf("discussion: %+v", q)
	}
	if _, err := dave.CreateDiscussion(ctx, "alice/repo", "read token", nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("read token opens a discussion: %v, want ErrForbidden", err)
	}
	if _, err := bob.CreateDiscussion(ctx, "alice/repo", "no", nil); !errors.Is(err, ErrValidation) {
		t.Fatalf("short title: %v, want ErrValidation", err)
	}

	// The author pushes a second commit to the PR; others may not.
	if _, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("keep.txt", []byte("keep\nmore\n"))},
		&CommitOptions{Revision: "refs/pr/1", Message: "Edit keep.txt"}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("c.txt", []byte("c"))},
		&CommitOptions{Revision: "refs/pr/1", Message: "more"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("carol pushes to bob's PR: %v, want ErrForbidden", err)
	}

	// Comments: anyone with a write token; edits and hides by the author or the owner.
	cm, err := carol.CommentDiscussion(ctx, "alice/repo", 1, "Looks good", nil)
	if err != nil || cm.Type != EventComment || cm.Content != "Looks good" || cm.Author != "carol" || cm.ID == "" {
		t.Fatalf("comment: %+v, %v", cm, err)
	}
	if _, err := bob.EditDiscussionComment(ctx, "alice/repo", 1, cm.ID, "hijacked", nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("bob edits carol's comment: %v, want ErrForbidden", err)
	}
	ed, err := carol.EditDiscussionComment(ctx, "alice/repo", 1, strings.ToUpper(cm.ID), "Looks great", nil)
	if err != nil || !ed.Edited || ed.Content != "Looks great" || ed.NumberOfEdits != 1 {
		t.Fatalf("edit: %+v, %v", ed, err)
	}
	spam, err := carol.CommentDiscussion(ctx, "alice/repo", 1, "spam", nil)
	if err != nil {
		t.Fatal(err)
	}
	hd, err := alice.HideDiscussionComment(ctx, "alice/repo", 1, spam.ID, nil)
	if err != nil || !hd.Hidden || hd.Content != "" {
		t.Fatalf("hide: %+v, %v", hd, err)
	}
	if _, err := dave.CommentDiscussion(ctx, "alice/repo", 1, "read", nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("read token comments: %v, want ErrForbidden", err)
	}

	// Title and status: the author or the owner.
	if _, err := carol.RenameDiscussion(ctx, "alice/repo", 1, "Carol's now", nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("carol renames bob's PR: %v, want ErrForbidden", err)
	}
	tc, err := bob.RenameDiscussion(ctx, "alice/repo", 1, "Add new.txt and more", nil)
	if err != nil || tc.OldTitle != "Add new.txt" || tc.NewTitle != "Add new.txt and more" {
		t.Fatalf("rename: %+v, %v", tc, err)
	}
	if ev, err := alice.ChangeDiscussionStatus(ctx, "alice/repo", 2, DiscussionClosed, &ChangeDiscussionStatusOptions{Comment: "answered"}); err != nil || ev.NewStatus != DiscussionClosed {
		t.Fatalf("close: %+v, %v", ev, err)
	}
	if _, err := alice.ChangeDiscussionStatus(ctx, "alice/repo", 2, "merged", nil); !errors.Is(err, ErrValidation) {
		t.Fatalf("status merged: %v, want ErrValidation", err)
	}

	// Details: the events, the diff and the target.
	d, err := alice.DiscussionDetails(ctx, "alice/repo", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range d.Events {
		types = append(types, e.Type)
	}
	want := []string{EventComment, EventCommit, EventCommit, EventComment, EventComment, EventTitleChange}
	if !slices.Equal(types, want) || d.TargetBranch != "refs/heads/main" || len(d.ConflictingFiles) != 0 || d.GitReference() != "refs/pr/1" {
		t.Fatalf("details: events %v (want %v), %+v", types, want, d)
	}
	for _, s := range []string{"diff --git a/new.txt b/new.txt", "new file mode", "+hello", "diff --git a/keep.txt b/keep.txt", "+more"} {
		if !strings.Contains(d.Diff, s) {
			t.Errorf("diff lacks %q:\n%s", s, d.Diff)
		}
	}

	// Only writers merge; the merge fast-forwards main.
	if err := bob.MergePullRequest(ctx, "alice/repo", 1, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("bob merges: %v, want ErrForbidden", err)
	}
	if err := alice.MergePullRequest(ctx, "alice/repo", 1, &MergePullRequestOptions{Comment: "Thanks!"}); err != nil {
		t.Fatal(err)
	}
	d, err = alice.DiscussionDetails(ctx, "alice/repo", 1, nil)
	if err != nil || d.Status != DiscussionMerged || d.MergeCommitOID == "" || !strings.Contains(d.Diff, "+hello") {
		t.Fatalf("after merge: %+v, %v", d, err)
	}
	got, err := hub.Store().ReadFile("model", "alice/repo", "main", "new.txt")
	if err != nil || string(got) != "hello\n" {
		t.Fatalf("main after merge: %q, %v", got, err)
	}
	if err := alice.MergePullRequest(ctx, "alice/repo", 1, nil); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("merge twice: %v, want ErrBadRequest", err)
	}
	if _, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("late.txt", []byte("l"))},
		&CommitOptions{Revision: "refs/pr/1", Message: "more"}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("push to a merged PR: %v, want ErrBadRequest", err)
	}
	if _, err := alice.DiscussionDetails(ctx, "alice/repo", 99, nil); err == nil {
		t.Fatal("details of #99: no error")
	}
}

func TestPullRequestMergeCommitAndConflict(t *testing.T) {
	hub, alice, bob, _, _ := newCollabHub(t)
	ctx := t.Context()
	pr := func(path, content string) int {
		t.Helper()
		info, err := bob.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes(path, []byte(content))}, &CommitOptions{CreatePR: true, Message: "change " + path})
		if err != nil {
			t.Fatal(err)
		}
		return info.PullRequestNum
	}
	clean, conflicting := pr("b.txt", "from bob"), pr("keep.txt", "bob's keep")
	// main moves on: a file of its own, and keep.txt changed differently.
	if _, err := alice.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes("a.txt", []byte("a")), AddFromBytes("keep.txt", []byte("alice's keep"))}, &CommitOptions{Message: "main moves"}); err != nil {
		t.Fatal(err)
	}
	d, err := alice.DiscussionDetails(ctx, "alice/repo", conflicting, nil)
	if err != nil || !slices.Equal(d.ConflictingFiles, []string{"keep.txt"}) {
		t.Fatalf("conflicting files: %+v, %v", d, err)
	}
	if err := alice.MergePullRequest(ctx, "alice/repo", conflicting, nil); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "keep.txt") {
		t.Fatalf("merge a conflict: %v, want ErrConflict naming keep.txt", err)
	}
	if err := alice.MergePullRequest(ctx, "alice/repo", clean, nil); err != nil {
		t.Fatal(err)
	}
	head, err := hub.Store().Resolve("model", "alice/repo", "main")
	if err != nil || len(head.Parents) != 2 {
		t.Fatalf("merge commit: %+v, %v", head, err)
	}
	for p, want := range map[string]string{"a.txt": "a", "b.txt": "from bob", "keep.txt": "alice's keep"} {
		if got, err := hub.Store().ReadFile("model", "alice/repo", "main", p); err != nil || string(got) != want {
			t.Errorf("%s after merge: %q, %v", p, got, err)
		}
	}
}

func TestListDiscussionsFiltersAndPages(t *testing.T) {
	_, alice, bob, _, dave := newCollabHub(t, hubtest.WithPageSize(2))
	ctx := t.Context()
	for _, title := range []string{"first one", "second one", "third one"} {
		if _, err := bob.CreateDiscussion(ctx, "alice/repo", title, nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := alice.CreatePullRequest(ctx, "alice/repo", "draft PR", nil)
	if err != nil || p.Status != DiscussionDraft || !p.IsPullRequest || p.Num != 4 {
		t.Fatalf("draft PR: %+v, %v", p, err)
	}
	if _, err := alice.ChangeDiscussionStatus(ctx, "alice/repo", 1, DiscussionClosed, nil); err != nil {
		t.Fatal(err)
	}
	nums := func(opts *ListDiscussionsOptions) []int {
		t.Helper()
		var out []int
		for d, err := range dave.ListDiscussions(ctx, "alice/repo", opts) { // reading needs no write token
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d.Num)
		}
		return out
	}
	for _, c := range []struct {
		opts *ListDiscussionsOptions
		want []int
	}{
		{nil, []int{4, 3, 2, 1}},
		{&ListDiscussionsOptions{Author: "bob"}, []int{3, 2, 1}},
		{&ListDiscussionsOptions{DiscussionType: "pull_request"}, []int{4}},
		{&ListDiscussionsOptions{DiscussionType: "discussion", DiscussionStatus: "open"}, []int{3, 2}},
		{&ListDiscussionsOptions{DiscussionStatus: "closed"}, []int{1}},
		{&ListDiscussionsOptions{Limit: 3}, []int{4, 3, 2}},
	} {
		if got := nums(c.opts); !slices.Equal(got, c.want) {
			t.Errorf("ListDiscussions(%+v) = %v, want %v", c.opts, got, c.want)
		}
	}
	if _, err := Collect(dave.ListDiscussions(ctx, "alice/repo", &ListDiscussionsOptions{DiscussionStatus: "merged"})); !errors.Is(err, ErrValidation) {
		t.Errorf("status merged: %v, want ErrValidation", err)
	}
	if _, err := Collect(dave.ListDiscussions(ctx, "alice/nope", nil)); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing repo: %v, want ErrRepoNotFound", err)
	}
}

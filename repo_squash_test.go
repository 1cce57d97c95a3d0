package hfhub

import (
	"errors"
	"testing"
)

func TestSuperSquashHistory(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	reader := newWriteClient(t, hub, WithToken(readToken))
	ctx := t.Context()
	for _, f := range []string{"a.txt", "b.txt", "c.txt"} {
		if _, err := c.CreateCommit(ctx, "alice/repo", []CommitOperation{AddFromBytes(f, []byte(f))}, &CommitOptions{Message: "add " + f}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.CreateTag(ctx, "alice/repo", "v1", nil); err != nil {
		t.Fatal(err)
	}
	before, err := Collect(c.ListRepoCommits(ctx, "alice/repo", nil))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := c.ListRepoFiles(ctx, "alice/repo", nil)

	if _, err := reader.SuperSquashHistory(ctx, "alice/repo", nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("read token: %v, want ErrForbidden", err)
	}
	head, err := c.SuperSquashHistory(ctx, "alice/repo", &SuperSquashOptions{Message: "fresh start"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := Collect(c.ListRepoCommits(ctx, "alice/repo", nil))
	if err != nil || len(after) != 1 || after[0].ID != head || after[0].Title != "fresh start" {
		t.Fatalf("history after squash: %+v, %v (was %d commits), want one commit %s", after, err, len(before), head)
	}
	if got, _ := c.ListRepoFiles(ctx, "alice/repo", nil); len(got) != len(files) {
		t.Fatalf("files after squash %v, want %v", got, files)
	}
	tagged, err := Collect(c.ListRepoCommits(ctx, "alice/repo", &ListRepoCommitsOptions{Revision: "v1"}))
	if err != nil || len(tagged) != len(before) {
		t.Fatalf("tag v1 history: %d commits, %v; want the old %d", len(tagged), err, len(before))
	}
	// Python's default message; errors.
	if _, err := c.SuperSquashHistory(ctx, "alice/repo", &SuperSquashOptions{Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if after, _ := Collect(c.ListRepoCommits(ctx, "alice/repo", nil)); len(after) != 1 || after[0].Title != "Super-squash branch 'main' using huggingface_hub" {
		t.Fatalf("default message: %+v", after)
	}
	if _, err := c.SuperSquashHistory(ctx, "alice/repo", &SuperSquashOptions{Branch: "v1"}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("squash a tag: %v, want ErrBadRequest", err)
	}
	if _, err := c.SuperSquashHistory(ctx, "alice/repo", &SuperSquashOptions{Branch: "nope"}); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("squash a missing branch: %v, want ErrRevisionNotFound", err)
	}
	if _, err := c.SuperSquashHistory(ctx, "alice/none", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("squash a missing repo: %v, want ErrRepoNotFound", err)
	}
}

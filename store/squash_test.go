package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestSuperSquash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/sq", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for i, content := range []string{"one", "two", "three"} {
		if _, err := s.Commit(ctx, Model, "acme/sq", CommitRequest{Title: content, Ops: []Op{{Kind: OpAdd, Path: "f" + string(rune('0'+i)), SHA256: put(t, s, content)}}}); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			if err := s.CreateTag(ctx, Model, "acme/sq", "v1", "main"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.CreateBranch(ctx, Model, "acme/sq", "dev", "main"); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Resolve(Model, "acme/sq", "main")
	tagged, _ := s.Resolve(Model, "acme/sq", "v1")
	oldLog, _ := s.Log(Model, "acme/sq", "main")

	c, err := s.SuperSquash(ctx, Model, "acme/sq", SquashRequest{Title: "squashed", Author: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Tree != before.Tree || len(c.Parents) != 0 || c.Title != "squashed" || c.Author != "alice" || c.ID == before.ID {
		t.Fatalf("squash commit %+v; want tree %s, no parent", c, before.Tree)
	}
	check := func(s *Store) {
		t.Helper()
		log, err := s.Log(Model, "acme/sq", "main")
		if err != nil || len(log) != 1 || log[0].ID != c.ID {
			t.Fatalf("main history after squash: %v, %v; want only %s (was %d commits)", log, err, c.ID, len(oldLog))
		}
		if got, _ := s.Resolve(Model, "acme/sq", "v1"); got == nil || got.ID != tagged.ID {
			t.Fatalf("tag v1 moved: %v", got)
		}
		if dev, _ := s.Log(Model, "acme/sq", "dev"); len(dev) != len(oldLog) || dev[0].ID != before.ID {
			t.Fatalf("branch dev: %d commits, want the old %d", len(dev), len(oldLog))
		}
		if f, ok := log[0].File("f2"); !ok || f.SHA256 != put(t, s, "three") {
			t.Fatalf("f2 after squash: %+v", f)
		}
	}
	check(s)
	reopened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	check(reopened)

	// Default title, refs/heads/ form.
	c2, err := s.SuperSquash(ctx, Model, "acme/sq", SquashRequest{Branch: "refs/heads/dev"})
	if err != nil || c2.Title != "Super-squash branch 'dev'" || c2.Tree != before.Tree {
		t.Fatalf("squash dev: %+v, %v", c2, err)
	}
	for _, tc := range []struct {
		branch string
		want   error
	}{
		{"v1", ErrInvalid},
		{"refs/pr/1", ErrInvalid},
		{"refs/tags/v1", ErrInvalid},
		{"nope", ErrRevisionNotFound},
	} {
		if _, err := s.SuperSquash(ctx, Model, "acme/sq", SquashRequest{Branch: tc.branch}); !errors.Is(err, tc.want) {
			t.Errorf("squash %q: %v, want %v", tc.branch, err, tc.want)
		}
	}
	if _, err := s.SuperSquash(ctx, Model, "acme/none", SquashRequest{}); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing repo: %v", err)
	}
}

func TestSetLike(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/liked", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Repo(Model, "acme/liked")
	for _, step := range []struct {
		user  string
		liked bool
		want  []string
	}{
		{"bob", true, []string{"bob"}},
		{"carol", true, []string{"bob", "carol"}},
		{"bob", true, []string{"bob", "carol"}},
		{"bob", false, []string{"carol"}},
		{"dave", false, []string{"carol"}},
	} {
		if err := s.SetLike(ctx, Model, "acme/liked", step.user, step.liked); err != nil {
			t.Fatal(err)
		}
		info, _ := s.Repo(Model, "acme/liked")
		var got []string
		for _, l := range info.Likes {
			got = append(got, l.User)
		}
		if !slices.Equal(got, step.want) {
			t.Fatalf("after %+v: likes %v, want %v", step, got, step.want)
		}
	}
	if len(before.Likes) != 0 {
		t.Fatalf("an earlier RepoInfo changed: %v", before.Likes)
	}
	reopened, _ := Open(dir)
	if info, _ := reopened.Repo(Model, "acme/liked"); !info.LikedBy("carol") || info.LikedBy("bob") {
		t.Fatalf("likes after reopening: %v", info.Likes)
	}
	if err := s.SetLike(ctx, Model, "acme/liked", "-bad", true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad user: %v", err)
	}
}

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscussionsSurviveRestartAndMove(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "alice/m", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	d, err := s.CreateDiscussion(ctx, Model, "alice/m", NewDiscussion{Title: "Hello there", Description: "first", Author: "bob"})
	if err != nil || d.Num != 1 {
		t.Fatalf("create: %+v, %v", d, err)
	}
	res, err := s.Commit(ctx, Model, "alice/m", CommitRequest{CreatePR: true, Title: "Add f", Author: "bob",
		Ops: []Op{{Kind: OpAdd, Path: "f.txt", SHA256: put(t, s, "f\n")}}})
	if err != nil || res.PRNum != 2 || res.Ref != "refs/pr/2" {
		t.Fatalf("PR commit: %+v, %v", res, err)
	}
	ev, err := s.CommentDiscussion(ctx, Model, "alice/m", 2, "alice", "nice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditComment(ctx, Model, "alice/m", 2, ev.ID, "alice", "very nice"); err != nil {
		t.Fatal(err)
	}
	// A leftover temp file of an interrupted write is ignored.
	if err := os.WriteFile(filepath.Join(s.repoDir(Model, "alice/m"), "discussions", ".3.json.tmp"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.MoveRepo(ctx, Model, "alice/m", "alice/n"); err != nil {
		t.Fatal(err)
	}
	list, err := s2.Discussions(Model, "alice/n")
	if err != nil || len(list) != 2 || list[0].Num != 2 || !list[0].IsPullRequest || list[0].Base != "refs/heads/main" {
		t.Fatalf("after restart and move: %+v, %v", list, err)
	}
	pr := list[0]
	if len(pr.Events) != 3 || pr.Events[1].Type != EventCommit || pr.Events[1].OID != res.Commit.ID || pr.Events[2].Content() != "very nice" || len(pr.Events[2].Versions) != 2 {
		t.Fatalf("PR events: %+v", pr.Events)
	}
	diff, err := s2.PullRequestDiff(Model, "alice/n", 2)
	if err != nil || !strings.Contains(diff, "--- /dev/null\n+++ b/f.txt\n") || !strings.Contains(diff, "+f\n") {
		t.Fatalf("diff: %q, %v", diff, err)
	}
	mr, err := s2.MergePullRequest(ctx, Model, "alice/n", 2, "alice", "")
	if err != nil || !mr.FastForward || mr.Commit.ID != res.Commit.ID {
		t.Fatalf("merge: %+v, %v", mr, err)
	}
	if head, _ := s2.Resolve(Model, "alice/n", "main"); head.ID != res.Commit.ID {
		t.Fatalf("main is %s, want %s", head.ID, res.Commit.ID)
	}
	if _, err := s2.MergePullRequest(ctx, Model, "alice/n", 1, "alice", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("merge a discussion: %v, want ErrInvalid", err)
	}
	if _, err := s2.CommentDiscussion(ctx, Model, "alice/n", 7, "alice", "x"); !errors.Is(err, ErrDiscussionNotFound) {
		t.Fatalf("comment on #7: %v", err)
	}
}

func TestThreeWay(t *testing.T) {
	f := func(sha string) *File { return &File{SHA256: sha} }
	base := map[string]*File{"same": f("1"), "ours": f("1"), "theirs": f("1"), "both": f("1"), "gone": f("1"), "agree": f("1")}
	ours := map[string]*File{"same": f("1"), "ours": f("2"), "theirs": f("1"), "both": f("2"), "gone": f("1"), "agree": f("3")}
	theirs := map[string]*File{"same": f("1"), "ours": f("1"), "theirs": f("2"), "both": f("3"), "new": f("4"), "agree": f("3")}
	merged, conflicts := threeWay(base, ours, theirs)
	if len(conflicts) != 1 || conflicts[0] != "both" {
		t.Fatalf("conflicts = %v", conflicts)
	}
	for p, want := range map[string]string{"same": "1", "ours": "2", "theirs": "2", "new": "4", "agree": "3"} {
		if merged[p] == nil || merged[p].SHA256 != want {
			t.Errorf("%s = %+v, want %s", p, merged[p], want)
		}
	}
	if _, ok := merged["gone"]; ok {
		t.Error("a file deleted by theirs survived")
	}
}

package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A commit built with NewCommit from a store commit's files has the same
// tree and, with the same metadata, the same id.
func TestNewCommitMatchesStoreIDs(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/m", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Commit(ctx, Model, "acme/m", CommitRequest{Title: "add", Message: "body", Author: "alice", Ops: []Op{
		{Kind: OpAdd, Path: "a/b/c.txt", SHA256: put(t, s, "c")},
		{Kind: OpAdd, Path: "w.safetensors", SHA256: put(t, s, "weights")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := res.Commit
	spec := CommitSpec{Parents: want.Parents, Title: want.Title, Message: want.Message, Author: want.Author, Date: want.Date}
	for _, f := range want.Files() {
		spec.Files = append(spec.Files, *f)
	}
	got, err := NewCommit(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tree != want.Tree || got.ID != want.ID {
		t.Fatalf("NewCommit tree %s id %s, store tree %s id %s", got.Tree, got.ID, want.Tree, want.ID)
	}
	if d, ok := got.Dir("a/b"); !ok || d == "" {
		t.Fatal("folder a/b missing")
	}
	if f, ok := got.File("w.safetensors"); !ok || !f.LFS {
		t.Fatalf("w.safetensors = %+v", f)
	}
}

func TestNewCommitRefusesBadInput(t *testing.T) {
	blob := GitBlobID([]byte("x"))
	for name, spec := range map[string]CommitSpec{
		"bad id":         {ID: "HEAD", Files: []File{{Path: "a", BlobID: blob}}},
		"bad parent":     {Parents: []string{"abc"}},
		"dot dot":        {Files: []File{{Path: "../a", BlobID: blob}}},
		"no blob id":     {Files: []File{{Path: "a"}}},
		"twice":          {Files: []File{{Path: "a", BlobID: blob}, {Path: "a", BlobID: blob}}},
		"file and dir":   {Files: []File{{Path: "a", BlobID: blob}, {Path: "a/b", BlobID: blob}}},
		"lfs no sha256":  {Files: []File{{Path: "a", BlobID: blob, LFS: true}}},
		"negative size":  {Files: []File{{Path: "a", BlobID: blob, Size: -1}}},
		"path too long":  {Files: []File{{Path: strings.Repeat("a/", 600) + "b", BlobID: blob}}},
		"empty segment":  {Files: []File{{Path: "a//b", BlobID: blob}}},
		"backslash path": {Files: []File{{Path: `a\b`, BlobID: blob}}},
	} {
		if _, err := NewCommit(spec); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestMemoryAnswersLikeAStore(t *testing.T) {
	date := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	file := func(p, content string) File {
		return File{Path: p, Size: int64(len(content)), SHA256: GitBlobID([]byte(content)), BlobID: GitBlobID([]byte(content))}
	}
	first, err := NewCommit(CommitSpec{Title: "one", Date: date, Files: []File{file("a.txt", "1")}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := NewCommit(CommitSpec{Title: "two", Date: date.Add(time.Hour), Parents: []string{first.ID},
		Files: []File{file("a.txt", "1"), file("dir/b.txt", "2")}})
	if err != nil {
		t.Fatal(err)
	}
	dangling := strings.Repeat("d", 40)
	m, err := NewMemory([]MemoryRepo{{
		Info: RepoInfo{Type: Dataset, ID: "acme/data", Gated: "auto"},
		Refs: RefsFromNames(map[string]string{"main": second.ID, "refs/tags/v1": first.ID, "refs/pr/3": first.ID,
			"refs/convert/parquet": second.ID, "gone": dangling, "refs/pr/x": first.ID}),
		Commits: []*Commit{first, second},
	}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := m.Repo(Dataset, "acme/data")
	if err != nil || info.Head != second.ID || !info.LastModified.Equal(second.Date) || info.ObjectID == "" || info.Gated != "auto" {
		t.Fatalf("Repo = %+v, %v", info, err)
	}
	if _, err := m.Repo(Model, "acme/data"); !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("wrong type: %v", err)
	}
	for rev, want := range map[string]string{"": second.ID, "HEAD": second.ID, "v1": first.ID, "refs/pr/3": first.ID,
		"refs/convert/parquet": second.ID, first.ID: first.ID} {
		if c, err := m.Resolve(Dataset, "acme/data", rev); err != nil || c.ID != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", rev, c, err, want)
		}
	}
	if _, err := m.Resolve(Dataset, "acme/data", "gone"); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("dangling ref: %v, want ErrRevisionNotFound", err)
	}
	refs, _ := m.Refs(Dataset, "acme/data")
	if len(refs.PullRequests) != 1 || len(refs.Tags) != 1 || len(refs.Converts) != 1 || len(refs.Branches) != 2 {
		t.Errorf("refs = %+v", refs)
	}
	log, err := m.Log(Dataset, "acme/data", "main")
	if err != nil || len(log) != 2 || log[0].ID != second.ID || log[1].ID != first.ID {
		t.Fatalf("Log = %v, %v", log, err)
	}
	last, err := m.LastCommits(Dataset, "acme/data", "main")
	if err != nil || last["a.txt"].ID != first.ID || last["dir/b.txt"].ID != second.ID || last[""].ID != second.ID {
		t.Fatalf("LastCommits = %v, %v", last, err)
	}
	if got := m.ListRepos(Dataset); len(got) != 1 || got[0].ID != "acme/data" {
		t.Fatalf("ListRepos = %+v", got)
	}
	if _, err := NewMemory([]MemoryRepo{{Info: RepoInfo{Type: Model, ID: "a/b"}}, {Info: RepoInfo{Type: Model, ID: "a/b"}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate repo: %v", err)
	}
	if _, err := NewMemory([]MemoryRepo{{Info: RepoInfo{Type: Model, ID: "a/b"}, Commits: []*Commit{{ID: first.ID}}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("hand-made commit: %v", err)
	}
}

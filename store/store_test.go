package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitBlobID(t *testing.T) {
	if got, want := GitBlobID([]byte("Hello, World!")), "b45ef6fec89518d314f546fd6c3025367b721684"; got != want {
		t.Fatalf("GitBlobID = %s, want %s", got, want)
	}
	// Empty tree id is well known in git.
	if got, want := gitTreeID(nil), "4b825dc642cb6eb9a060e54bf8d69288fbee4904"; got != want {
		t.Fatalf("empty tree = %s, want %s", got, want)
	}
	if got := len(LFSPointer(strings.Repeat("a", 64), 125162496)); got != 134 {
		t.Fatalf("pointer size = %d, want 134", got)
	}
}

func put(t *testing.T, s *Store, content string) string {
	t.Helper()
	b, err := s.PutBlob(context.Background(), strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return b.SHA256
}

func TestCommitAndRefs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/tiny", CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/tiny", CreateOptions{}); !errors.Is(err, ErrRepoExists) {
		t.Fatalf("second create: %v, want ErrRepoExists", err)
	}
	res, err := s.Commit(ctx, Model, "acme/tiny", CommitRequest{Title: "add", Ops: []Op{
		{Kind: OpAdd, Path: "config.json", SHA256: put(t, s, `{"a":1}`)},
		{Kind: OpAdd, Path: "model.safetensors", SHA256: put(t, s, "weights")},
		{Kind: OpAdd, Path: "sub/dir/x.txt", SHA256: put(t, s, "x")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Commit
	cfg, _ := c.File("config.json")
	if cfg.LFS || cfg.BlobID != GitBlobID([]byte(`{"a":1}`)) {
		t.Fatalf("config.json = %+v", cfg)
	}
	st, _ := c.File("model.safetensors")
	if !st.LFS || st.BlobID != GitBlobID(st.Pointer()) {
		t.Fatalf("model.safetensors not LFS: %+v", st)
	}
	if _, ok := c.Dir("sub/dir"); !ok {
		t.Fatal("sub/dir missing")
	}
	if _, err := s.Commit(ctx, Model, "acme/tiny", CommitRequest{ParentCommit: c.Parents[0], Ops: []Op{{Kind: OpDelete, Path: "sub/"}}}); !errors.Is(err, ErrParentMismatch) {
		t.Fatalf("stale parent: %v", err)
	}
	if err := s.CreateTag(ctx, Model, "acme/tiny", "v1", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBranch(ctx, Model, "acme/tiny", "dev", "v1"); err != nil {
		t.Fatal(err)
	}
	pr, err := s.Commit(ctx, Model, "acme/tiny", CommitRequest{CreatePR: true, Ops: []Op{{Kind: OpDelete, Path: "sub"}}})
	if err != nil || pr.PRNum != 1 || pr.Ref != "refs/pr/1" {
		t.Fatalf("PR = %+v, %v", pr, err)
	}
	for _, rev := range []string{"", "HEAD", "main", "v1", "dev", c.ID, "refs/heads/main", "refs/tags/v1"} {
		got, err := s.Resolve(Model, "acme/tiny", rev)
		if err != nil || got.ID != c.ID {
			t.Fatalf("Resolve(%q) = %v, %v; want %s", rev, got, err, c.ID)
		}
	}
	if got, _ := s.Resolve(Model, "acme/tiny", "refs/pr/1"); got.ID != pr.Commit.ID {
		t.Fatal("refs/pr/1 not resolved")
	}
	if _, err := s.Resolve(Model, "acme/tiny", "nope"); !errors.Is(err, ErrRevisionNotFound) {
		t.Fatalf("Resolve(nope) = %v", err)
	}
	log, _ := s.Log(Model, "acme/tiny", "main")
	if len(log) != 2 || log[1].Title != "initial commit" || log[1].Author != "system" {
		t.Fatalf("log = %v", log)
	}
	last, err := s.LastCommits(Model, "acme/tiny", c.ID)
	if err != nil || last[".gitattributes"].ID != log[1].ID || last["sub"].ID != c.ID || last[""].ID != c.ID {
		t.Fatalf("last commits wrong: %v", err)
	}

	// Reopen: everything persisted.
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Resolve(Model, "acme/tiny", "refs/pr/1")
	if err != nil || got.ID != pr.Commit.ID {
		t.Fatalf("after reopen: %v %v", got, err)
	}
	if err := s2.MoveRepo(ctx, Model, "acme/tiny", "acme/small"); err != nil {
		t.Fatal(err)
	}
	if to, ok := s2.Redirect(Model, "acme/tiny"); !ok || to != "acme/small" {
		t.Fatalf("redirect = %q %v", to, ok)
	}
	if err := s2.DeleteRepo(ctx, Model, "acme/small"); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Repo(Model, "acme/small"); !errors.Is(err, ErrRepoNotFound) {
		t.Fatal("deleted repo still there")
	}
}

func TestImportFolderIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "a", ".git"), 0o755)
	os.WriteFile(filepath.Join(src, "a", "f.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(src, "a", ".git", "HEAD"), []byte("x"), 0o644)
	id1, changed, err := s.ImportFolder(ctx, Dataset, "org/ds", src, ImportOptions{Create: &CreateOptions{}})
	if err != nil || !changed {
		t.Fatalf("first import: %v %v", changed, err)
	}
	id2, changed, err := s.ImportFolder(ctx, Dataset, "org/ds", src, ImportOptions{})
	if err != nil || changed || id2 != id1 {
		t.Fatalf("second import: %s %v %v, want %s unchanged", id2, changed, err, id1)
	}
	data, err := s.ReadFile(Dataset, "org/ds", "main", "a/f.txt")
	if err != nil || !bytes.Equal(data, []byte("hello")) {
		t.Fatalf("ReadFile = %q %v", data, err)
	}
	c, _ := s.Resolve(Dataset, "org/ds", "main")
	if _, ok := c.File("a/.git/HEAD"); ok {
		t.Fatal(".git imported")
	}
}

func TestPutBlobVerified(t *testing.T) {
	s, _ := Open(t.TempDir())
	_, err := s.PutBlobVerified(context.Background(), strings.NewReader("abc"), strings.Repeat("0", 64), 3)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("err = %v, want ErrChecksum", err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp"))
	if len(entries) != 0 {
		t.Fatalf("temp files left: %v", entries)
	}
}

func TestGitattributes(t *testing.T) {
	a := ParseGitattributes(DefaultGitattributes(Model))
	for p, want := range map[string]bool{"model.safetensors": true, "a/b.bin": true, "x.tar.gz": true, "config.json": false, "saved_model/x/y": true, "README.md": false} {
		if got := a.IsLFS(p); got != want {
			t.Errorf("IsLFS(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestParseRepoRef(t *testing.T) {
	for in, want := range map[string]string{"gpt2": "model gpt2", "org/m": "model org/m", "datasets/org/d": "dataset org/d", "spaces/o/s": "space o/s", "models/o/m": "model o/m"} {
		typ, id, err := ParseRepoRef(in)
		if err != nil || string(typ)+" "+id != want {
			t.Errorf("ParseRepoRef(%q) = %s %s %v, want %s", in, typ, id, err, want)
		}
	}
	if _, _, err := ParseRepoRef("a/b/c"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a/b/c accepted: %v", err)
	}
}

package hfhub

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestRepoLifecycle(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	anon := newWriteClient(t, hub, WithAnonymous())
	ctx := t.Context()

	u, err := c.CreateRepo(ctx, "alice/new", &CreateRepoOptions{RepoType: RepoDataset, Private: true})
	if err != nil {
		t.Fatal(err)
	}
	if u.URL != hub.URL+"/datasets/alice/new" || u.RepoID != "alice/new" {
		t.Errorf("RepoURL = %+v", u)
	}
	if _, err := c.CreateRepo(ctx, "alice/new", &CreateRepoOptions{RepoType: RepoDataset}); !errors.Is(err, ErrConflict) {
		t.Errorf("second create: error = %v, want ErrConflict", err)
	}
	if _, err := c.CreateRepo(ctx, "alice/new", &CreateRepoOptions{RepoType: RepoDataset, ExistOK: true}); err != nil {
		t.Errorf("create with ExistOK: %v", err)
	}
	if _, err := c.CreateRepo(ctx, "bob/theirs", nil); !errors.Is(err, ErrForbidden) {
		t.Errorf("create in another namespace: error = %v, want ErrForbidden", err)
	}
	if _, err := c.CreateRepo(ctx, "alice/space", &CreateRepoOptions{RepoType: RepoSpace}); !errors.Is(err, ErrValidation) {
		t.Errorf("space without sdk: error = %v, want ErrValidation", err)
	}
	if _, err := c.CreateRepo(ctx, "alice/space", &CreateRepoOptions{RepoType: RepoSpace, SpaceSDK: "gradio"}); err != nil {
		t.Errorf("space: %v", err)
	}

	// Private: hidden from anonymous callers until made public.
	if _, err := anon.DatasetInfo(ctx, "alice/new", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("anonymous info of private repo: error = %v, want ErrRepoNotFound", err)
	}
	public, gated := false, GatedAuto
	if err := c.UpdateRepoSettings(ctx, "alice/new", RepoSettings{RepoType: RepoDataset, Private: &public, Gated: &gated}); err != nil {
		t.Fatal(err)
	}
	info, err := anon.DatasetInfo(ctx, "alice/new", nil)
	if err != nil || info.Private || info.Gated != GatedAuto {
		t.Fatalf("after settings: %+v, %v", info, err)
	}
	if err := c.UpdateRepoSettings(ctx, "alice/new", RepoSettings{RepoType: RepoDataset}); !errors.Is(err, ErrValidation) {
		t.Errorf("empty settings: error = %v", err)
	}

	if err := c.MoveRepo(ctx, "alice/new", "alice/renamed", &RepoOptions{RepoType: RepoDataset}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DatasetInfo(ctx, "alice/renamed", nil); err != nil {
		t.Errorf("info after move: %v", err)
	}
	if err := c.MoveRepo(ctx, "legacy", "alice/x", nil); !errors.Is(err, ErrValidation) {
		t.Errorf("move of a legacy id: error = %v", err)
	}

	if err := c.DeleteRepo(ctx, "alice/renamed", &DeleteRepoOptions{RepoType: RepoDataset}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRepo(ctx, "alice/renamed", &DeleteRepoOptions{RepoType: RepoDataset}); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("second delete: error = %v, want ErrRepoNotFound", err)
	}
	if err := c.DeleteRepo(ctx, "alice/renamed", &DeleteRepoOptions{RepoType: RepoDataset, MissingOK: true}); err != nil {
		t.Errorf("delete with MissingOK: %v", err)
	}
	if _, err := anon.CreateRepo(ctx, "alice/anon", nil); !errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("anonymous create: error = %v", err)
	}
}

func TestBranchesAndTags(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	ctx := t.Context()
	head, _ := hub.Store().Resolve("model", "alice/repo", "main")

	if err := c.CreateBranch(ctx, "alice/repo", "dev", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBranch(ctx, "alice/repo", "dev", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("second branch create: error = %v, want ErrConflict", err)
	}
	if err := c.CreateBranch(ctx, "alice/repo", "dev", &CreateBranchOptions{ExistOK: true}); err != nil {
		t.Errorf("ExistOK: %v", err)
	}
	if err := c.CreateBranch(ctx, "alice/repo", "feature/x", &CreateBranchOptions{Revision: head.ID}); err != nil {
		t.Errorf("branch with a slash from a commit: %v", err)
	}
	if err := c.CreateBranch(ctx, "alice/repo", "refs/pr/5", nil); !errors.Is(err, ErrBadRequest) {
		t.Errorf("bad branch name: error = %v, want ErrBadRequest", err)
	}
	if err := c.CreateBranch(ctx, "alice/repo", "other", &CreateBranchOptions{Revision: "nope"}); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("branch from a missing revision: error = %v", err)
	}
	if err := c.CreateTag(ctx, "alice/repo", "v1.0", &CreateTagOptions{Revision: "dev", Message: "first"}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTag(ctx, "alice/repo", "v1.0", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("second tag create: error = %v", err)
	}
	refs, err := c.ListRepoRefs(ctx, "alice/repo", nil)
	if err != nil {
		t.Fatal(err)
	}
	var branches, tags []string
	for _, b := range refs.Branches {
		branches = append(branches, b.Name)
	}
	for _, tg := range refs.Tags {
		tags = append(tags, tg.Name)
		if tg.TargetCommit != head.ID {
			t.Errorf("tag %s at %s, want %s", tg.Name, tg.TargetCommit, head.ID)
		}
	}
	slices.Sort(branches)
	if !slices.Equal(branches, []string{"dev", "feature/x", "main"}) || !slices.Equal(tags, []string{"v1.0"}) {
		t.Fatalf("branches %v tags %v", branches, tags)
	}
	for _, step := range []func() error{
		func() error { return c.DeleteTag(ctx, "alice/repo", "v1.0", nil) },
		func() error { return c.DeleteBranch(ctx, "alice/repo", "dev", nil) },
		func() error { return c.DeleteBranch(ctx, "alice/repo", "feature/x", nil) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.DeleteTag(ctx, "alice/repo", "v1.0", nil); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("delete missing tag: error = %v, want ErrRevisionNotFound", err)
	}
	reader := newWriteClient(t, hub, WithToken(readToken))
	if err := reader.CreateBranch(ctx, "alice/repo", "ro", nil); !errors.Is(err, ErrForbidden) {
		t.Errorf("read token: error = %v, want ErrForbidden", err)
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUploadFolderPatterns(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	ctx := t.Context()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.txt": "a", "sub/b.txt": "b", "sub/c.log": "c", "skip/d.txt": "d",
		".git/config": "git", "sub/.git/HEAD": "x", ".cache/huggingface/upload/x.json": "{}",
	})
	info, err := c.UploadFolder(ctx, "alice/repo", dir, &UploadFolderOptions{
		PathInRepo: "data", IgnorePatterns: []string{"*.log", "skip/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitattributes", "data/a.txt", "data/sub/b.txt", "keep.txt"}
	if got := repoFiles(t, c, "alice/repo", ""); !slices.Equal(got, want) {
		t.Fatalf("files = %v\nwant %v", got, want)
	}
	if info.Message != "Upload folder using huggingface_hub" {
		t.Errorf("default message = %q", info.Message)
	}
	// Mirror a smaller folder: delete patterns remove what is gone, but
	// never .gitattributes nor files outside PathInRepo.
	os.Remove(filepath.Join(dir, "a.txt"))
	if _, err := c.UploadFolder(ctx, "alice/repo", dir, &UploadFolderOptions{
		PathInRepo: "data", AllowPatterns: []string{"sub/*"}, IgnorePatterns: []string{"*.log"}, DeletePatterns: []string{"*"},
	}); err != nil {
		t.Fatal(err)
	}
	want = []string{".gitattributes", "data/sub/b.txt", "keep.txt"}
	if got := repoFiles(t, c, "alice/repo", ""); !slices.Equal(got, want) {
		t.Fatalf("after mirror: files = %v\nwant %v", got, want)
	}
	if _, err := c.UploadFolder(ctx, "alice/repo", filepath.Join(dir, "a.txt"), nil); err == nil {
		t.Error("UploadFolder of a missing path: no error")
	}
}

func TestDeleteFilesAndFolder(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	ctx := t.Context()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"x/1.bin": "1", "x/2.bin": "2", "y/3.txt": "3", "z/4.txt": "4", "top.bin": "t"})
	if _, err := c.UploadFolder(ctx, "alice/repo", dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFiles(ctx, "alice/repo", []string{"*.bin", "y/"}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := repoFiles(t, c, "alice/repo", ""), []string{".gitattributes", "keep.txt", "z/4.txt"}; !slices.Equal(got, want) {
		t.Fatalf("after DeleteFiles: %v, want %v", got, want)
	}
	if _, err := c.DeleteFiles(ctx, "alice/repo", []string{"nothing*"}, nil); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("pattern matching nothing: error = %v", err)
	}
	if _, err := c.DeleteFolder(ctx, "alice/repo", "z", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFile(ctx, "alice/repo", "keep.txt", nil); err != nil {
		t.Fatal(err)
	}
	if got := repoFiles(t, c, "alice/repo", ""); !slices.Equal(got, []string{".gitattributes"}) {
		t.Fatalf("after deletes: %v", got)
	}
	if _, err := c.DeleteFolder(ctx, "alice/repo", "z", nil); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("delete missing folder: error = %v", err)
	}
}

func TestUploadMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*.bin", "a/b/c.bin", true},
		{"*.bin", "c.bin.txt", false},
		{"sub/", "sub/x/y", true},
		{"sub/", "subway/x", false},
		{"?.txt", "a.txt", true},
		{"[ab].txt", "b.txt", true},
		{"[!ab].txt", "b.txt", false},
		{"[", "[", true},
		{"**/.git/**", "x/.git/y", true},
		{"data.(1)+", "data.(1)+", true},
	}
	for _, tt := range tests {
		if got := MatchPattern(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchPattern(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// A bare name goes under the caller's namespace: the returned URL and id are
// the server's, and the URL answers.
func TestCreateRepoBareNameUsesServerURL(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	ctx := t.Context()
	u, err := c.CreateRepo(ctx, "bare", &CreateRepoOptions{RepoType: RepoDataset})
	if err != nil {
		t.Fatal(err)
	}
	if u.RepoID != "alice/bare" || u.URL != hub.URL+"/datasets/alice/bare" {
		t.Fatalf("CreateRepo(bare) = %+v, want alice/bare at %s/datasets/alice/bare", u, hub.URL)
	}
	if _, err := c.DatasetInfo(ctx, u.RepoID, nil); err != nil {
		t.Fatalf("info of the returned id: %v", err)
	}
}

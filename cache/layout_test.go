package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRepoFolderName(t *testing.T) {
	tests := []struct{ typ, id, want string }{
		{"model", "gpt2", "models--gpt2"},
		{"", "google-bert/bert-base-uncased", "models--google-bert--bert-base-uncased"},
		{"dataset", "ibm/duorc", "datasets--ibm--duorc"},
		{"space", "user/app", "spaces--user--app"},
		{"kernel", "ns/k", "kernels--ns--k"},
	}
	for _, tt := range tests {
		if got := RepoFolderName(tt.typ, tt.id); got != tt.want {
			t.Errorf("RepoFolderName(%q, %q) = %q, want %q", tt.typ, tt.id, got, tt.want)
		}
		typ, id, err := ParseRepoFolderName(tt.want)
		wantTyp := tt.typ
		if wantTyp == "" {
			wantTyp = "model"
		}
		if err != nil || typ != wantTyp || id != tt.id {
			t.Errorf("ParseRepoFolderName(%q) = %q, %q, %v", tt.want, typ, id, err)
		}
	}
	for _, bad := range []string{"gpt2", "models--", "widgets--a--b", ".locks"} {
		if _, _, err := ParseRepoFolderName(bad); err == nil {
			t.Errorf("ParseRepoFolderName(%q) succeeded, want error", bad)
		}
	}
}

func TestPathsRefuseEscapes(t *testing.T) {
	c := mustOpen(t, t.TempDir(), nil)
	for _, name := range []string{"../x", "a/../../x", "/etc/passwd", "a//b", "", `a\b`} {
		if _, err := c.SnapshotPath("model", "a/b", commitA, name); err == nil {
			t.Errorf("SnapshotPath(%q) succeeded, want error", name)
		}
	}
	if _, err := c.BlobPath("model", "a/b", "../x"); err == nil {
		t.Error("BlobPath(../x) succeeded, want error")
	}
	p, err := c.SnapshotPath("model", "a/b", commitA, "sub/dir/w.bin")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(c.Dir, "models--a--b", "snapshots", commitA, "sub", "dir", "w.bin")
	if p != want {
		t.Errorf("SnapshotPath = %q, want %q", p, want)
	}
	lp, _ := c.LockPath("dataset", "a/b", "abc")
	if want := filepath.Join(c.Dir, ".locks", "datasets--a--b", "abc.lock"); lp != want {
		t.Errorf("LockPath = %q, want %q", lp, want)
	}
}

func TestWriteRef(t *testing.T) {
	c := mustOpen(t, t.TempDir(), nil)
	if err := c.WriteRef("model", "a/b", "refs/pr/1", commitA); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "models--a--b", "refs", "refs", "pr", "1"))
	if err != nil || string(b) != commitA {
		t.Fatalf("nested ref = %q, %v; want %q", b, err, commitA)
	}
	// Same content: not rewritten (mtime unchanged).
	p, _ := c.RefPath("model", "a/b", "refs/pr/1")
	old := time.Unix(1000, 0)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteRef("model", "a/b", "refs/pr/1", commitA); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); !fi.ModTime().Equal(old) {
		t.Error("WriteRef rewrote a ref that already held the commit")
	}
	if err := c.WriteRef("model", "a/b", "refs/pr/1", commitB); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ReadRef("model", "a/b", "refs/pr/1"); err != nil || got != commitB {
		t.Errorf("ReadRef = %q, %v; want %q", got, err, commitB)
	}
	// Revision equal to the commit: nothing written.
	if err := c.WriteRef("model", "a/b", commitA, commitA); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "models--a--b", "refs", commitA)); !os.IsNotExist(err) {
		t.Error("WriteRef wrote a ref named after the commit")
	}
	if err := c.WriteRef("model", "a/b", "main", "not-a-commit"); err == nil {
		t.Error("WriteRef accepted a non-commit")
	}
	entries, _ := os.ReadDir(filepath.Join(c.Dir, "models--a--b", "refs", "refs", "pr"))
	if len(entries) != 1 {
		t.Errorf("refs/refs/pr has %d entries, want 1 (temp files left?)", len(entries))
	}
}

func TestLinkSnapshot(t *testing.T) {
	for _, disable := range []bool{false, true} {
		c := mustOpen(t, t.TempDir(), &Options{DisableSymlinks: disable})
		blob, _ := c.BlobPath("model", "a/b", etag1)
		if err := c.MkdirAll(filepath.Dir(blob)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(blob, []byte("hello"), 0o644); err != nil {
			t.Fatal(err)
		}
		ptr, _ := c.SnapshotPath("model", "a/b", commitA, "sub/dir/w.bin")
		if err := c.LinkSnapshot(blob, ptr, false); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(ptr); err != nil || string(b) != "hello" {
			t.Fatalf("read pointer = %q, %v", b, err)
		}
		target, err := os.Readlink(ptr)
		if disable {
			if err == nil {
				t.Errorf("DisableSymlinks: pointer is a symlink to %q", target)
			}
			continue
		}
		if want := filepath.Join("..", "..", "..", "..", "blobs", etag1); target != want {
			t.Errorf("symlink target = %q, want %q", target, want)
		}
	}
}

// TestLinkSnapshotReplaces checks both ways a symlink is made: created
// directly where nothing exists, renamed over an existing file or a link to
// another blob; no temporary entry is left either way.
func TestLinkSnapshotReplaces(t *testing.T) {
	c := mustOpen(t, t.TempDir(), nil)
	if !c.SymlinksSupported(c.Dir) {
		t.Skip("symlinks unsupported here")
	}
	blob1, _ := c.BlobPath("model", "a/b", etag1)
	blob2, _ := c.BlobPath("model", "a/b", "2222222222222222222222222222222222222222")
	if err := c.MkdirAll(filepath.Dir(blob1)); err != nil {
		t.Fatal(err)
	}
	for b, content := range map[string]string{blob1: "one", blob2: "two"} {
		if err := os.WriteFile(b, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ptr, _ := c.SnapshotPath("model", "a/b", commitA, "w.bin")
	check := func(step, want string) {
		t.Helper()
		if b, err := os.ReadFile(ptr); err != nil || string(b) != want {
			t.Fatalf("%s: pointer reads %q, %v; want %q", step, b, err, want)
		}
		if _, err := os.Readlink(ptr); err != nil {
			t.Fatalf("%s: pointer is not a symlink: %v", step, err)
		}
		entries, err := os.ReadDir(filepath.Dir(ptr))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("%s: snapshot folder holds %d entries, want only the pointer (temporary left?)", step, len(entries))
		}
	}
	if err := c.LinkSnapshot(blob1, ptr, false); err != nil {
		t.Fatal(err)
	}
	check("new pointer", "one")
	if err := c.LinkSnapshot(blob2, ptr, false); err != nil {
		t.Fatal(err)
	}
	check("link to another blob replaced", "two")
	if err := os.Remove(ptr); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ptr, []byte("stale copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.LinkSnapshot(blob1, ptr, false); err != nil {
		t.Fatal(err)
	}
	check("regular file replaced", "one")
}

func TestLockExcludesWithinProcess(t *testing.T) {
	c := mustOpen(t, t.TempDir(), nil)
	p, _ := c.LockPath("model", "a/b", etag1)
	unlock, err := c.Lock(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.TryLock(p); ok || err != nil {
		t.Fatalf("TryLock on a held lock = %v, %v; want false, nil", ok, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Lock(ctx, p); err == nil {
		t.Fatal("Lock with a cancelled context succeeded while the lock is held")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	u2, ok, err := c.TryLock(p)
	if !ok || err != nil {
		t.Fatalf("TryLock after unlock = %v, %v", ok, err)
	}
	_ = u2()
}

func TestGroupWritable(t *testing.T) {
	c := mustOpen(t, t.TempDir(), &Options{GroupWritable: true})
	if err := c.WriteRef("model", "a/b", "main", commitA); err != nil {
		t.Fatal(err)
	}
	p, _ := c.RefPath("model", "a/b", "main")
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o664 {
		t.Errorf("ref mode = %v, want 0664", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(p))
	if di.Mode().Perm() != 0o775 || di.Mode()&os.ModeSetgid == 0 {
		t.Errorf("refs dir mode = %v, want drwxrwsr-x", di.Mode())
	}
	lp, _ := c.LockPath("model", "a/b", etag1)
	unlock, ok, err := c.TryLock(lp)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer unlock()
	if li, _ := os.Stat(lp); li.Mode().Perm() != 0o664 {
		t.Errorf("lock mode = %v, want 0664", li.Mode().Perm())
	}
	if g, err := ParsePermissions("group"); !g || err != nil {
		t.Errorf("ParsePermissions(group) = %v, %v", g, err)
	}
	if _, err := ParsePermissions("world"); err == nil {
		t.Error("ParsePermissions(world) succeeded")
	}
}

func TestCacheDirTag(t *testing.T) {
	c := mustOpen(t, filepath.Join(t.TempDir(), "hub"), nil)
	if err := c.WriteCacheDirTag(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "CACHEDIR.TAG"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b[:len(CacheDirTagSignature)]); got != CacheDirTagSignature {
		t.Errorf("tag starts %q", got)
	}
}

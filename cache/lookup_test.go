package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestTryLoadFromCache(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	cfgA := filepath.Join(fx.a.snapshotDir(commitA), "config.json")
	cfgB := filepath.Join(fx.a.snapshotDir(commitB), "config.json")
	tests := []struct {
		name, repoType, repoID, file, rev string
		wantPath                          string
		want                              LookupStatus
	}{
		{"branch through refs/main", "model", "org/a", "config.json", "", cfgB, Found},
		{"nested ref", "model", "org/a", "sub/dir/w.bin", "refs/pr/1", filepath.Join(fx.a.snapshotDir(commitA), "sub", "dir", "w.bin"), Found},
		{"commit hash", "model", "org/a", "config.json", commitA, cfgA, Found},
		{"known missing via .no_exist", "model", "org/a", "missing.json", "main", "", KnownMissing},
		{"never falls back to another snapshot", "model", "org/a", "sub/dir/w.bin", "main", "", Unknown},
		{"unknown repo", "model", "org/none", "config.json", "main", "", Unknown},
		{"unknown revision", "model", "org/a", "config.json", "v9", "", Unknown},
		{"dangling symlink", "model", "gpt2", "gone.bin", "main", "", Unknown},
		{"no-symlink cache", "dataset", "ibm/duorc", "data.csv", "v1", filepath.Join(fx.duorc.snapshotDir(commitC), "data.csv"), Found},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, st, err := c.TryLoadFromCache(tt.repoType, tt.repoID, tt.file, tt.rev)
			if err != nil || p != tt.wantPath || st != tt.want {
				t.Errorf("TryLoadFromCache = %q, %v, %v; want %q, %v", p, st, err, tt.wantPath, tt.want)
			}
			if got := c.Cached(tt.repoType, tt.repoID, tt.rev, tt.file); got != (tt.want == Found) {
				t.Errorf("Cached = %v", got)
			}
			_, err = c.Path(tt.repoType, tt.repoID, tt.rev, tt.file)
			switch tt.want {
			case Found:
				if err != nil {
					t.Errorf("Path = %v", err)
				}
			case KnownMissing:
				if !errors.Is(err, ErrKnownMissing) || !errors.Is(err, os.ErrNotExist) {
					t.Errorf("Path = %v, want ErrKnownMissing", err)
				}
			default:
				if !errors.Is(err, ErrNotCached) {
					t.Errorf("Path = %v, want ErrNotCached", err)
				}
			}
		})
	}
	if _, _, err := c.TryLoadFromCache("model", "org/a", "../../etc/passwd", "main"); err == nil {
		t.Error("TryLoadFromCache accepted an escaping file name")
	}
	if err := c.MarkNoExist("model", "org/a", commitA, "nested/absent.txt"); err != nil {
		t.Fatal(err)
	}
	if _, st, _ := c.TryLoadFromCache("model", "org/a", "nested/absent.txt", commitA); st != KnownMissing {
		t.Errorf("after MarkNoExist: %v", st)
	}
}

func TestTouch(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	before := time.Now().Add(-time.Second)
	if err := c.Touch("model", "org/a", commitA); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(fx.a.snapshotDir(commitA))
	if fi.ModTime().Before(before) {
		t.Errorf("Touch left mtime at %v", fi.ModTime())
	}
	if err := c.Touch("model", "org/a", commitC); err != nil {
		t.Errorf("Touch(missing snapshot) = %v, want nil", err)
	}
	rep, _ := c.Scan(t.Context())
	if rev := rep.Repo("model", "org/a").Revisions[0]; rev.LastUsed.Before(before) {
		t.Errorf("LastUsed after Touch = %v", rev.LastUsed)
	}
}

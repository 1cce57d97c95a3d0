//go:build unix

package hfhub

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func setUmask(m int) int { return syscall.Umask(m) }

// A group-writable client creates cache folders 2775 and files 0664 even
// under a restrictive umask.
func TestDownloadGroupWritableCache(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/shared", Files: map[string][]byte{
		"config.json": []byte(`{"a":1}`),
		"w.bin":       randomBytes(3000, 3),
	}}))
	c, cacheDir := dlClient(t, hub, WithCacheGroupWritable(true))
	old := setUmask(0o077)
	defer setUmask(old)
	for _, name := range []string{"config.json", "w.bin"} {
		p, err := c.Download(t.Context(), "acme/shared", name, nil)
		if err != nil {
			t.Fatal(err)
		}
		blob, err := filepath.EvalSymlinks(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(blob)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o664 {
			t.Errorf("%s blob mode %v, want 0664", name, fi.Mode().Perm())
		}
	}
	for _, d := range []string{"models--acme--shared", "models--acme--shared/blobs", "models--acme--shared/snapshots"} {
		fi, err := os.Stat(filepath.Join(cacheDir, d))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o775 || fi.Mode()&os.ModeSetgid == 0 {
			t.Errorf("%s mode %v, want drwxrwsr-x", d, fi.Mode())
		}
	}
}

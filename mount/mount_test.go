package mount_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/mount"
)

// needFUSE skips without FUSE, but fails under CI=true (CI installs fuse3).
func needFUSE(t *testing.T) {
	t.Helper()
	err := mount.Available()
	if err == nil {
		if _, lerr := exec.LookPath("fusermount3"); lerr != nil && os.Getenv("CI") == "true" {
			t.Fatal("CI=true but fusermount3 is missing: .ci/apt-packages should install fuse3")
		}
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %v", err)
	}
	t.Skipf("skipping the FUSE test: %v", err)
}

const bigSize = 32 << 20

func bigContent() []byte {
	b := make([]byte, bigSize)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}

func mounted(t *testing.T, files map[string][]byte) (*hubtest.Server, string) {
	t.Helper()
	needFUSE(t)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/m", Files: files}))
	c, err := hfhub.New(hfhub.WithConfig(hfhub.Config{Endpoint: hub.URL, HFHome: t.TempDir(), CacheDir: t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	fsys, err := c.OpenFS(ctx, "acme/m", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv, err := mount.Mount(dir, fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Unmount(); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	return hub, dir
}

func TestMountReads(t *testing.T) {
	big := bigContent()
	files := map[string][]byte{"config.json": []byte(`{"a":1}`), "sub/deep/x.txt": []byte("x"), "big.bin": big}
	hub, dir := mounted(t, files)

	out, err := exec.Command("cat", filepath.Join(dir, "config.json")).Output()
	if err != nil || string(out) != `{"a":1}` {
		t.Errorf("cat = %q, %v", out, err)
	}
	out, err = exec.Command("ls", "-R", dir).Output()
	if err != nil || !strings.Contains(string(out), "deep") || !strings.Contains(string(out), "x.txt") || !strings.Contains(string(out), "big.bin") {
		t.Errorf("ls -R = %q, %v", out, err)
	}

	// stat downloads nothing.
	hub.ResetRequests()
	fi, err := os.Stat(filepath.Join(dir, "big.bin"))
	if err != nil || fi.Size() != bigSize || fi.Mode().Perm() != 0o444 {
		t.Fatalf("stat big.bin = %v, %v", fi, err)
	}
	if n := hub.BodyBytes(); n != 0 {
		t.Errorf("stat sent %d body bytes", n)
	}

	// A random 4 KiB read near the end fetches about one window.
	f, err := os.Open(filepath.Join(dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 4096)
	off := int64(bigSize - 3*4096 - 123)
	if n, err := f.ReadAt(p, off); n != len(p) || err != nil || !bytes.Equal(p, big[off:off+4096]) {
		t.Fatalf("ReadAt = %d, %v", n, err)
	}
	f.Close()
	t.Logf("a random 4 KiB read: the server sent %d bytes", hub.BodyBytes())
	if n := hub.BodyBytes(); n > 256<<10 {
		t.Errorf("a 4 KiB read sent %d bytes; want about the read-ahead window (kernel 128 KiB, ours %d KiB)", n, hfhub.MinReadAhead>>10)
	}

	// sha256sum reads the whole file sequentially.
	out, err = exec.Command("sha256sum", filepath.Join(dir, "big.bin")).Output()
	sum := sha256.Sum256(big)
	if err != nil || !strings.HasPrefix(string(out), hex.EncodeToString(sum[:])) {
		t.Errorf("sha256sum = %q, %v", out, err)
	}

	// Writes are refused.
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte("n"), 0o644); err == nil {
		t.Error("writing to the mount succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); !os.IsNotExist(err) {
		t.Errorf("stat of a missing file = %v", err)
	}
}

// `hf unmount` (mount.Unmount) ends the server's Wait.
func TestUnmount(t *testing.T) {
	needFUSE(t)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/u", Files: map[string][]byte{"a.txt": []byte("a")}}))
	c, err := hfhub.New(hfhub.WithConfig(hfhub.Config{Endpoint: hub.URL, HFHome: t.TempDir(), CacheDir: t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := c.OpenFS(t.Context(), "acme/u", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv, err := mount.Mount(dir, fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "a.txt")); err != nil || string(b) != "a" {
		t.Fatalf("read = %q, %v", b, err)
	}
	if err := mount.Unmount(dir); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	if _, err := os.Stat(filepath.Join(dir, "a.txt")); !os.IsNotExist(err) {
		t.Errorf("after unmount, a.txt: %v", err)
	}
}

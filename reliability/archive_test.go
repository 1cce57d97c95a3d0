package reliability

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/archive"
	"github.com/hfhub-go/hfhub/hubtest"
)

type tarEntry struct {
	name, link string
	typ        byte
	size       int64 // of zeros, for regular files
}

func tarGz(t *testing.T, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(gz)
	zeros := make([]byte, 1<<20)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644, Size: e.size}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		for left := h.Size; left > 0; left -= int64(len(zeros)) {
			tw.Write(zeros[:min(left, int64(len(zeros)))])
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipLinkOut(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: "evil-link", Method: zip.Store}
	h.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("../../../../outside"))
	zw.Close()
	return buf.Bytes()
}

// TestDownloadExtractHostileArchives serves archives that try to write
// out of the extraction folder (symlinks, hard links, "..") or expand
// without bound, and downloads them with Extract: each extraction fails
// with the archive package's error, nothing is written outside, no
// half-extracted folder is left, and the downloaded blob itself stays
// verified in the cache.
func TestDownloadExtractHostileArchives(t *testing.T) {
	archives := map[string][]byte{
		"symlink-out.tar.gz":   tarGz(t, tarEntry{name: "l", link: "../../../../outside", typ: tar.TypeSymlink}),
		"write-through.tar.gz": tarGz(t, tarEntry{name: "l", link: "..", typ: tar.TypeSymlink}, tarEntry{name: "l/evil", typ: tar.TypeReg, size: 1}),
		"hardlink-out.tar.gz":  tarGz(t, tarEntry{name: "h", link: "../../../../etc/passwd", typ: tar.TypeLink}),
		"dotdot.tar.gz":        tarGz(t, tarEntry{name: "../../escape", typ: tar.TypeReg, size: 1}),
		"bomb.tar.gz":          tarGz(t, tarEntry{name: "zeros", typ: tar.TypeReg, size: 48 << 20}),
		"many.tar.gz": tarGz(t, func() []tarEntry {
			var es []tarEntry
			for i := range 150 {
				es = append(es, tarEntry{name: "d/" + itoa(int64(i)), typ: tar.TypeReg})
			}
			return es
		}()...),
		"zip-symlink.zip": zipLinkOut(t),
	}
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/archives", Files: archives}))
	lim := archive.Limits{MaxTotalSize: 16 << 20, MaxEntries: 100}
	for name := range archives {
		t.Run(name, func(t *testing.T) {
			c, cacheDir := newClient(t, hub.URL)
			home := filepath.Dir(cacheDir)
			dst := filepath.Join(home, "x", "y", "out")
			_, err := c.Download(t.Context(), "acme/archives", name, &hfhub.DownloadOptions{
				Extract: &hfhub.ExtractOptions{Dir: dst, Limits: lim},
			})
			if err == nil {
				t.Fatal("hostile archive extracted without error")
			}
			if !errors.Is(err, archive.ErrUnsafePath) && !errors.Is(err, archive.ErrLimitExceeded) {
				t.Errorf("error %v is neither ErrUnsafePath nor ErrLimitExceeded", err)
			}
			t.Logf("error: %v", err)
			if _, serr := os.Stat(dst); serr == nil {
				t.Errorf("half-extracted folder %s left behind", dst)
			}
			assertConfined(t, home, cacheDir)
			assertCacheClean(t, cacheDir)
			for _, p := range []string{"outside", "escape", "evil"} {
				if _, err := os.Lstat(filepath.Join(home, p)); err == nil {
					t.Errorf("%s written beside the folder", p)
				}
			}
		})
	}
}

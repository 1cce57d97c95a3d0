package reliability

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/archive"
	"github.com/hfhub-go/hfhub/hubtest"
)

// tarGzHeaders writes a tar.gz of the given headers, each regular file
// holding body.
func tarGzHeaders(t *testing.T, body string, hs ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, h := range hs {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// paxRenamed writes a tar.gz whose entry h is preceded by a PAX extended
// header holding record ("key=value"), built by hand: Go's tar.Writer
// would not write a path record that disagrees with the entry's name.
func paxRenamed(t *testing.T, record string, h *tar.Header) []byte {
	t.Helper()
	line := " " + record + "\n"
	for n := len(line); ; n++ { // the length prefix counts itself
		if l := itoa(int64(n)) + line; len(l) == n {
			line = l
			break
		}
	}
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	if err := tw.WriteHeader(&tar.Header{Name: "PaxHeaders/x", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(line)), Format: tar.FormatUSTAR}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(line))
	tw.Flush()
	block := raw.Bytes()
	block[156] = tar.TypeXHeader
	var sum int64
	for i, c := range block[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	copy(block[148:156], []byte(fmt.Sprintf("%06o\x00 ", sum)))
	h.Format = tar.FormatUSTAR
	if h.Typeflag == tar.TypeReg {
		h.Size = 1
	}
	h.Mode = 0o644
	if err := tw.WriteHeader(h); err != nil {
		t.Fatal(err)
	}
	if h.Typeflag == tar.TypeReg {
		tw.Write([]byte("x"))
	}
	tw.Close()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	return gz.Bytes()
}

func zipOfNames(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(n))
	}
	zw.Close()
	return buf.Bytes()
}

// TestDownloadExtractTrickyArchives covers the archive faults the hostile
// matrix lacks: PAX headers that rename an entry out of the folder,
// symlink loops and chains written through, duplicate names, names that
// differ only in case, and too many entries. Each is refused with the
// archive package's error or extracted safely; nothing lands outside, and
// no half-extracted folder is left.
func TestDownloadExtractTrickyArchives(t *testing.T) {
	reg := func(name string) *tar.Header { return &tar.Header{Name: name, Typeflag: tar.TypeReg} }
	sym := func(name, to string) *tar.Header {
		return &tar.Header{Name: name, Linkname: to, Typeflag: tar.TypeSymlink}
	}
	refused := map[string][]byte{
		// The ustar name is harmless; a PAX "path" record before it renames it.
		"pax-rename.tar.gz":           paxRenamed(t, "path=../../pax-escape", reg("innocent.txt")),
		"pax-linkpath.tar.gz":         paxRenamed(t, "linkpath=../../../../outside", sym("l", "ok")),
		"symlink-loop-through.tar.gz": tarGzHeaders(t, "x", sym("a", "b"), sym("b", "a"), reg("a/evil")),
		"symlink-chain-out.tar.gz":    tarGzHeaders(t, "x", sym("d1", "."), sym("d1/d2", ".."), reg("d1/d2/evil")),
		"too-many.zip": func() []byte {
			var names []string
			for i := range 120 {
				names = append(names, "f"+itoa(int64(i)))
			}
			return zipOfNames(t, names...)
		}(),
	}
	safe := map[string][]byte{
		"duplicate.tar.gz":    tarGzHeaders(t, "second", reg("dup.txt"), reg("dup.txt")),
		"case.tar.gz":         tarGzHeaders(t, "x", reg("Readme.md"), reg("README.md")),
		"loop-only.tar.gz":    tarGzHeaders(t, "x", sym("a", "b"), sym("b", "a"), reg("c.txt")),
		"duplicate-names.zip": zipOfNames(t, "z.txt", "z.txt"),
	}
	files := map[string][]byte{}
	for k, v := range refused {
		files[k] = v
	}
	for k, v := range safe {
		files[k] = v
	}
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tricky", Files: files}))
	lim := archive.Limits{MaxTotalSize: 16 << 20, MaxEntries: 100}
	extract := func(t *testing.T, name string) (string, string, string, error) {
		c, cacheDir := newClient(t, hub.URL)
		home := filepath.Dir(cacheDir)
		dst := filepath.Join(home, "x", "y", "out")
		_, err := c.Download(t.Context(), "acme/tricky", name, &hfhub.DownloadOptions{
			Extract: &hfhub.ExtractOptions{Dir: dst, Limits: lim},
		})
		return home, cacheDir, dst, err
	}
	for name := range refused {
		t.Run(name, func(t *testing.T) {
			home, cacheDir, dst, err := extract(t, name)
			if !errors.Is(err, archive.ErrUnsafePath) && !errors.Is(err, archive.ErrLimitExceeded) {
				t.Fatalf("error %v, want ErrUnsafePath or ErrLimitExceeded", err)
			}
			t.Logf("error: %v", err)
			if _, serr := os.Lstat(dst); serr == nil {
				t.Errorf("half-extracted folder %s left behind", dst)
			}
			assertConfined(t, home, cacheDir)
			assertCacheClean(t, cacheDir)
			for _, p := range []string{"outside", "pax-escape", "evil", "x/pax-escape", "x/y/pax-escape"} {
				if _, err := os.Lstat(filepath.Join(home, p)); err == nil {
					t.Errorf("%s written outside the folder", p)
				}
			}
		})
	}
	for name := range safe {
		t.Run(name, func(t *testing.T) {
			home, cacheDir, dst, err := extract(t, name)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			onlyUnder(t, home, cacheDir, dst)
			entries, _ := os.ReadDir(dst)
			t.Logf("extracted: %d entries", len(entries))
			switch name {
			case "duplicate.tar.gz":
				if b, err := os.ReadFile(filepath.Join(dst, "dup.txt")); err != nil || string(b) != "second" {
					t.Errorf("dup.txt = %q, %v; want the last entry's content, as tar does", b, err)
				}
			case "case.tar.gz":
				for _, n := range []string{"Readme.md", "README.md"} {
					if _, err := os.Stat(filepath.Join(dst, n)); err != nil {
						t.Errorf("%s: %v", n, err)
					}
				}
			case "loop-only.tar.gz":
				if _, err := os.Stat(filepath.Join(dst, "c.txt")); err != nil {
					t.Errorf("c.txt: %v", err)
				}
			}
		})
	}
}

// onlyUnder fails for any file under home that is in none of dirs.
func onlyUnder(t *testing.T, home string, dirs ...string) {
	t.Helper()
	_ = filepath.Walk(home, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return nil
		}
		for _, d := range dirs {
			if rel, err := filepath.Rel(d, p); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				return nil
			}
		}
		t.Errorf("file written outside the cache and the extraction folder: %s", p)
		return nil
	})
}

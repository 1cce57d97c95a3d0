package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExtractFormats(t *testing.T) {
	entries := []entry{
		dir("data/"),
		file("data/train.csv", "a,b\n1,2\n"),
		file("data/sub/test.csv", "a,b\n3,4\n"),
		file("README.md", "# hi\n"),
		symlink("data/latest.csv", "train.csv"),
		hardlink("copy.csv", "data/train.csv"),
	}
	tarBytes := tarOf(t, entries...)
	want := map[string]string{
		"data/":             "",
		"data/sub/":         "",
		"data/train.csv":    "a,b\n1,2\n",
		"data/sub/test.csv": "a,b\n3,4\n",
		"README.md":         "# hi\n",
		"data/latest.csv":   "-> train.csv",
		"copy.csv":          "a,b\n1,2\n",
	}
	zipWant := maps.Clone(want)
	delete(zipWant, "copy.csv") // zip has no hard links
	zipBytes := zipOf(t, entries[:5]...)

	tests := []struct {
		name string
		data []byte
		want map[string]string
	}{
		{"x.tar", tarBytes, want},
		{"x.tar.gz", gzipOf(t, tarBytes), want},
		{"x.tgz", gzipOf(t, tarBytes), want},
		{"x.tar.xz", xzOf(t, tarBytes), want},
		{"x.zip", zipBytes, zipWant},
		{"blob-without-extension", gzipOf(t, tarBytes), want},
		{"misnamed.zip", tarBytes, want}, // content wins over the name
		{"data.csv.gz", gzipOf(t, []byte("a,b\n")), map[string]string{"data.csv": "a,b\n"}},
		{"data.jsonl.xz", xzOf(t, []byte("{}\n")), map[string]string{"data.jsonl": "{}\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeTemp(t, tt.name, tt.data)
			dst := filepath.Join(t.TempDir(), "out")
			if err := Extract(t.Context(), src, dst, Limits{}); err != nil {
				t.Fatalf("Extract() error = %v", err)
			}
			if got := listTree(t, dst); !maps.Equal(got, tt.want) {
				t.Errorf("Extract() tree = %v, want %v", got, tt.want)
			}
			assertNoLeftovers(t, filepath.Dir(dst), "out")
		})
	}
}

func TestExtractBzip2(t *testing.T) {
	tests := []struct {
		src  string
		want map[string]string
	}{
		{"testdata/hello.tar.bz2", map[string]string{"hello/": "", "hello/sub/": "", "hello/a.txt": "alpha\n", "hello/sub/b.txt": "beta\n"}},
		{"testdata/notes.txt.bz2", map[string]string{"notes.txt": "just text\n"}},
	}
	for _, tt := range tests {
		dst := filepath.Join(t.TempDir(), "out")
		if err := Extract(t.Context(), tt.src, dst, Limits{}); err != nil {
			t.Fatalf("Extract(%s) error = %v", tt.src, err)
		}
		if got := listTree(t, dst); !maps.Equal(got, tt.want) {
			t.Errorf("Extract(%s) tree = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestExtractGzipStoredName(t *testing.T) {
	var buf bytes.Buffer
	data := gzipOf(t, []byte("x"))
	buf.Write(data)
	// A blob named by its hash: the name stored in the gzip header is used.
	gz := gzipNamed(t, "rows.json", []byte("[]"))
	dst := filepath.Join(t.TempDir(), "out")
	if err := ExtractReader(t.Context(), bytes.NewReader(gz), "3f1a9c", dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	if got, want := listTree(t, dst), map[string]string{"rows.json": "[]"}; !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	// A hostile stored name is not used.
	gz = gzipNamed(t, "../../evil", []byte("[]"))
	dst = filepath.Join(t.TempDir(), "out")
	if err := ExtractReader(t.Context(), bytes.NewReader(gz), "", dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	if got, want := listTree(t, dst), map[string]string{"evil": "[]"}; !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
}

func TestExtractReaderStreams(t *testing.T) {
	// Readers without random access: zip is spooled, tar streams.
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"s.zip", zipOf(t, file("a.txt", "A"), file("b/c.txt", "C"))},
		{"s.tar.gz", gzipOf(t, tarOf(t, file("a.txt", "A"), file("b/c.txt", "C")))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dst := filepath.Join(parent, "out")
			r := io.MultiReader(bytes.NewReader(tt.data)) // hides ReaderAt and Size
			if err := ExtractReader(t.Context(), r, tt.name, dst, Limits{}); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"a.txt": "A", "b/": "", "b/c.txt": "C"}
			if got := listTree(t, dst); !maps.Equal(got, want) {
				t.Errorf("tree = %v, want %v", got, want)
			}
			assertNoLeftovers(t, parent, "out")
		})
	}
}

func TestExtractFileAtOffset(t *testing.T) {
	// An *os.File positioned after a prefix: only the rest is the archive.
	z := zipOf(t, file("a.txt", "A"))
	p := writeTemp(t, "prefixed", append([]byte("JUNK"), z...))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "out")
	if err := ExtractReader(t.Context(), f, "a.zip", dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	if got, want := listTree(t, dst), map[string]string{"a.txt": "A"}; !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
}

func TestExtractPreservesExecutableBit(t *testing.T) {
	src := writeTemp(t, "x.tar", tarOf(t, entry{name: "run.sh", body: "#!/bin/sh\n", mode: 0o4755}, file("plain", "p")))
	dst := filepath.Join(t.TempDir(), "out")
	if err := Extract(t.Context(), src, dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]fs.FileMode{"run.sh": 0o755, "plain": 0o644} {
		fi, err := os.Stat(filepath.Join(dst, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode(); got != want { // setuid is dropped
			t.Errorf("mode of %s = %v, want %v", name, got, want)
		}
	}
}

func TestExtractDuplicateEntryLastWins(t *testing.T) {
	src := writeTemp(t, "x.tar", tarOf(t, file("a", "first"), hardlink("b", "a"), file("a", "second")))
	dst := filepath.Join(t.TempDir(), "out")
	if err := Extract(t.Context(), src, dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	// The hard link keeps the old content: rewriting "a" does not write through it.
	if got, want := listTree(t, dst), map[string]string{"a": "second", "b": "first"}; !maps.Equal(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
}

func TestExtractRefusesHostileArchives(t *testing.T) {
	tests := []struct {
		name    string
		entries []entry
		zipOnly bool
		wantErr error
	}{
		{"parent directory", []entry{file("../evil", "x")}, false, ErrUnsafePath},
		{"nested parent directory", []entry{file("a/b/../../../evil", "x")}, false, ErrUnsafePath},
		{"absolute path", []entry{file("/tmp/evil", "x")}, false, ErrUnsafePath},
		{"drive letter", []entry{file("C:/evil", "x")}, false, ErrUnsafePath},
		{"backslash traversal", []entry{file(`..\..\evil`, "x")}, false, ErrUnsafePath},
		{"backslash in a name", []entry{file(`a\b`, "x")}, false, ErrUnsafePath},
		{"file named like the destination", []entry{file(".", "x")}, false, ErrUnsafePath},
		{"absolute symlink", []entry{symlink("l", "/etc/passwd")}, false, ErrUnsafePath},
		{"symlink out of the tree", []entry{symlink("a/l", "../../x")}, false, ErrUnsafePath},
		{"symlink then write through it", []entry{symlink("l", "sub"), file("l/f", "x")}, false, ErrUnsafePath},
		{"symlink then write through it out of the tree", []entry{symlink("l", ".."), file("l/evil", "x")}, false, ErrUnsafePath},
		{"symlink to dot then climb through it", []entry{symlink("a/x", "."), symlink("esc", "a/x/../..")}, false, ErrUnsafePath},
		{"symlink through a later symlink", []entry{symlink("esc", "a/x/.."), symlink("a/x", "..")}, false, ErrUnsafePath},
		{"symlink inside a symlink", []entry{symlink("l", "d"), symlink("l/m", "x")}, false, ErrUnsafePath},
		{"symlink replacing a file", []entry{file("f", "x"), symlink("f", "g")}, false, ErrUnsafePath},
		{"hard link to an absolute path", []entry{hardlink("h", "/etc/passwd")}, false, ErrUnsafePath},
		{"hard link out of the tree", []entry{hardlink("h", "../x")}, false, ErrUnsafePath},
		{"hard link to a missing file", []entry{hardlink("h", "later"), file("later", "x")}, false, ErrUnsafePath},
		{"hard link to a symlink", []entry{symlink("l", "f"), hardlink("h", "l")}, false, ErrUnsafePath},
		{"character device", []entry{{name: "tty", typ: tar.TypeChar}}, false, ErrUnsupportedEntry},
		{"block device", []entry{{name: "sda", typ: tar.TypeBlock}}, false, ErrUnsupportedEntry},
		{"fifo", []entry{{name: "pipe", typ: tar.TypeFifo}}, false, ErrUnsupportedEntry},
		{"zip fifo", []entry{{name: "pipe", mode: int64(fs.ModeNamedPipe | 0o644)}}, true, ErrUnsupportedEntry},
		{"zip device", []entry{{name: "dev", mode: int64(fs.ModeDevice | 0o644)}}, true, ErrUnsupportedEntry},
	}
	for _, tt := range tests {
		for _, kind := range []string{"tar", "zip"} {
			if kind == "tar" && tt.zipOnly {
				continue
			}
			if kind == "zip" && !tt.zipOnly && hasTarOnly(tt.entries) {
				continue
			}
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				var data []byte
				if kind == "tar" {
					data = tarOf(t, tt.entries...)
				} else {
					data = zipOf(t, tt.entries...)
				}
				parent := t.TempDir()
				dst := filepath.Join(parent, "out")
				err := ExtractReader(t.Context(), bytes.NewReader(data), "x."+kind, dst, Limits{})
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ExtractReader() error = %v, want %v", err, tt.wantErr)
				}
				var ee *EntryError
				if !errors.As(err, &ee) {
					t.Errorf("ExtractReader() error %T is not an *EntryError", err)
				}
				assertNoLeftovers(t, parent) // no dst, no temp dir
			})
		}
	}
}

func hasTarOnly(entries []entry) bool {
	for _, e := range entries {
		if e.typ == tar.TypeLink || e.typ == tar.TypeChar || e.typ == tar.TypeBlock || e.typ == tar.TypeFifo {
			return true
		}
	}
	return false
}

func TestExtractLimits(t *testing.T) {
	zeros := make([]byte, 8<<20)
	many := make([]entry, 20)
	for i := range many {
		many[i] = file("f"+strings.Repeat("x", i), "x")
	}
	tests := []struct {
		name      string
		data      []byte
		lim       Limits
		wantLimit string // "" = success
	}{
		{"gzip bomb over the ratio", gzipOf(t, zeros), Limits{MaxRatio: 100}, limitRatio},
		{"gzip bomb under a disabled ratio", gzipOf(t, zeros), Limits{MaxRatio: -1}, ""},
		{"tar.gz bomb", gzipOf(t, tarOf(t, file("big", string(zeros)))), Limits{MaxRatio: 50}, limitRatio},
		{"zip bomb", zipOf(t, file("big", string(zeros))), Limits{MaxRatio: 50}, limitRatio},
		{"xz bomb", xzOf(t, zeros), Limits{MaxRatio: 50}, limitRatio},
		{"total size", tarOf(t, file("a", "12345"), file("b", "678")), Limits{MaxTotalSize: 7}, limitTotal},
		{"total size exactly", tarOf(t, file("a", "12345"), file("b", "67")), Limits{MaxTotalSize: 7}, ""},
		{"zip total size from the directory", zipOf(t, file("a", "12345"), file("b", "678")), Limits{MaxTotalSize: 7}, limitTotal},
		{"tar entries", tarOf(t, many...), Limits{MaxEntries: 10}, limitEntries},
		{"zip entries", zipOf(t, many...), Limits{MaxEntries: 10}, limitEntries},
		{"entries exactly", tarOf(t, many...), Limits{MaxEntries: 20}, ""},
		{"small archive of compressible data", gzipOf(t, zeros[:RatioAllowance]), Limits{MaxRatio: 2}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dst := filepath.Join(parent, "out")
			err := ExtractReader(t.Context(), bytes.NewReader(tt.data), "x", dst, tt.lim)
			if tt.wantLimit == "" {
				if err != nil {
					t.Fatalf("ExtractReader() error = %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, ErrLimitExceeded) || le.Limit != tt.wantLimit {
				t.Fatalf("ExtractReader() error = %v, want a %q LimitError", err, tt.wantLimit)
			}
			assertNoLeftovers(t, parent)
		})
	}
}

func TestExtractDestinationExists(t *testing.T) {
	src := writeTemp(t, "x.tar", tarOf(t, file("a", "A")))
	dst := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Extract(t.Context(), src, dst, Limits{}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Extract() onto an existing dir: error = %v, want fs.ErrExist", err)
	}
	assertNoLeftovers(t, filepath.Dir(dst), "out")
}

func TestExtractCancelled(t *testing.T) {
	src := writeTemp(t, "x.tar", tarOf(t, file("a", "A")))
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Extract(ctx, src, filepath.Join(parent, "out"), Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Extract() with a cancelled context: error = %v, want context.Canceled", err)
	}
	assertNoLeftovers(t, parent)
}

func TestExtractBadInput(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"plain text", []byte("hello, world\n"), ErrUnknownFormat},
		{"empty", nil, ErrUnknownFormat},
	}
	for _, tt := range tests {
		dst := filepath.Join(t.TempDir(), "out")
		if err := ExtractReader(t.Context(), bytes.NewReader(tt.data), "x.bin", dst, Limits{}); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: error = %v, want %v", tt.name, err, tt.wantErr)
		}
	}
	// Truncated archives fail with the reader's error and leave nothing.
	for _, data := range [][]byte{gzipOf(t, tarOf(t, file("a", strings.Repeat("A", 5000))))[:40], zipOf(t, file("a", "A"))[:30]} {
		parent := t.TempDir()
		if err := ExtractReader(t.Context(), bytes.NewReader(data), "x", filepath.Join(parent, "out"), Limits{}); err == nil {
			t.Error("truncated archive: error = nil")
		}
		assertNoLeftovers(t, parent)
	}
	if err := Extract(t.Context(), filepath.Join(t.TempDir(), "missing.zip"), filepath.Join(t.TempDir(), "out"), Limits{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing source: error = %v, want fs.ErrNotExist", err)
	}
}

func TestEmptyTarNeedsAName(t *testing.T) {
	empty := tarOf(t)
	dst := filepath.Join(t.TempDir(), "out")
	if err := ExtractReader(t.Context(), bytes.NewReader(gzipOf(t, empty)), "empty.tar.gz", dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	if got := listTree(t, dst); len(got) != 0 {
		t.Errorf("empty tar extracted to %v", got)
	}
}

func TestDetect(t *testing.T) {
	tarBytes := tarOf(t, file("a", "A"))
	v7 := slices.Clone(tarBytes[:512])
	copy(v7[257:265], make([]byte, 8)) // drop the ustar magic, fix the checksum
	fixChecksum(v7)
	tests := []struct {
		head []byte
		name string
		want Format
	}{
		{zipOf(t, file("a", "A")), "", Zip},
		{[]byte("PK\x05\x06"), "", Zip},
		{tarBytes, "", Tar},
		{v7, "", Tar},
		{make([]byte, 1024), "x.tar", Tar},
		{make([]byte, 1024), "x.bin", Unknown},
		{gzipOf(t, nil), "", Gzip},
		{xzOf(t, nil), "", XZ},
		{[]byte("BZh91AY&SY"), "", Bzip2},
		{[]byte("BZx"), "", Unknown},
		{[]byte("hello"), "a.zip", Unknown},
	}
	for _, tt := range tests {
		if got := Detect(tt.head, tt.name); got != tt.want {
			t.Errorf("Detect(%q..., %q) = %v, want %v", tt.head[:min(8, len(tt.head))], tt.name, got, tt.want)
		}
	}
}

func fixChecksum(block []byte) {
	for i := 148; i < 156; i++ {
		block[i] = ' '
	}
	var sum int
	for _, c := range block {
		sum += int(c)
	}
	copy(block[148:], []byte(strings.Repeat("0", 6-len(itoa8(sum)))+itoa8(sum)+"\x00 "))
}

func itoa8(n int) string {
	if n == 0 {
		return "0"
	}
	var s []byte
	for n > 0 {
		s = append([]byte{byte('0' + n%8)}, s...)
		n /= 8
	}
	return string(s)
}

func TestCleanName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"a/b.txt", "a/b.txt", true},
		{"./a//b/./c", "a/b/c", true},
		{"dir/", "dir", true},
		{"./", ".", true},
		{"..", "", false},
		{"a/../b", "", false},
		{"/a", "", false},
		{"c:x", "", false},
		{`a\b`, "", false},
		{"a\x00b", "", false},
		{"", "", false},
		{"...", "...", true},
		{"..a", "..a", true},
	}
	for _, tt := range tests {
		got, err := cleanName(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("cleanName(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsafePath) {
			t.Errorf("cleanName(%q) error %v is not ErrUnsafePath", tt.in, err)
		}
	}
}

func TestSingleName(t *testing.T) {
	tests := []struct{ name, stored, want string }{
		{"data.csv.gz", "", "data.csv"},
		{"dir/data.csv.GZ", "", "data.csv"},
		{"corpus.tgz", "", "corpus.tar"},
		{"rows.xz", "", "rows"},
		{"3f1a9c", "rows.json", "rows.json"},
		{"3f1a9c", "", "3f1a9c"},
		{".gz", "", ".gz"},
		{"", "", "data"},
		{"", "a/b/c.txt", "c.txt"},
	}
	for _, tt := range tests {
		if got := singleName(tt.name, tt.stored); got != tt.want {
			t.Errorf("singleName(%q, %q) = %q, want %q", tt.name, tt.stored, got, tt.want)
		}
	}
}

// A tar-named compressed stream that is empty, or holds no tar archive, is
// refused as GNU tar and Python's tarfile refuse it; nothing is written. A
// single compressed file that decompresses to nothing is a valid empty file.
func TestExtractEmptyOrNonTarCompressedTar(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		what string
	}{
		{"empty.tar.xz", xzOf(t, nil), "is empty"},
		{"empty.tgz", gzipOf(t, nil), "is empty"},
		{"empty.txz", xzOf(t, nil), "is empty"},
		{"text.tar.gz", gzipOf(t, []byte("not a tar archive at all\n")), "does not hold a tar archive"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeTemp(t, tt.name, tt.data)
			dst := filepath.Join(t.TempDir(), "out")
			err := Extract(t.Context(), src, dst, Limits{})
			if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), tt.what) {
				t.Fatalf("Extract(%s) = %v, want ErrUnknownFormat saying %q", tt.name, err, tt.what)
			}
			if _, err := os.Lstat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("destination exists after a refused archive: %v", err)
			}
			assertNoLeftovers(t, filepath.Dir(dst), "")
		})
	}
	src := writeTemp(t, "empty.jsonl.gz", gzipOf(t, nil))
	dst := filepath.Join(t.TempDir(), "out")
	if err := Extract(t.Context(), src, dst, Limits{}); err != nil {
		t.Fatalf("empty single file: %v", err)
	}
	if got := listTree(t, dst); !maps.Equal(got, map[string]string{"empty.jsonl": ""}) {
		t.Errorf("empty single file: tree %v", got)
	}
}

package archive

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExtract feeds arbitrary bytes to ExtractReader and checks the safety
// invariants: on success nothing outside dst was created and every symbolic
// link resolves inside dst; on failure nothing at all is left behind.
func FuzzExtract(f *testing.F) {
	seeds := [][]byte{
		tarOf(f, dir("d/"), file("d/a.txt", "A"), symlink("d/l", "a.txt"), hardlink("h", "d/a.txt")),
		tarOf(f, file("../evil", "x")),
		tarOf(f, symlink("l", ".."), file("l/evil", "x")),
		tarOf(f, symlink("a/x", "."), symlink("esc", "a/x/../..")),
		zipOf(f, file("a.txt", "A"), symlink("l", "a.txt"), dir("d")),
		zipOf(f, file("/abs", "x")),
		gzipOf(f, tarOf(f, file("a", strings.Repeat("A", 1000)))),
		gzipOf(f, []byte("single file")),
		xzOf(f, tarOf(f, file("a", "A"))),
	}
	for _, p := range []string{"testdata/hello.tar.bz2", "testdata/notes.txt.bz2"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, s := range seeds {
		f.Add(s, "x.tar")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		parent := t.TempDir()
		dst := filepath.Join(parent, "out")
		lim := Limits{MaxTotalSize: 4 << 20, MaxEntries: 200, MaxRatio: 200}
		err := ExtractReader(t.Context(), bytes.NewReader(data), name, dst, lim)
		if err != nil {
			assertNoLeftovers(t, parent)
			return
		}
		assertNoLeftovers(t, parent, "out")
		realDst, err := filepath.EvalSymlinks(dst)
		if err != nil {
			t.Fatal(err)
		}
		err = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if filepath.IsAbs(target) {
				t.Errorf("symlink %s has absolute target %q", p, target)
			}
			// Lexically, and through every link, the target stays inside.
			if !inside(realDst, filepath.Join(filepath.Dir(p), target), dst) {
				t.Errorf("symlink %s -> %q leaves %s", p, target, dst)
			}
			if resolved, err := filepath.EvalSymlinks(p); err == nil && !inside(realDst, resolved, realDst) {
				t.Errorf("symlink %s resolves to %s outside %s", p, resolved, realDst)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func inside(_, p, root string) bool {
	rel, err := filepath.Rel(root, filepath.Clean(p))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

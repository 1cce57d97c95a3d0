package archive

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/hfhub-go/hfhub/internal/ctxio"
)

// maxLinkTarget bounds the size of a symbolic link target stored in a zip.
const maxLinkTarget = 4096

// extractZipFrom extracts a zip archive read from r (already buffered in
// br). When r supports random access with a known size it is read in place;
// otherwise the archive is spooled to a temporary file in dir.
func extractZipFrom(t *tree, r io.Reader, br *bufio.Reader, offset, size int64, dir string) error {
	if ra, ok := r.(io.ReaderAt); ok && size >= 0 {
		return extractZip(t, io.NewSectionReader(ra, offset, size), size)
	}
	f, err := os.CreateTemp(dir, ".archive-spool-*.zip")
	if err != nil {
		return fmt.Errorf("archive: spooling zip: %w", err)
	}
	defer func() {
		// Best effort: the spool file is scratch space.
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	n, err := io.Copy(f, ctxio.NewReader(t.ctx, br))
	if err != nil {
		return fmt.Errorf("archive: spooling zip: %w", err)
	}
	return extractZip(t, f, n)
}

// extractZip writes every entry of the zip archive in ra into t.
func extractZip(t *tree, ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("archive: reading zip: %w", err)
	}
	// Refuse early what the central directory already admits to; the
	// limits are enforced again on the bytes actually written.
	if n := float64(len(zr.File)); n > t.budget.maxEntries {
		return &LimitError{Limit: limitEntries, Max: t.budget.maxEntries, Value: n}
	}
	var declared float64
	for _, f := range zr.File {
		declared += float64(f.UncompressedSize64)
	}
	if declared > t.budget.maxTotal {
		return &LimitError{Limit: limitTotal, Max: t.budget.maxTotal, Value: declared}
	}
	for _, f := range zr.File {
		if err := extractZipEntry(t, f); err != nil {
			return err
		}
	}
	return nil
}

func extractZipEntry(t *tree, f *zip.File) error {
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		target, err := readLinkTarget(t, f)
		if err != nil {
			return &EntryError{Name: f.Name, Err: err}
		}
		return t.symlink(f.Name, target)
	case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
		return t.dir(f.Name)
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeIrregular) != 0:
		return &EntryError{Name: f.Name, Err: fmt.Errorf("%w: device file, FIFO or socket", ErrUnsupportedEntry)}
	}
	rc, err := f.Open()
	if err != nil {
		return &EntryError{Name: f.Name, Err: err}
	}
	defer rc.Close() // read side: the checksum error surfaces from Read
	return t.file(f.Name, mode, f.Modified, rc)
}

func readLinkTarget(t *tree, f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxLinkTarget {
		return "", fmt.Errorf("%w: symbolic link target longer than %d bytes", ErrUnsupportedEntry, maxLinkTarget)
	}
	if err := t.budget.add(int64(len(b))); err != nil {
		return "", err
	}
	return string(b), nil
}

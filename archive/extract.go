package archive

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/ulikunitz/xz"
)

// Extract extracts the archive or compressed file at src into the directory
// dst, which must not exist yet. The format is detected from the content
// (see [Detect]); a single compressed file (data.csv.gz) becomes one file in
// dst named after src without its compression suffix (dst/data.csv).
//
// Extraction happens in a temporary directory next to dst that is renamed to
// dst once every entry has been written; on any error, including a
// cancelled ctx, the temporary directory is removed and dst is left absent.
// If dst already exists, or another extraction creates it first, the error
// wraps [fs.ErrExist].
//
// Errors wrap [ErrUnsafePath], [ErrUnsupportedEntry], [ErrLimitExceeded] or
// [ErrUnknownFormat] when the archive is refused; see the package doc.
func Extract(ctx context.Context, src, dst string, lim Limits) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer f.Close() // read-only: nothing to lose on Close
	return ExtractReader(ctx, f, filepath.Base(src), dst, lim)
}

// ExtractReader is [Extract] for an archive read from r. name is the
// archive's file name (for example the repository path of a downloaded
// blob); it names the output of a single compressed file and helps to
// recognise an empty tar archive, and may be empty.
//
// Zip archives need random access: when r is an [io.ReaderAt] whose size is
// known (an [*os.File], [*bytes.Reader], [*io.SectionReader]) it is read in
// place, otherwise it is first copied to a temporary file next to dst.
// The expansion ratio is measured against the size of r when known, else
// against the compressed bytes read so far.
func ExtractReader(ctx context.Context, r io.Reader, name, dst string, lim Limits) error {
	offset, size := sizeOf(r)
	cr := &countingReader{r: r}
	compressed := func() int64 {
		if size >= 0 {
			return size
		}
		return cr.n
	}
	br := bufio.NewReaderSize(cr, 64<<10)
	head, err := br.Peek(DetectLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("archive: reading %s: %w", displayName(name), err)
	}
	format := Detect(head, name)
	if format == Unknown {
		return fmt.Errorf("archive: %s: %w: it is not a zip, tar, gzip, xz or bzip2 file", displayName(name), ErrUnknownFormat)
	}
	return stage(ctx, dst, func(root *os.Root) error {
		t := newTree(ctx, root, newBudget(lim, compressed))
		var err error
		switch format {
		case Zip:
			err = extractZipFrom(t, r, br, offset, size, filepath.Dir(dst))
		case Tar:
			err = extractTar(t, br)
		default:
			err = extractCompressed(t, format, br, name)
		}
		if err != nil {
			return err
		}
		return t.finish()
	})
}

// extractCompressed handles gzip, xz and bzip2 input: a compressed tar
// archive, or a single compressed file.
func extractCompressed(t *tree, format Format, r io.Reader, name string) error {
	var (
		d      io.Reader
		stored string
	)
	switch format {
	case Gzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("archive: reading gzip stream: %w", err)
		}
		defer gz.Close()
		d, stored = gz, gz.Name
	case XZ:
		xr, err := xz.NewReader(r)
		if err != nil {
			return fmt.Errorf("archive: reading xz stream: %w", err)
		}
		d = xr
	case Bzip2:
		d = bzip2.NewReader(r)
	}
	bd := bufio.NewReaderSize(d, 64<<10)
	head, err := bd.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("archive: reading %s stream: %w", format, err)
	}
	if isTarHeader(head, name) {
		if err := extractTar(t, bd); err != nil {
			return err
		}
		// Read the rest of the stream so its checksum is verified; it
		// counts against the limits like any other output.
		return drain(t, bd, format)
	}
	if hasTarName(name) {
		// GNU tar ("does not look like a tar archive") and Python's
		// tarfile refuse a tar-named stream that holds no tar archive, an
		// empty one included; so do we, instead of writing it out as one
		// (possibly empty) file named like an archive.
		what := "does not hold a tar archive"
		if len(head) == 0 {
			what = "is empty"
		}
		return fmt.Errorf("archive: %s: %w: its %s stream %s; re-create the archive, or rename it without .tar if it is a single compressed file", displayName(name), ErrUnknownFormat, format, what)
	}
	out := singleName(name, stored)
	if err := t.file(out, 0o644, time.Time{}, bd); err != nil {
		return err
	}
	return nil
}

func drain(t *tree, r io.Reader, format Format) error {
	buf := make([]byte, 32<<10)
	for {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		if n > 0 {
			if err := t.budget.add(int64(n)); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("archive: reading %s stream after the tar archive: %w", format, err)
		}
	}
}

// stage runs fill on an os.Root over a new temporary directory next to dst,
// then renames the directory to dst. On error the directory is removed.
func stage(ctx context.Context, dst string, fill func(*os.Root) error) (err error) {
	dst = filepath.Clean(dst)
	if _, err := os.Lstat(dst); err == nil {
		return existsError(dst)
	}
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+".extract-*")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer func() {
		if err != nil {
			// Best effort: the temporary directory has a dot name and a
			// recognisable suffix if it survives.
			_ = os.RemoveAll(tmp)
		}
	}()
	root, err := os.OpenRoot(tmp)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	err = fill(root)
	if cerr := root.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("archive: %w", cerr)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		if errors.Is(err, fs.ErrExist) || isNotEmpty(err) {
			return existsError(dst)
		}
		return fmt.Errorf("archive: %w", err)
	}
	_ = fsutil.SyncDir(parent) // best effort: the files are synced and the rename is done
	return nil
}

func existsError(dst string) error {
	return fmt.Errorf("archive: destination %s already exists: remove it or extract elsewhere: %w", dst, fs.ErrExist)
}

func displayName(name string) string {
	if name == "" {
		return "input"
	}
	return name
}

// sizeOf returns the offset r reads from next and the number of bytes left
// when both can be known without reading, else (0, -1).
func sizeOf(r io.Reader) (offset, remaining int64) {
	seeker, ok := r.(io.Seeker)
	if !ok {
		return 0, -1
	}
	var size int64
	switch v := r.(type) {
	case *os.File:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, -1
		}
		size = fi.Size()
	case interface{ Size() int64 }:
		size = v.Size()
	default:
		return 0, -1
	}
	off, err := seeker.Seek(0, io.SeekCurrent)
	if err != nil || off > size {
		return 0, -1
	}
	return off, size - off
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

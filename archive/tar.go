package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
)

// extractTar writes every entry of the tar stream r into t.
func extractTar(t *tree, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		// With GODEBUG=tarinsecurepath=0 the reader flags unsafe names
		// itself; the tree checks every name anyway.
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return fmt.Errorf("archive: reading tar: %w", err)
		}
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00', tar.TypeGNUSparse:
			err = t.file(hdr.Name, hdr.FileInfo().Mode(), hdr.ModTime, tr)
		case tar.TypeDir:
			err = t.dir(hdr.Name)
		case tar.TypeSymlink:
			err = t.symlink(hdr.Name, hdr.Linkname)
		case tar.TypeLink:
			err = t.hardlink(hdr.Name, hdr.Linkname)
		case tar.TypeXGlobalHeader:
			continue // metadata for the whole archive, not an entry
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			err = &EntryError{Name: hdr.Name, Err: fmt.Errorf("%w: device file or FIFO", ErrUnsupportedEntry)}
		default:
			err = &EntryError{Name: hdr.Name, Err: fmt.Errorf("%w: tar type %q", ErrUnsupportedEntry, hdr.Typeflag)}
		}
		if err != nil {
			return err
		}
	}
}

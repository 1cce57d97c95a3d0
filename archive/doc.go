// Package archive extracts zip, tar, tar.gz/tgz, tar.xz, tar.bz2 archives and
// single gzip, xz or bzip2 compressed files safely.
//
// The format is detected from the first bytes of the input (magic numbers);
// the file name is only a hint, used to name the output of a single compressed
// file and to recognise an empty tar archive.
//
// # Safety
//
// Archives are untrusted input. [Extract] refuses, with a typed error:
//
//   - entries whose names escape the destination: absolute paths, drive letters,
//     ".." components, backslashes and NUL bytes ([ErrUnsafePath]);
//   - symbolic links whose target is absolute or resolves outside the tree, or
//     that would be written through by a later entry, and hard links to
//     anything but a regular file extracted earlier from the same archive
//     ([ErrUnsafePath]);
//   - device files, FIFOs, sockets and other special entries
//     ([ErrUnsupportedEntry]);
//   - archives that expand beyond [Limits]: total size, entry count or
//     expansion ratio, which stops zip and tar bombs ([ErrLimitExceeded]).
//
// All writes go through an [os.Root] opened on a fresh temporary directory
// next to the destination, and symbolic links are created only after every
// file has been written, so no entry can write through a link. When every
// entry has been extracted the temporary directory is renamed into place: a
// crash or a cancelled context never leaves a half-extracted destination.
//
// # Example
//
//	err := archive.Extract(ctx, "data.tar.gz", "out/data", archive.Limits{})
//	if errors.Is(err, archive.ErrLimitExceeded) {
//		// the archive is a bomb, or larger than allowed
//	}
package archive

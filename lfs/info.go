package lfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// SampleSize is how many leading bytes of a file the preupload call sees.
const SampleSize = 512

// UploadInfo describes a file about to be uploaded: what the preupload and
// batch calls need, computed in one streaming pass.
type UploadInfo struct {
	// Size is the content length in bytes.
	Size int64
	// OID is the sha256 of the content (the LFS object id).
	OID OID
	// Sample holds the first min(Size, SampleSize) bytes; encoding/json
	// writes it as base64, which is what preupload wants.
	Sample []byte
	// GitOID is the git blob sha1 ("blob <size>\x00" + content) as 40 hex
	// digits, the id the Hub reports for regular (non-LFS) files. It is
	// empty when the size was not known before reading (see [InfoFromReader]).
	GitOID string
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// InfoFromBytes computes the upload info of b.
func InfoFromBytes(b []byte) UploadInfo {
	info := UploadInfo{Size: int64(len(b)), OID: sha256.Sum256(b)}
	info.Sample = bytes.Clone(b[:min(len(b), SampleSize)])
	info.GitOID = gitblob.ID(b)
	return info
}

// InfoFromPath reads the file at path once and computes its upload info.
// Memory use is one 1 MiB buffer whatever the file's size. The file must not
// change while it is read: a size that differs from the one stat reported is
// an error.
func InfoFromPath(ctx context.Context, path string) (UploadInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return UploadInfo{}, err
	}
	defer f.Close() // read-only: a close error loses nothing
	st, err := f.Stat()
	if err != nil {
		return UploadInfo{}, err
	}
	if !st.Mode().IsRegular() {
		return UploadInfo{}, fmt.Errorf("%s: not a regular file", path)
	}
	info, err := infoFrom(ctx, f, st.Size())
	if err != nil {
		return UploadInfo{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return info, nil
}

// InfoFromReader reads r to its end and computes its upload info. If r has a
// Len() int or Size() int64 method (as *bytes.Reader, *strings.Reader and
// *io.SectionReader do) the git blob id is computed too; otherwise
// [UploadInfo.GitOID] is left empty. Use [InfoFromReaderSize] when the size is
// known some other way.
func InfoFromReader(ctx context.Context, r io.Reader) (UploadInfo, error) {
	size := int64(-1)
	switch s := r.(type) {
	case interface{ Len() int }: // unread bytes: *bytes.Reader, *strings.Reader
		size = int64(s.Len())
	case interface{ Size() int64 }:
		size = s.Size()
		if sr, ok := r.(io.Seeker); ok { // a partially read reader: count from here
			if off, err := sr.Seek(0, io.SeekCurrent); err == nil {
				size -= off
			}
		}
	}
	return infoFrom(ctx, r, size)
}

// InfoFromReaderSize is [InfoFromReader] for a reader whose length is known:
// it returns an error if r does not hold exactly size bytes.
func InfoFromReaderSize(ctx context.Context, r io.Reader, size int64) (UploadInfo, error) {
	if size < 0 {
		return UploadInfo{}, fmt.Errorf("negative size %d", size)
	}
	return infoFrom(ctx, r, size)
}

// infoFrom hashes r; size < 0 means unknown (no git oid).
func infoFrom(ctx context.Context, r io.Reader, size int64) (UploadInfo, error) {
	sh := sha256.New()
	var gh hash.Hash
	w := io.Writer(sh)
	if size >= 0 {
		gh = gitblob.NewHash(size)
		w = io.MultiWriter(sh, gh)
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var info UploadInfo
	for {
		if err := ctx.Err(); err != nil {
			return UploadInfo{}, err
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if len(info.Sample) < SampleSize {
				info.Sample = append(info.Sample, buf[:min(n, SampleSize-len(info.Sample))]...)
			}
			w.Write(buf[:n]) // hash writes never fail
			info.Size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return UploadInfo{}, err
		}
	}
	if size >= 0 && info.Size != size {
		return UploadInfo{}, fmt.Errorf("read %d bytes, expected %d: the content changed while it was read", info.Size, size)
	}
	if info.Sample == nil {
		info.Sample = []byte{}
	}
	copy(info.OID[:], sh.Sum(nil))
	if gh != nil {
		info.GitOID = hex.EncodeToString(gh.Sum(nil))
	}
	return info, nil
}

// GitBlobOID returns the git blob sha1 of b as 40 hex digits: the oid the Hub
// reports for a regular file.
func GitBlobOID(b []byte) string { return gitblob.ID(b) }

// Package gitblob computes git blob ids: the sha1 of "blob {size}\x00"
// followed by the content. The Hub names a regular (non-LFS) file by this
// id (its etag), so the uploader, the cache verifier, the download engine
// and the server all compute it.
package gitblob

import (
	"crypto/sha1"
	"encoding/hex"
	"hash"
	"strconv"
)

// NewHash returns a sha1 hash already fed the git blob header for content
// of size bytes; write exactly size bytes of content, then Sum.
func NewHash(size int64) hash.Hash {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.FormatInt(size, 10) + "\x00")) // hash writes never fail
	return h
}

// ID returns the git blob id of b as 40 lowercase hex digits.
func ID(b []byte) string {
	h := NewHash(int64(len(b)))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

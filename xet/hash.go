package xet

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/zeebo/blake3"
)

// HashSize is the length in bytes of every Xet hash.
const HashSize = 32

// Hash is a 32-byte Xet hash: a chunk hash, a xorb hash (merkle root) or a
// file hash (the file id). Its text form is the Xet hex of [Hash.String],
// not the plain hex of the bytes.
type Hash [HashSize]byte

// Keys of the keyed BLAKE3 hashes (spec §5.1).
var (
	// DataKey keys chunk hashes.
	DataKey = Hash{102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28, 157, 228, 33, 16, 155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41}
	// InternalNodeKey keys merkle interior nodes.
	InternalNodeKey = Hash{1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230, 93, 221, 83, 111, 55, 199, 109, 210, 248, 99, 82, 230, 74, 83, 113, 63}
	// VerificationKey keys term verification (range) hashes.
	VerificationKey = Hash{127, 24, 87, 214, 206, 86, 237, 102, 18, 127, 249, 19, 231, 165, 195, 243, 164, 205, 38, 213, 181, 219, 73, 230, 65, 36, 152, 127, 40, 251, 148, 195}
)

// ParseHash parses the Xet hex form (64 hex digits, any case): four groups
// of 16 digits, each a little-endian u64.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*HashSize {
		return h, fmt.Errorf("xet: hash %q: want 64 hex digits, got %d characters", truncate(s), len(s))
	}
	for g := 0; g < 4; g++ {
		v, err := strconv.ParseUint(s[16*g:16*g+16], 16, 64)
		if err != nil {
			return Hash{}, fmt.Errorf("xet: hash %q: not hexadecimal", truncate(s))
		}
		binary.LittleEndian.PutUint64(h[8*g:], v)
	}
	return h, nil
}

// IsHashString reports whether s is a well-formed Xet hash string.
func IsHashString(s string) bool {
	if len(s) != 2*HashSize {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// String returns the Xet hex form (lowercase).
func (h Hash) String() string {
	var b [2 * HashSize]byte
	for g := 0; g < 4; g++ {
		v := binary.LittleEndian.Uint64(h[8*g:])
		const digits = "0123456789abcdef"
		for i := 15; i >= 0; i-- {
			b[16*g+i] = digits[v&0xf]
			v >>= 4
		}
	}
	return string(b[:])
}

// IsZero reports whether every byte is zero (the hash of an empty file).
func (h Hash) IsZero() bool { return h == Hash{} }

// Mod returns the hash's fourth 8-byte group, read little-endian, modulo n:
// the "hash mod n" of merkle grouping and global-dedup eligibility.
func (h Hash) Mod(n uint64) uint64 { return binary.LittleEndian.Uint64(h[24:]) % n }

// MarshalText implements encoding.TextMarshaler with the Xet hex form.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with the Xet hex form.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// KeyedHash returns BLAKE3 keyed_hash(key, data).
func KeyedHash(key Hash, data []byte) Hash {
	hs := newKeyed(key)
	hs.Write(data)
	return sum(hs)
}

func newKeyed(key Hash) *blake3.Hasher {
	hs, err := blake3.NewKeyed(key[:])
	if err != nil { // only for a key that is not 32 bytes, impossible here
		panic(err)
	}
	return hs
}

func sum(hs *blake3.Hasher) Hash {
	var h Hash
	hs.Sum(h[:0])
	return h
}

// ChunkHash returns the hash of one decoded chunk: keyed with [DataKey].
func ChunkHash(chunk []byte) Hash { return KeyedHash(DataKey, chunk) }

// ChunkHasher hashes chunks with one reusable BLAKE3 state, avoiding an
// allocation per chunk on hot paths. It is not safe for concurrent use.
type ChunkHasher struct{ hs *blake3.Hasher }

// NewChunkHasher returns a ChunkHasher.
func NewChunkHasher() *ChunkHasher { return &ChunkHasher{hs: newKeyed(DataKey)} }

// Hash returns [ChunkHash](chunk).
func (c *ChunkHasher) Hash(chunk []byte) Hash {
	c.hs.Reset()
	c.hs.Write(chunk)
	return sum(c.hs)
}

// HMAC returns keyed_hash(key, raw bytes of h), the protected form of chunk
// hashes in global-dedup shards (spec §5.7).
func HMAC(h, key Hash) Hash { return KeyedHash(key, h[:]) }

// VerificationHash returns the term range hash of a run of chunk hashes:
// keyed with [VerificationKey] over their raw bytes concatenated (spec §5.6).
func VerificationHash(chunkHashes []Hash) Hash {
	hs := newKeyed(VerificationKey)
	for i := range chunkHashes {
		hs.Write(chunkHashes[i][:])
	}
	return sum(hs)
}

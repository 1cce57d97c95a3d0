package xet

import (
	"strconv"
)

// Leaf is one input of the merkle aggregation: a chunk hash and the decoded
// chunk length.
type Leaf struct {
	Hash Hash
	Size uint64
}

const (
	merkleMeanBranching = 4
	merkleMaxGroup      = 2*merkleMeanBranching + 1 // 9
)

// MerkleRoot aggregates leaves into their merkle root (spec §5.3): no leaves
// give the zero hash, one leaf gives its own hash, otherwise groups of 3–9
// nodes cut where a node's hash mod 4 is 0 are hashed level by level.
// It is the xorb hash of a xorb's chunks ([XorbHash]).
func MerkleRoot(leaves []Leaf) Hash {
	switch len(leaves) {
	case 0:
		return Hash{}
	case 1:
		return leaves[0].Hash
	}
	level := append([]Leaf(nil), leaves...)
	var text []byte
	for len(level) > 1 {
		next := level[:0:0]
		for rest := level; len(rest) > 0; {
			n := mergeCut(rest)
			var node Leaf
			text = text[:0]
			for _, c := range rest[:n] {
				text = appendNodeLine(text, c)
				node.Size += c.Size
			}
			node.Hash = KeyedHash(InternalNodeKey, text)
			next = append(next, node)
			rest = rest[n:]
		}
		level = next
	}
	return level[0].Hash
}

// mergeCut returns how many of the leading nodes form the next group.
func mergeCut(l []Leaf) int {
	m := len(l)
	if m <= 2 {
		return m
	}
	limit := min(m, merkleMaxGroup)
	for i := 2; i < limit; i++ {
		if l[i].Hash.Mod(merkleMeanBranching) == 0 {
			return i + 1
		}
	}
	return limit
}

func appendNodeLine(b []byte, l Leaf) []byte {
	b = append(b, l.Hash.String()...)
	b = append(b, " : "...)
	b = strconv.AppendUint(b, l.Size, 10)
	return append(b, '\n')
}

// XorbHash returns the hash of a xorb holding the given chunks, in chunk
// index order; it does not depend on compression (spec §5.4).
func XorbHash(chunks []Leaf) Hash { return MerkleRoot(chunks) }

// FileHash returns the Xet file hash (the file id) of a file made of the
// given chunks in file order (spec §5.5). An empty file hashes to zero.
func FileHash(chunks []Leaf) Hash { return FileHashWithSalt(chunks, Hash{}) }

// FileHashWithSalt is [FileHash] keyed with salt instead of the zero key.
func FileHashWithSalt(chunks []Leaf, salt Hash) Hash {
	if len(chunks) == 0 {
		return Hash{}
	}
	root := MerkleRoot(chunks)
	return KeyedHash(salt, root[:])
}

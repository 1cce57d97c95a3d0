package xet

import (
	"crypto/sha256"
	"io"
)

// Packer turns files into xorbs and reconstruction terms: it cuts the
// bytes into content-defined chunks, reuses chunks already stored (Known)
// or already packed for this file, packs the others into xorbs (handed to
// Flush when full or at the end of the file), and returns the file's terms
// and hashes. It is the shared ingest step of a CAS import and of an upload.
type Packer struct {
	// Compression is the scheme choice for new chunks.
	Compression Compression
	// Known, when set, says where an already-stored chunk lives.
	Known func(chunk Hash) (xorb Hash, index uint32, ok bool)
	// Flush receives every completed xorb (its Bytes, Chunks and Hash),
	// before Pack returns terms that reference it. It must not keep the
	// builder.
	Flush func(x *XorbBuilder) error

	b  *XorbBuilder
	cr *ChunkReader
	hs *ChunkHasher
}

// PackedFile is the result of [Packer.Pack].
type PackedFile struct {
	Hash   Hash     // Xet file hash (file id)
	Sha256 [32]byte // sha256 of the content
	Size   int64
	Terms  []Term
	Chunks int // chunks in the file's sequence
	// NewBytes is the raw size of the chunks packed into new xorbs (the
	// rest were deduplicated).
	NewBytes int64
}

type chunkRef struct {
	xorb    Hash
	pending bool // in the open builder; xorb unknown until flushed
	index   uint32
	size    uint32
}

// Pack reads r to the end and packs it.
func (p *Packer) Pack(r io.Reader) (*PackedFile, error) {
	if p.b == nil {
		p.b, p.cr, p.hs = NewXorbBuilder(p.Compression), NewChunkReader(nil), NewChunkHasher()
	}
	p.b.Reset()
	sum := sha256.New()
	p.cr.Reset(io.TeeReader(r, sum))
	out := &PackedFile{}
	var refs []chunkRef
	var leaves []Leaf
	local := map[Hash]uint32{} // chunk hash → index in the open builder
	flush := func() error {
		if p.b.Len() == 0 {
			return nil
		}
		h := p.b.Hash()
		if p.Flush != nil {
			if err := p.Flush(p.b); err != nil {
				return err
			}
		}
		for i := range refs {
			if refs[i].pending {
				refs[i].xorb, refs[i].pending = h, false
			}
		}
		p.b.Reset()
		clear(local)
		return nil
	}
	for {
		c, err := p.cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		h := p.hs.Hash(c)
		leaves = append(leaves, Leaf{Hash: h, Size: uint64(len(c))})
		out.Size += int64(len(c))
		ref := chunkRef{size: uint32(len(c))}
		if i, ok := local[h]; ok {
			ref.pending, ref.index = true, i
		} else if x, i, ok := p.known(h); ok {
			ref.xorb, ref.index = x, i
		} else {
			if !p.b.Fits(len(c)) {
				if err := flush(); err != nil {
					return nil, err
				}
			}
			i, err := p.b.AddHashed(c, h)
			if err != nil {
				return nil, err
			}
			local[h] = uint32(i)
			ref.pending, ref.index = true, uint32(i)
			out.NewBytes += int64(len(c))
		}
		refs = append(refs, ref)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	out.Terms = termsOf(refs)
	out.Chunks = len(refs)
	out.Hash = FileHash(leaves)
	copy(out.Sha256[:], sum.Sum(nil))
	return out, nil
}

func (p *Packer) known(h Hash) (Hash, uint32, bool) {
	if p.Known == nil {
		return Hash{}, 0, false
	}
	return p.Known(h)
}

// termsOf merges runs of consecutive chunks of one xorb into terms.
func termsOf(refs []chunkRef) []Term {
	var terms []Term
	for _, r := range refs {
		if n := len(terms); n > 0 {
			t := &terms[n-1]
			if t.Hash == r.xorb && t.Range.End == r.index && uint64(t.UnpackedLength)+uint64(r.size) <= 1<<32-1 {
				t.Range.End++
				t.UnpackedLength += r.size
				continue
			}
		}
		terms = append(terms, Term{Hash: r.xorb, UnpackedLength: r.size, Range: ChunkRange{Start: r.index, End: r.index + 1}})
	}
	return terms
}

// HashFile computes the Xet file hash of r without packing.
func HashFile(r io.Reader) (Hash, int64, error) {
	cr, hs := NewChunkReader(r), NewChunkHasher()
	var leaves []Leaf
	var n int64
	for {
		c, err := cr.Next()
		if err == io.EOF {
			return FileHash(leaves), n, nil
		}
		if err != nil {
			return Hash{}, n, err
		}
		leaves = append(leaves, Leaf{Hash: hs.Hash(c), Size: uint64(len(c))})
		n += int64(len(c))
	}
}

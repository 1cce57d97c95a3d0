package xet

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// Job says what one term needs from a fetch unit: the decoded bytes of
// chunks [Chunks.Start, Chunks.End), minus Skip leading bytes, Len bytes in
// all, written at output offset Out.
type Job struct {
	Term     int        // index of the term in the reconstruction
	Chunks   ChunkRange // the term's chunks
	Unpacked uint32     // the term's decoded length, checked while decoding
	Skip     uint64     // leading bytes of the term's output not written
	Len      int64      // bytes written
	Out      int64      // output offset of the first written byte
}

// Unit is one range to fetch from a xorb, and the jobs it feeds. A unit
// is fetched once however many terms use it.
type Unit struct {
	Xorb  Hash
	URL   string
	Range FetchRange
	Jobs  []Job
}

// Size returns the serialized bytes the unit fetches.
func (u *Unit) Size() int64 { return int64(u.Range.Bytes.Len()) }

type unitKey struct {
	xorb  Hash
	start uint32
}

// ErrBadReconstruction reports a reconstruction answer that does not
// describe the file (missing descriptors, too few bytes, bad sizes).
var ErrBadReconstruction = errors.New("xet: inconsistent reconstruction answer")

// Plan turns a reconstruction answer for the file bytes starting at out
// into fetch units (spec §3.7 step 4). length is the number of bytes the
// answer must produce (the requested range, clipped to the file).
func Plan(rec *Reconstruction, out, length int64) ([]*Unit, error) {
	units := map[unitKey]*Unit{}
	var order []*Unit
	pos, end := out, out+length
	for i, t := range rec.Terms {
		if pos >= end {
			break
		}
		if t.Range.Start >= t.Range.End {
			return nil, fmt.Errorf("%w: term %d has empty chunk range [%d,%d)", ErrBadReconstruction, i, t.Range.Start, t.Range.End)
		}
		if uint64(t.Range.Len())*MaxChunkSize < uint64(t.UnpackedLength) {
			return nil, fmt.Errorf("%w: term %d: %d bytes in %d chunks", ErrBadReconstruction, i, t.UnpackedLength, t.Range.Len())
		}
		skip := uint64(0)
		if i == 0 {
			skip = rec.OffsetIntoFirstRange
		}
		if skip >= uint64(t.UnpackedLength) {
			return nil, fmt.Errorf("%w: offset %d not inside the first term (%d bytes)", ErrBadReconstruction, skip, t.UnpackedLength)
		}
		n := min(int64(uint64(t.UnpackedLength)-skip), end-pos)
		var found *FetchEntry
		var fr FetchRange
	search:
		for ei := range rec.Xorbs[t.Hash] {
			e := &rec.Xorbs[t.Hash][ei]
			for _, d := range e.Ranges {
				if d.Chunks.Contains(t.Range) {
					found, fr = e, d
					break search
				}
			}
		}
		if found == nil {
			return nil, fmt.Errorf("%w: no fetch range of xorb %v covers term %d chunks [%d,%d)", ErrBadReconstruction, t.Hash, i, t.Range.Start, t.Range.End)
		}
		if fr.Bytes.End < fr.Bytes.Start || fr.Chunks.Start >= fr.Chunks.End {
			return nil, fmt.Errorf("%w: bad fetch range %+v", ErrBadReconstruction, fr)
		}
		key := unitKey{t.Hash, fr.Chunks.Start}
		u := units[key]
		if u == nil {
			u = &Unit{Xorb: t.Hash, URL: found.URL, Range: fr}
			units[key] = u
			order = append(order, u)
		}
		u.Jobs = append(u.Jobs, Job{Term: i, Chunks: t.Range, Unpacked: t.UnpackedLength, Skip: skip, Len: n, Out: pos})
		pos += n
	}
	if pos < end {
		return nil, fmt.Errorf("%w: terms give %d of %d bytes", ErrBadReconstruction, pos-out, length)
	}
	return order, nil
}

// ChunkSink receives every decoded chunk a unit writes, with its offset in
// the file (the start of the term's output, plus the chunk's position in
// it), e.g. to compute the file hash with a [FileHasher].
type ChunkSink interface {
	Chunk(fileOffset int64, h Hash, size int)
}

// FileHasher collects chunk hashes by file offset, from units decoded in
// any order (a chunk seen twice counts once), and computes the file hash.
// It is safe for concurrent use. Memory: about 48 bytes per chunk.
type FileHasher struct {
	mu     sync.Mutex
	leaves map[int64]Leaf
}

// Chunk implements [ChunkSink].
func (f *FileHasher) Chunk(off int64, h Hash, size int) {
	f.mu.Lock()
	if f.leaves == nil {
		f.leaves = map[int64]Leaf{}
	}
	f.leaves[off] = Leaf{Hash: h, Size: uint64(size)}
	f.mu.Unlock()
}

// Hash returns the file hash of a file of size bytes, or an error when the
// chunks seen do not tile [0, size) exactly.
func (f *FileHasher) Hash(size int64) (Hash, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	offs := make([]int64, 0, len(f.leaves))
	for o := range f.leaves {
		offs = append(offs, o)
	}
	slices.Sort(offs)
	leaves := make([]Leaf, 0, len(offs))
	var pos int64
	for _, o := range offs {
		if o != pos {
			return Hash{}, fmt.Errorf("%w: chunks do not tile the file at byte %d (next chunk at %d)", ErrBadReconstruction, pos, o)
		}
		l := f.leaves[o]
		leaves = append(leaves, l)
		pos += int64(l.Size)
	}
	if pos != size {
		return Hash{}, fmt.Errorf("%w: chunks cover %d of %d bytes", ErrBadReconstruction, pos, size)
	}
	return FileHash(leaves), nil
}

// UnitDecoder decodes fetched units; it holds one chunk buffer and reusable
// decoding state (about 400 KiB). Not safe for concurrent use.
type UnitDecoder struct {
	x   *XorbReader
	hs  *ChunkHasher
	buf []byte
}

// NewUnitDecoder returns a UnitDecoder.
func NewUnitDecoder() *UnitDecoder {
	return &UnitDecoder{x: NewXorbReader(nil), hs: NewChunkHasher(), buf: make([]byte, MaxChunkSize)}
}

// Decode reads the serialized chunks of u from r, one at a time, and
// writes each job's bytes to w at their output offsets, minus base (so a
// caller writing into a buffer that starts at the range start passes the
// range start). sink, when non-nil, receives every chunk a job uses, with
// its file offset and hash. The stream must hold exactly the unit's
// chunks; each job's chunks must decode to its term's length.
func (d *UnitDecoder) Decode(r io.Reader, u *Unit, w io.WriterAt, base int64, sink ChunkSink) error {
	d.x.Reset(r)
	termPos := make([]uint64, len(u.Jobs)) // decoded bytes of each job's term seen so far
	for c := u.Range.Chunks.Start; c < u.Range.Chunks.End; c++ {
		chunk, err := d.x.Next(d.buf)
		if err == io.EOF {
			return &FormatError{Chunk: int(c - u.Range.Chunks.Start), Offset: d.x.Offset(), Err: ErrChunkCount,
				Detail: fmt.Sprintf("xorb range ended after %d of %d chunks", c-u.Range.Chunks.Start, u.Range.Chunks.Len())}
		}
		if err != nil {
			return err
		}
		var h Hash
		hashed := false
		for ji := range u.Jobs {
			j := &u.Jobs[ji]
			if c < j.Chunks.Start || c >= j.Chunks.End {
				continue
			}
			p0 := termPos[ji]
			if sink != nil {
				if !hashed {
					h, hashed = d.hs.Hash(chunk), true
				}
				sink.Chunk(j.Out-int64(j.Skip)+int64(p0), h, len(chunk))
			}
			termPos[ji] += uint64(len(chunk))
			lo := max(p0, j.Skip)
			hi := min(termPos[ji], j.Skip+uint64(j.Len))
			if lo < hi {
				if _, err := w.WriteAt(chunk[lo-p0:hi-p0], j.Out+int64(lo-j.Skip)-base); err != nil {
					return err
				}
			}
			if c == j.Chunks.End-1 && termPos[ji] != uint64(j.Unpacked) {
				return fmt.Errorf("%w: term %d decodes to %d bytes, answer says %d", ErrBadReconstruction, j.Term, termPos[ji], j.Unpacked)
			}
		}
	}
	if _, err := d.x.Next(d.buf); err != io.EOF {
		if err == nil {
			return &FormatError{Chunk: u.Range.Chunks.Len(), Offset: d.x.Offset(), Err: ErrChunkCount, Detail: "more chunks than the range lists"}
		}
		return err
	}
	return nil
}

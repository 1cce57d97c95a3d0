package xet

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
)

// memCAS is an in-memory xorb store fed by a Packer.
type memCAS struct {
	xorbs  map[Hash][]byte
	chunks map[Hash][]ChunkInfo
	where  map[Hash][2]any
	stored int64
}

func newMemCAS() *memCAS {
	return &memCAS{xorbs: map[Hash][]byte{}, chunks: map[Hash][]ChunkInfo{}, where: map[Hash][2]any{}}
}

func (m *memCAS) packer(mode Compression) *Packer {
	return &Packer{
		Compression: mode,
		Known: func(h Hash) (Hash, uint32, bool) {
			w, ok := m.where[h]
			if !ok {
				return Hash{}, 0, false
			}
			return w[0].(Hash), w[1].(uint32), true
		},
		Flush: func(x *XorbBuilder) error {
			h := x.Hash()
			m.xorbs[h] = append([]byte(nil), x.Bytes()...)
			m.chunks[h] = append([]ChunkInfo(nil), x.Chunks()...)
			for i, c := range x.Chunks() {
				m.where[c.Hash] = [2]any{h, uint32(i)}
			}
			m.stored += int64(x.RawSize())
			return nil
		},
	}
}

func (m *memCAS) table(h Hash) ([]ChunkInfo, error) {
	c, ok := m.chunks[h]
	if !ok {
		return nil, fmt.Errorf("no xorb %v", h)
	}
	return c, nil
}

type sliceWriter []byte

func (s sliceWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || int(off)+len(p) > len(s) {
		return 0, fmt.Errorf("write [%d,%d) outside %d", off, int(off)+len(p), len(s))
	}
	return copy(s[off:], p), nil
}

// fetchAll reconstructs [start,end] through Reconstruct, Plan and Decode.
func (m *memCAS) fetchAll(t *testing.T, terms []Term, size, start, end uint64, opt ReconstructOptions) ([]byte, *FileHasher) {
	t.Helper()
	rec, err := Reconstruct(terms, m.table, start, end, opt)
	if err != nil {
		t.Fatalf("[%d,%d]: %v", start, end, err)
	}
	end = min(end, size-1)
	fh := &FileHasher{}
	units, err := Plan(rec, int64(start), int64(end-start+1))
	if err != nil {
		t.Fatalf("plan [%d,%d]: %v", start, end, err)
	}
	out := make(sliceWriter, end-start+1)
	d := NewUnitDecoder()
	for _, u := range units {
		x := m.xorbs[u.Xorb]
		body := x[u.Range.Bytes.Start : u.Range.Bytes.End+1]
		if err := d.Decode(bytes.NewReader(body), u, out, int64(start), fh); err != nil {
			t.Fatalf("decode [%d,%d]: %v", start, end, err)
		}
	}
	return out, fh
}

func TestPackReconstructRoundTrip(t *testing.T) {
	base := splitmix64(7, 900_000)
	text := bytes.Repeat([]byte("tensor weights tensor weights "), 20000) // compressible
	fileA := append(append(append([]byte(nil), base...), text...), base[:300_000]...)
	for _, mode := range []Compression{CompressBest, CompressNone, CompressLZ4, CompressBG4} {
		cas := newMemCAS()
		p := cas.packer(mode)
		pa, err := p.Pack(bytes.NewReader(fileA))
		if err != nil {
			t.Fatal(err)
		}
		if s := sha256.Sum256(fileA); pa.Sha256 != s || pa.Size != int64(len(fileA)) {
			t.Fatal("sha256/size")
		}
		if h, n, _ := HashFile(bytes.NewReader(fileA)); h != pa.Hash || n != pa.Size {
			t.Fatal("HashFile differs from Pack")
		}
		if pa.NewBytes >= int64(len(fileA)) {
			t.Errorf("repeated section not deduplicated: %d new of %d", pa.NewBytes, len(fileA))
		}
		size := uint64(len(fileA))
		got, fh := cas.fetchAll(t, pa.Terms, size, 0, ^uint64(0), ReconstructOptions{})
		if !bytes.Equal(got, fileA) {
			t.Fatalf("mode %d: whole file differs", mode)
		}
		if h, err := fh.Hash(int64(size)); err != nil || h != pa.Hash {
			t.Fatalf("mode %d: file hash from decoded chunks differs: %v", mode, err)
		}
		// The same from segments answered separately (chunks at the seams seen twice).
		seg := &FileHasher{}
		for a := uint64(0); a < size; a += 333_333 {
			_, part := cas.fetchAll(t, pa.Terms, size, a, a+333_332, ReconstructOptions{TermLevel: mode == CompressNone})
			for o, l := range part.leaves {
				seg.Chunk(o, l.Hash, int(l.Size))
			}
		}
		if h, err := seg.Hash(int64(size)); err != nil || h != pa.Hash {
			t.Fatalf("mode %d: file hash from segments: %v", mode, err)
		}
		if mode != CompressBest {
			continue // the range grid below does not depend on compression
		}
		// Ranges at chunk boundaries ±1, the last byte, single bytes.
		ends := Boundaries(fileA)
		points := []uint64{0, 1, size - 1, size - 2}
		for _, e := range ends[:4] {
			points = append(points, uint64(e)-1, uint64(e), uint64(e)+1)
		}
		for _, termLevel := range []bool{false, true} {
			for _, a := range points {
				for _, b := range []uint64{a, a + 70_000, size + 100} {
					if b < a || a >= size {
						continue
					}
					got, _ := cas.fetchAll(t, pa.Terms, size, a, b, ReconstructOptions{TermLevel: termLevel})
					if want := fileA[a:min(b+1, size)]; !bytes.Equal(got, want) {
						t.Fatalf("mode %d termLevel %v [%d,%d]: differs", mode, termLevel, a, b)
					}
				}
			}
		}
		if _, err := Reconstruct(pa.Terms, cas.table, size, size+5, ReconstructOptions{}); !errors.Is(err, ErrRangeNotSatisfiable) {
			t.Errorf("start = size: %v", err)
		}
	}
}

func TestPackUpdateDedup(t *testing.T) {
	cas := newMemCAS()
	p := cas.packer(CompressBest)
	v1 := splitmix64(9, 8_000_000)
	if _, err := p.Pack(bytes.NewReader(v1)); err != nil {
		t.Fatal(err)
	}
	before := cas.stored
	v2 := append([]byte(nil), v1...)
	copy(v2[3_000_000:], splitmix64(10, 400_000)) // 5% changed
	pb, err := p.Pack(bytes.NewReader(v2))
	if err != nil {
		t.Fatal(err)
	}
	if added := cas.stored - before; added > int64(len(v2))/10 || added != pb.NewBytes {
		t.Errorf("update of 5%% stored %d new bytes of %d", added, len(v2))
	}
	got, _ := cas.fetchAll(t, pb.Terms, uint64(len(v2)), 0, ^uint64(0), ReconstructOptions{})
	if !bytes.Equal(got, v2) {
		t.Fatal("v2 differs")
	}
}

func TestReconstructEmptyAndErrors(t *testing.T) {
	cas := newMemCAS()
	p := cas.packer(CompressBest)
	pe, err := p.Pack(bytes.NewReader(nil))
	if err != nil || !pe.Hash.IsZero() || len(pe.Terms) != 0 {
		t.Fatalf("empty: %+v %v", pe, err)
	}
	rec, err := Reconstruct(nil, cas.table, 0, ^uint64(0), ReconstructOptions{})
	if err != nil || len(rec.Terms) != 0 {
		t.Fatalf("empty reconstruct: %v", err)
	}
	if _, err := Reconstruct(nil, cas.table, 1, 5, ReconstructOptions{}); !errors.Is(err, ErrRangeNotSatisfiable) {
		t.Errorf("empty from 1: %v", err)
	}
	data := splitmix64(1, 300_000)
	pf, _ := p.Pack(bytes.NewReader(data))
	rec, _ = Reconstruct(pf.Terms, cas.table, 0, ^uint64(0), ReconstructOptions{})
	// A term without a covering descriptor, and too few bytes.
	bad := *rec
	bad.Xorbs = map[Hash][]FetchEntry{}
	if _, err := Plan(&bad, 0, int64(len(data))); !errors.Is(err, ErrBadReconstruction) {
		t.Errorf("missing descriptor: %v", err)
	}
	if _, err := Plan(rec, 0, int64(len(data))+1); !errors.Is(err, ErrBadReconstruction) {
		t.Errorf("short answer: %v", err)
	}
	// Wrong unpacked_length is caught while decoding.
	rec.Terms[0].UnpackedLength--
	units, err := Plan(rec, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	u := units[0]
	x := cas.xorbs[u.Xorb][u.Range.Bytes.Start : u.Range.Bytes.End+1]
	if err := NewUnitDecoder().Decode(bytes.NewReader(x), u, make(sliceWriter, 10), 0, nil); !errors.Is(err, ErrBadReconstruction) {
		t.Errorf("wrong unpacked_length: %v", err)
	}
	// Truncated body and extra chunks.
	rec.Terms[0].UnpackedLength++
	units, _ = Plan(rec, 0, 10)
	u = units[0]
	x = cas.xorbs[u.Xorb][u.Range.Bytes.Start : u.Range.Bytes.End+1]
	if err := NewUnitDecoder().Decode(bytes.NewReader(x[:len(x)-1]), u, make(sliceWriter, 10), 0, nil); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated: %v", err)
	}
	u.Range.Chunks.End--
	u.Jobs = nil
	if err := NewUnitDecoder().Decode(bytes.NewReader(x), u, make(sliceWriter, 10), 0, nil); !errors.Is(err, ErrChunkCount) {
		t.Errorf("extra chunk: %v", err)
	}
}

func TestV1V2Conversion(t *testing.T) {
	h := ChunkHash([]byte("x"))
	v1 := &ReconstructionV1{Terms: []Term{{Hash: h, UnpackedLength: 5, Range: ChunkRange{0, 2}}},
		FetchInfo: map[Hash][]FetchInfo{h: {{Range: ChunkRange{0, 2}, URL: "u", URLRange: ByteRange{0, 20}}}}}
	v2 := v1.V2()
	if e := v2.Xorbs[h]; len(e) != 1 || e[0].URL != "u" || e[0].Ranges[0].Bytes.End != 20 {
		t.Fatalf("%+v", v2)
	}
	back := v2.V1(nil)
	if back.FetchInfo[h][0] != v1.FetchInfo[h][0] {
		t.Fatalf("%+v", back)
	}
}

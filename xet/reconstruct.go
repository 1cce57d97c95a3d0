package xet

import (
	"errors"
	"fmt"
	"sort"
)

// ChunkRange is a range of chunk indices [Start, End) within a xorb.
type ChunkRange struct {
	Start uint32 `json:"start"`
	End   uint32 `json:"end"`
}

// Len returns the number of chunks.
func (r ChunkRange) Len() int { return int(r.End) - int(r.Start) }

// Contains reports whether o lies inside r.
func (r ChunkRange) Contains(o ChunkRange) bool { return r.Start <= o.Start && o.End <= r.End }

// ByteRange is an inclusive byte range [Start, End], as in HTTP Range.
type ByteRange struct {
	Start uint64 `json:"start"`
	End   uint64 `json:"end"`
}

// Len returns the number of bytes.
func (r ByteRange) Len() uint64 { return r.End - r.Start + 1 }

// Term is one piece of a file reconstruction: chunks of one xorb.
type Term struct {
	Hash           Hash       `json:"hash"` // xorb hash
	UnpackedLength uint32     `json:"unpacked_length"`
	Range          ChunkRange `json:"range"`
}

// FetchRange says where chunks lie in a serialized xorb.
type FetchRange struct {
	Chunks ChunkRange `json:"chunks"`
	Bytes  ByteRange  `json:"bytes"`
}

// FetchEntry is one presigned URL and the ranges it may fetch.
type FetchEntry struct {
	URL    string       `json:"url"`
	Ranges []FetchRange `json:"ranges"`
}

// Reconstruction is the answer of GET /v2/reconstructions/{file id}.
type Reconstruction struct {
	OffsetIntoFirstRange uint64                `json:"offset_into_first_range"`
	Terms                []Term                `json:"terms"`
	Xorbs                map[Hash][]FetchEntry `json:"xorbs"`
}

// ReconstructionV1 is the answer of the deprecated GET /v1/reconstructions/{file id}.
type ReconstructionV1 struct {
	OffsetIntoFirstRange uint64               `json:"offset_into_first_range"`
	Terms                []Term               `json:"terms"`
	FetchInfo            map[Hash][]FetchInfo `json:"fetch_info"`
}

// FetchInfo is one v1 fetch item: a chunk range and its own URL.
type FetchInfo struct {
	Range    ChunkRange `json:"range"`
	URL      string     `json:"url"`
	URLRange ByteRange  `json:"url_range"`
}

// V2 converts a v1 answer to the v2 shape: one entry per fetch item.
func (v *ReconstructionV1) V2() *Reconstruction {
	r := &Reconstruction{OffsetIntoFirstRange: v.OffsetIntoFirstRange, Terms: v.Terms, Xorbs: make(map[Hash][]FetchEntry, len(v.FetchInfo))}
	for h, items := range v.FetchInfo {
		for _, it := range items {
			r.Xorbs[h] = append(r.Xorbs[h], FetchEntry{URL: it.URL, Ranges: []FetchRange{{Chunks: it.Range, Bytes: it.URLRange}}})
		}
	}
	return r
}

// V1 converts a v2 answer to the v1 shape, each range with its entry's URL
// (a server signing per range passes sign to mint one URL per range; nil
// keeps the entry's URL).
func (r *Reconstruction) V1(sign func(Hash, FetchRange) string) *ReconstructionV1 {
	v := &ReconstructionV1{OffsetIntoFirstRange: r.OffsetIntoFirstRange, Terms: r.Terms, FetchInfo: make(map[Hash][]FetchInfo, len(r.Xorbs))}
	for h, entries := range r.Xorbs {
		for _, e := range entries {
			for _, fr := range e.Ranges {
				u := e.URL
				if sign != nil {
					u = sign(h, fr)
				}
				v.FetchInfo[h] = append(v.FetchInfo[h], FetchInfo{Range: fr.Chunks, URL: u, URLRange: fr.Bytes})
			}
		}
	}
	return v
}

// ErrRangeNotSatisfiable is returned by [Reconstruct] for a range starting
// at or past the end of the file (HTTP 416).
var ErrRangeNotSatisfiable = errors.New("xet: range start is past the end of the file")

// ReconstructOptions tunes [Reconstruct].
type ReconstructOptions struct {
	// TermLevel keeps whole terms at both ends instead of trimming them to
	// the chunks the range touches, as the production CAS sometimes does;
	// then OffsetIntoFirstRange may span several chunks.
	TermLevel bool
}

// Reconstruct computes the reconstruction of bytes [start, end] (inclusive,
// end clamped to the file) of a file made of terms, as the reference CAS
// does (spec §3.5): terms outside the range dropped, the first and last
// kept terms trimmed to chunk granularity, per-xorb chunk ranges merged.
// chunks returns the chunk table of a xorb. The answer has one FetchEntry
// per xorb with an empty URL, for the caller to sign. Pass end = ^uint64(0)
// for "to the end". A start at or past the size gives
// ErrRangeNotSatisfiable, except that an empty file asked from 0 gives an
// empty answer.
func Reconstruct(terms []Term, chunks func(Hash) ([]ChunkInfo, error), start, end uint64, opt ReconstructOptions) (*Reconstruction, error) {
	var size uint64
	for _, t := range terms {
		size += uint64(t.UnpackedLength)
	}
	out := &Reconstruction{Terms: []Term{}, Xorbs: map[Hash][]FetchEntry{}}
	if size == 0 && start == 0 {
		return out, nil
	}
	if start >= size {
		return nil, ErrRangeNotSatisfiable
	}
	end = min(end, size-1)
	type kept struct {
		t    Term
		info []ChunkInfo
	}
	var pos uint64 // file offset of the current term
	var ks []kept
	for _, t := range terms {
		tEnd := pos + uint64(t.UnpackedLength) // exclusive
		if tEnd <= start || pos > end {
			pos = tEnd
			continue
		}
		info, err := chunks(t.Hash)
		if err != nil {
			return nil, err
		}
		if int(t.Range.End) > len(info) || t.Range.Start >= t.Range.End {
			return nil, fmt.Errorf("xet: term %v chunks [%d,%d) outside xorb of %d chunks", t.Hash, t.Range.Start, t.Range.End, len(info))
		}
		if len(ks) == 0 { // first kept term: drop chunks ending at or before start
			cpos := pos
			if !opt.TermLevel {
				for t.Range.Start < t.Range.End-1 && cpos+uint64(info[t.Range.Start].Size) <= start {
					cpos += uint64(info[t.Range.Start].Size)
					t.UnpackedLength -= info[t.Range.Start].Size
					t.Range.Start++
				}
			}
			out.OffsetIntoFirstRange = start - cpos
			pos = cpos
		}
		if tEnd-1 > end && !opt.TermLevel { // last kept term: drop chunks starting after end
			cend := pos + uint64(t.UnpackedLength) // exclusive end of the (possibly trimmed) term
			for t.Range.End-1 > t.Range.Start && cend-uint64(info[t.Range.End-1].Size) > end {
				cend -= uint64(info[t.Range.End-1].Size)
				t.UnpackedLength -= info[t.Range.End-1].Size
				t.Range.End--
			}
		}
		ks = append(ks, kept{t, info})
		out.Terms = append(out.Terms, t)
		pos = tEnd
	}
	byXorb := map[Hash][]ChunkRange{}
	infos := map[Hash][]ChunkInfo{}
	for _, k := range ks {
		byXorb[k.t.Hash] = append(byXorb[k.t.Hash], k.t.Range)
		infos[k.t.Hash] = k.info
	}
	for h, rs := range byXorb {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start < rs[j].Start })
		merged := []ChunkRange{rs[0]}
		for _, r := range rs[1:] {
			cur := &merged[len(merged)-1]
			if r.Start <= cur.End {
				cur.End = max(cur.End, r.End)
			} else {
				merged = append(merged, r)
			}
		}
		info := infos[h]
		e := FetchEntry{}
		for _, m := range merged {
			e.Ranges = append(e.Ranges, FetchRange{Chunks: m, Bytes: ByteRange{Start: uint64(info[m.Start].Start), End: uint64(info[m.End-1].End) - 1}})
		}
		out.Xorbs[h] = []FetchEntry{e}
	}
	return out, nil
}

package xet

import "fmt"

// Compression selects how [XorbBuilder] stores chunks.
type Compression int

const (
	// CompressBest stores each chunk under the scheme that gives the
	// smallest payload (raw when compression saves nothing).
	CompressBest Compression = iota
	// CompressNone stores every chunk raw.
	CompressNone
	// CompressLZ4 stores every chunk as an LZ4 frame.
	CompressLZ4
	// CompressBG4 stores every chunk byte-grouped then LZ4-framed.
	CompressBG4
)

// XorbBuilder packs chunks into one serialized xorb (chunks only, no
// footer — what uploads send) and computes its hash. Reuse it with Reset.
type XorbBuilder struct {
	enc    *Encoder
	mode   Compression
	data   []byte
	chunks []ChunkInfo
	raw    int
}

// NewXorbBuilder returns a builder using the given compression mode.
func NewXorbBuilder(mode Compression) *XorbBuilder {
	return &XorbBuilder{enc: NewEncoder(), mode: mode}
}

// Fits reports whether a chunk of n decoded bytes can still be added
// without passing the xorb limits (8 192 chunks, 64 MiB raw).
func (b *XorbBuilder) Fits(n int) bool {
	return len(b.chunks) < MaxXorbChunks && b.raw+n <= MaxXorbBytes
}

// Add appends one chunk and returns its index in the xorb. It fails when
// the chunk does not fit ([XorbBuilder.Fits]) or is over [MaxChunkSize].
func (b *XorbBuilder) Add(chunk []byte) (int, error) {
	return b.AddHashed(chunk, ChunkHash(chunk))
}

// AddHashed is [XorbBuilder.Add] for a chunk whose hash the caller has
// already computed.
func (b *XorbBuilder) AddHashed(chunk []byte, h Hash) (int, error) {
	if !b.Fits(len(chunk)) {
		return 0, fmt.Errorf("xet: xorb full (%d chunks, %d bytes)", len(b.chunks), b.raw)
	}
	start := len(b.data)
	var err error
	switch b.mode {
	case CompressNone:
		b.data, err = b.enc.AppendChunk(b.data, chunk, SchemeNone)
	case CompressLZ4:
		b.data, err = b.enc.AppendChunk(b.data, chunk, SchemeLZ4)
	case CompressBG4:
		b.data, err = b.enc.AppendChunk(b.data, chunk, SchemeBG4LZ4)
	default:
		b.data, _, err = b.enc.AppendBest(b.data, chunk)
	}
	if err != nil {
		b.data = b.data[:start]
		return 0, err
	}
	b.chunks = append(b.chunks, ChunkInfo{Hash: h, Size: uint32(len(chunk)), Start: uint32(start), End: uint32(len(b.data))})
	b.raw += len(chunk)
	return len(b.chunks) - 1, nil
}

// Len returns the number of chunks added.
func (b *XorbBuilder) Len() int { return len(b.chunks) }

// RawSize returns the decoded bytes added.
func (b *XorbBuilder) RawSize() int { return b.raw }

// Bytes returns the serialized xorb; it stays valid until the next Add or Reset.
func (b *XorbBuilder) Bytes() []byte { return b.data }

// Chunks returns the chunk descriptions, in index order.
func (b *XorbBuilder) Chunks() []ChunkInfo { return b.chunks }

// Hash returns the xorb hash of the chunks added.
func (b *XorbBuilder) Hash() Hash { return XorbHash(Leaves(b.chunks)) }

// Reset empties the builder, keeping its buffers.
func (b *XorbBuilder) Reset() {
	b.data, b.chunks, b.raw = b.data[:0], b.chunks[:0], 0
}

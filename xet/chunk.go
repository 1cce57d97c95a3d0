package xet

import (
	"bytes"
	"fmt"
	"io"

	"github.com/pierrec/lz4/v4"
)

// Protocol limits (spec Appendix A).
const (
	TargetChunkSize = 64 << 10  // 65 536
	MinChunkSize    = 8 << 10   // 8 192
	MaxChunkSize    = 128 << 10 // 131 072: largest decoded chunk
	// MaxCompressedChunkSize is the largest payload a header may announce.
	MaxCompressedChunkSize = 2 * MaxChunkSize
	// ChunkHeaderSize is the size of the header before every chunk payload.
	ChunkHeaderSize = 8
	// MaxXorbChunks and MaxXorbBytes bound one xorb (chunks, raw bytes).
	MaxXorbChunks = 8192
	MaxXorbBytes  = 64 << 20
)

// Scheme is a chunk compression scheme.
type Scheme uint8

// The compression schemes of the chunk header.
const (
	SchemeNone   Scheme = 0 // raw bytes
	SchemeLZ4    Scheme = 1 // one LZ4 frame
	SchemeBG4LZ4 Scheme = 2 // byte grouping by 4, then one LZ4 frame
)

func (s Scheme) String() string {
	switch s {
	case SchemeNone:
		return "none"
	case SchemeLZ4:
		return "lz4"
	case SchemeBG4LZ4:
		return "bg4-lz4"
	}
	return fmt.Sprintf("scheme(%d)", uint8(s))
}

// ChunkHeader is the 8-byte header before each chunk payload in a xorb.
type ChunkHeader struct {
	Version          uint8
	CompressedSize   uint32 // payload length after the header (u24)
	Scheme           Scheme
	UncompressedSize uint32 // decoded length (u24)
}

// footerIdent starts a xorb footer where a chunk header would be.
var footerIdent = []byte("XETBLOB")

// decodeHeader reads the fields without validating them.
func decodeHeader(b []byte) ChunkHeader {
	return ChunkHeader{
		Version:          b[0],
		CompressedSize:   uint32(b[1]) | uint32(b[2])<<8 | uint32(b[3])<<16,
		Scheme:           Scheme(b[4]),
		UncompressedSize: uint32(b[5]) | uint32(b[6])<<8 | uint32(b[7])<<16,
	}
}

// ParseChunkHeader decodes and validates a chunk header (spec §4.2).
// It returns a *FormatError (chunk 0, offset 0) on malformed input; callers
// that know the position use [XorbReader] instead.
func ParseChunkHeader(b []byte) (ChunkHeader, error) {
	if len(b) < ChunkHeaderSize {
		return ChunkHeader{}, &FormatError{Err: ErrTruncated, Detail: fmt.Sprintf("header has %d of 8 bytes", len(b))}
	}
	h := decodeHeader(b)
	if err := h.validate(); err != nil {
		return ChunkHeader{}, &FormatError{Err: err.Err, Detail: err.Detail}
	}
	return h, nil
}

func (h ChunkHeader) validate() *FormatError {
	switch {
	case h.Version != 0:
		return &FormatError{Err: ErrBadVersion, Detail: fmt.Sprintf("version %d", h.Version)}
	case h.Scheme > SchemeBG4LZ4:
		return &FormatError{Err: ErrUnknownScheme, Detail: fmt.Sprintf("scheme %d", uint8(h.Scheme))}
	case h.UncompressedSize > MaxChunkSize:
		return &FormatError{Err: ErrChunkTooLarge, Detail: fmt.Sprintf("decoded size %d over %d", h.UncompressedSize, MaxChunkSize)}
	case h.CompressedSize > MaxCompressedChunkSize:
		return &FormatError{Err: ErrChunkTooLarge, Detail: fmt.Sprintf("payload size %d over %d", h.CompressedSize, MaxCompressedChunkSize)}
	case h.Scheme == SchemeNone && h.CompressedSize != h.UncompressedSize:
		return &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("uncompressed chunk with payload %d != size %d", h.CompressedSize, h.UncompressedSize)}
	}
	return nil
}

// AppendHeader appends the 8-byte encoding of h.
func (h ChunkHeader) AppendHeader(dst []byte) []byte {
	c, u := h.CompressedSize, h.UncompressedSize
	return append(dst, h.Version, byte(c), byte(c>>8), byte(c>>16), byte(h.Scheme), byte(u), byte(u>>8), byte(u>>16))
}

// Decoder decodes chunk payloads, reusing its LZ4 state and scratch
// buffer between calls. The zero value is not usable; call [NewDecoder].
// A Decoder is not safe for concurrent use.
type Decoder struct {
	src     bytes.Reader
	lz      *lz4.Reader
	scratch []byte
}

// NewDecoder returns a Decoder.
func NewDecoder() *Decoder { return &Decoder{lz: lz4.NewReader(nil)} }

// Decode decodes payload (whose header is h, already validated) into dst,
// which is grown if its capacity is below h.UncompressedSize, and returns
// the decoded chunk. Errors are *FormatError with chunk/offset left zero.
func (d *Decoder) Decode(h ChunkHeader, payload []byte, dst []byte) ([]byte, error) {
	if uint32(len(payload)) != h.CompressedSize {
		return nil, &FormatError{Err: ErrTruncated, Detail: fmt.Sprintf("payload has %d of %d bytes", len(payload), h.CompressedSize)}
	}
	n := int(h.UncompressedSize)
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	switch h.Scheme {
	case SchemeNone:
		copy(dst, payload)
		return dst, nil
	case SchemeLZ4:
		return dst, d.lz4(payload, dst)
	case SchemeBG4LZ4:
		if cap(d.scratch) < n {
			d.scratch = make([]byte, MaxChunkSize)
		}
		g := d.scratch[:n]
		if err := d.lz4(payload, g); err != nil {
			return nil, err
		}
		BG4Regroup(dst, g)
		return dst, nil
	}
	return nil, &FormatError{Err: ErrUnknownScheme, Detail: fmt.Sprintf("scheme %d", uint8(h.Scheme))}
}

func (d *Decoder) lz4(payload, dst []byte) (err error) {
	defer func() { // pierrec/lz4 is robust, but a decoder of hostile bytes must never take the process down
		if r := recover(); r != nil {
			err = &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("lz4: %v", r)}
		}
	}()
	d.src.Reset(payload)
	d.lz.Reset(&d.src)
	if _, err := io.ReadFull(d.lz, dst); err != nil {
		return &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("lz4 frame decodes to fewer than %d bytes: %v", len(dst), err)}
	}
	var one [1]byte
	if n, err := d.lz.Read(one[:]); n != 0 || err != io.EOF {
		if n != 0 {
			return &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("lz4 frame decodes to more than %d bytes", len(dst))}
		}
		return &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("lz4 frame: %v", err)}
	}
	if d.src.Len() != 0 {
		return &FormatError{Err: ErrCorrupt, Detail: fmt.Sprintf("%d bytes after the lz4 frame", d.src.Len())}
	}
	return nil
}

// bg4Sizes returns the lengths of the four byte groups of n bytes.
func bg4Sizes(n int) [4]int {
	q, r := n/4, n%4
	var s [4]int
	for k := range s {
		s[k] = q
		if k < r {
			s[k]++
		}
	}
	return s
}

// BG4Split writes the byte-grouped form of src into dst (same length): all
// bytes at positions ≡ 0 mod 4, then ≡ 1, ≡ 2, ≡ 3.
func BG4Split(dst, src []byte) {
	pos := 0
	for k, size := range bg4Sizes(len(src)) {
		for j := 0; j < size; j++ {
			dst[pos+j] = src[4*j+k]
		}
		pos += size
	}
}

// BG4Regroup is the inverse of [BG4Split]: it interleaves the four groups
// of src back into dst (same length).
func BG4Regroup(dst, src []byte) {
	pos := 0
	for k, size := range bg4Sizes(len(src)) {
		for j, b := range src[pos : pos+size] {
			dst[4*j+k] = b
		}
		pos += size
	}
}

// XorbReader reads the chunks of a serialized xorb (or of a byte range of
// one that starts on a chunk header) one at a time, holding at most one
// payload in memory. It stops at the end of the stream or at a footer.
type XorbReader struct {
	r       io.Reader
	dec     *Decoder
	hdr     [ChunkHeaderSize]byte
	payload []byte
	index   int
	off     int64
	last    ChunkHeader
}

// NewXorbReader returns a reader of the chunks in r.
func NewXorbReader(r io.Reader) *XorbReader {
	return &XorbReader{r: r, dec: NewDecoder()}
}

// Reset makes x read from r as a new stream, keeping its buffers.
func (x *XorbReader) Reset(r io.Reader) {
	x.r, x.index, x.off = r, 0, 0
}

// Next decodes the next chunk into dst (grown when too small) and returns
// it. It returns io.EOF at the clean end of the stream or at a footer;
// malformed bytes give a *FormatError; read errors of r pass through.
func (x *XorbReader) Next(dst []byte) ([]byte, error) {
	n, err := io.ReadFull(x.r, x.hdr[:])
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case err == io.ErrUnexpectedEOF:
		if n >= len(footerIdent) && bytes.Equal(x.hdr[:len(footerIdent)], footerIdent) {
			return nil, io.EOF
		}
		return nil, x.fail(&FormatError{Err: ErrTruncated, Detail: fmt.Sprintf("header has %d of 8 bytes", n)})
	case err != nil:
		return nil, err
	}
	if bytes.Equal(x.hdr[:len(footerIdent)], footerIdent) {
		return nil, io.EOF
	}
	h := decodeHeader(x.hdr[:])
	if ferr := h.validate(); ferr != nil {
		return nil, x.fail(ferr)
	}
	if cap(x.payload) < int(h.CompressedSize) {
		x.payload = make([]byte, max(int(h.CompressedSize), MaxChunkSize+1024))
	}
	p := x.payload[:h.CompressedSize]
	if n, err := io.ReadFull(x.r, p); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, x.fail(&FormatError{Err: ErrTruncated, Detail: fmt.Sprintf("payload has %d of %d bytes", n, h.CompressedSize)})
		}
		return nil, err
	}
	out, err := x.dec.Decode(h, p, dst)
	if err != nil {
		return nil, x.fail(err.(*FormatError))
	}
	x.last = h
	x.index++
	x.off += int64(ChunkHeaderSize) + int64(h.CompressedSize)
	return out, nil
}

// Header returns the header of the chunk last returned by Next.
func (x *XorbReader) Header() ChunkHeader { return x.last }

// Offset returns the number of bytes consumed by the chunks read so far.
func (x *XorbReader) Offset() int64 { return x.off }

func (x *XorbReader) fail(e *FormatError) error {
	e.Chunk, e.Offset = x.index, x.off
	return e
}

// ChunkInfo describes one chunk of a xorb.
type ChunkInfo struct {
	Hash Hash
	// Size is the decoded length.
	Size uint32
	// Start and End are the serialized byte offsets [Start, End) of the
	// chunk's header+payload within the xorb.
	Start, End uint32
}

// ScanXorb walks a serialized xorb (chunks, optional footer), decoding and
// hashing every chunk, and returns their descriptions: what a server derives
// from a footer-less upload (spec §4.4).
func ScanXorb(data []byte) ([]ChunkInfo, error) {
	x := NewXorbReader(bytes.NewReader(data))
	hs := NewChunkHasher()
	var infos []ChunkInfo
	buf := make([]byte, MaxChunkSize)
	for {
		start := x.Offset()
		c, err := x.Next(buf)
		if err == io.EOF {
			return infos, nil
		}
		if err != nil {
			return nil, err
		}
		if len(infos) == MaxXorbChunks {
			return nil, &FormatError{Chunk: len(infos), Offset: start, Err: ErrChunkCount, Detail: fmt.Sprintf("more than %d chunks in one xorb", MaxXorbChunks)}
		}
		infos = append(infos, ChunkInfo{Hash: hs.Hash(c), Size: uint32(len(c)), Start: uint32(start), End: uint32(x.Offset())})
	}
}

// Leaves returns the merkle leaves of chunk descriptions.
func Leaves(infos []ChunkInfo) []Leaf {
	l := make([]Leaf, len(infos))
	for i, c := range infos {
		l[i] = Leaf{Hash: c.Hash, Size: uint64(c.Size)}
	}
	return l
}

package xet

import (
	"bytes"
	"fmt"

	"github.com/pierrec/lz4/v4"
)

// Encoder serialises chunks (header + payload), reusing its LZ4 state. The
// zero value is not usable; call [NewEncoder]. Not safe for concurrent use.
type Encoder struct {
	lz    *lz4.Writer
	buf   bytes.Buffer
	best  bytes.Buffer
	group []byte
}

// NewEncoder returns an Encoder writing LZ4 frames with independent 64 KiB
// blocks and no checksums, the reference client's frame settings.
func NewEncoder() *Encoder {
	w := lz4.NewWriter(nil)
	if err := w.Apply(lz4.BlockSizeOption(lz4.Block64Kb), lz4.ChecksumOption(false)); err != nil {
		panic(err) // constant, valid options
	}
	return &Encoder{lz: w}
}

// AppendChunk appends the serialized form of raw (header + payload) under
// the given scheme to dst.
func (e *Encoder) AppendChunk(dst, raw []byte, s Scheme) ([]byte, error) {
	if len(raw) > MaxChunkSize {
		return dst, fmt.Errorf("xet: chunk of %d bytes is over the %d-byte limit", len(raw), MaxChunkSize)
	}
	var payload []byte
	switch s {
	case SchemeNone:
		payload = raw
	case SchemeLZ4:
		if err := e.frame(&e.buf, raw); err != nil {
			return dst, err
		}
		payload = e.buf.Bytes()
	case SchemeBG4LZ4:
		if cap(e.group) < len(raw) {
			e.group = make([]byte, MaxChunkSize)
		}
		g := e.group[:len(raw)]
		BG4Split(g, raw)
		if err := e.frame(&e.buf, g); err != nil {
			return dst, err
		}
		payload = e.buf.Bytes()
	default:
		return dst, fmt.Errorf("xet: cannot encode with %v", s)
	}
	h := ChunkHeader{CompressedSize: uint32(len(payload)), Scheme: s, UncompressedSize: uint32(len(raw))}
	return append(h.AppendHeader(dst), payload...), nil
}

// AppendBest appends raw under whichever of the three schemes gives the
// smallest payload (raw when compression does not save space, as both
// reference clients do) and returns the scheme chosen.
func (e *Encoder) AppendBest(dst, raw []byte) ([]byte, Scheme, error) {
	if len(raw) > MaxChunkSize {
		return dst, 0, fmt.Errorf("xet: chunk of %d bytes is over the %d-byte limit", len(raw), MaxChunkSize)
	}
	best, scheme := len(raw), SchemeNone
	if err := e.frame(&e.best, raw); err != nil {
		return dst, 0, err
	}
	if e.best.Len() < best {
		best, scheme = e.best.Len(), SchemeLZ4
	}
	if cap(e.group) < len(raw) {
		e.group = make([]byte, MaxChunkSize)
	}
	g := e.group[:len(raw)]
	BG4Split(g, raw)
	if err := e.frame(&e.buf, g); err != nil {
		return dst, 0, err
	}
	payload := raw
	switch {
	case e.buf.Len() < best:
		scheme, payload = SchemeBG4LZ4, e.buf.Bytes()
	case scheme == SchemeLZ4:
		payload = e.best.Bytes()
	}
	h := ChunkHeader{CompressedSize: uint32(len(payload)), Scheme: scheme, UncompressedSize: uint32(len(raw))}
	return append(h.AppendHeader(dst), payload...), scheme, nil
}

func (e *Encoder) frame(out *bytes.Buffer, raw []byte) error {
	out.Reset()
	e.lz.Reset(out)
	if _, err := e.lz.Write(raw); err != nil {
		return fmt.Errorf("xet: lz4: %w", err)
	}
	if err := e.lz.Close(); err != nil {
		return fmt.Errorf("xet: lz4: %w", err)
	}
	return nil
}

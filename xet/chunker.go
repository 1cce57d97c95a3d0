package xet

import (
	"errors"
	"io"
)

// chunkMask selects the top 16 bits of the gear hash (target 64 KiB).
const chunkMask = 0xFFFF_0000_0000_0000

// hashSkip is how many leading bytes of a chunk need no hashing: the gear
// hash at any testable position (≥ MinChunkSize) depends only on the last
// 64 bytes.
const hashSkip = MinChunkSize - 64 - 1

// Chunker finds content-defined chunk boundaries (spec §5.9) in a byte
// stream fed in pieces of any size. It keeps two integers of state.
type Chunker struct {
	h    uint64
	size int // bytes of the current chunk seen so far
}

// Next scans data as the continuation of the current chunk. It returns the
// number of leading bytes of data that complete the chunk, or -1 when all
// of data belongs to it and the chunk goes on. After a boundary the state
// is reset for the next chunk; call Next again with data[n:].
func (c *Chunker) Next(data []byte) int {
	i := 0
	if c.size < hashSkip {
		skip := min(len(data), hashSkip-c.size)
		c.size += skip
		i = skip
	}
	h, size := c.h, c.size
	// Below the minimum no boundary is tested: only feed the hash.
	for ; i < len(data) && size < MinChunkSize-1; i++ {
		h = h<<1 + gearTable[data[i]]
		size++
	}
	for ; i < len(data); i++ {
		h = h<<1 + gearTable[data[i]]
		size++
		if h&chunkMask == 0 || size >= MaxChunkSize {
			c.h, c.size = 0, 0
			return i + 1
		}
	}
	c.size = size
	c.h = h
	return -1
}

// Pending returns the number of bytes of the current, unfinished chunk.
func (c *Chunker) Pending() int { return c.size }

// Reset starts a new stream.
func (c *Chunker) Reset() { c.h, c.size = 0, 0 }

// Boundaries returns the end offsets of the chunks of data.
func Boundaries(data []byte) []int {
	var c Chunker
	var ends []int
	pos := 0
	for pos < len(data) {
		n := c.Next(data[pos:])
		if n < 0 {
			break
		}
		pos += n
		ends = append(ends, pos)
	}
	if pos < len(data) {
		ends = append(ends, len(data))
	}
	return ends
}

// ChunkReader cuts a stream into content-defined chunks with constant
// memory (one buffer of 2 × MaxChunkSize).
type ChunkReader struct {
	r      io.Reader
	c      Chunker
	buf    []byte
	lo, hi int // unread data is buf[lo:hi]
	scan   int // buf[lo:scan] already fed to the chunker
	err    error
}

// NewChunkReader returns a ChunkReader over r.
func NewChunkReader(r io.Reader) *ChunkReader {
	return &ChunkReader{r: r, buf: make([]byte, 2*MaxChunkSize)}
}

// Reset makes the reader cut r, keeping its buffer.
func (cr *ChunkReader) Reset(r io.Reader) {
	cr.r, cr.lo, cr.hi, cr.scan, cr.err = r, 0, 0, 0, nil
	cr.c.Reset()
}

// Next returns the next chunk. The slice is valid until the next call. It
// returns io.EOF after the last chunk; read errors of r are returned as is.
func (cr *ChunkReader) Next() ([]byte, error) {
	for {
		if cr.scan < cr.hi {
			if n := cr.c.Next(cr.buf[cr.scan:cr.hi]); n >= 0 {
				end := cr.scan + n
				chunk := cr.buf[cr.lo:end]
				cr.lo, cr.scan = end, end
				return chunk, nil
			}
			cr.scan = cr.hi
		}
		if cr.err != nil {
			if !errors.Is(cr.err, io.EOF) {
				return nil, cr.err
			}
			if cr.lo < cr.hi {
				chunk := cr.buf[cr.lo:cr.hi]
				cr.lo, cr.scan = cr.hi, cr.hi
				cr.c.Reset()
				return chunk, nil
			}
			return nil, io.EOF
		}
		if cr.hi == len(cr.buf) { // move the pending chunk (< MaxChunkSize) to the front
			n := copy(cr.buf, cr.buf[cr.lo:cr.hi])
			cr.scan -= cr.lo
			cr.lo, cr.hi = 0, n
		}
		n, err := cr.r.Read(cr.buf[cr.hi:])
		cr.hi += n
		if err != nil {
			cr.err = err
		}
	}
}

package xet

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkChunker(b *testing.B) {
	data := splitmix64(1, 16<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		cr := NewChunkReader(bytes.NewReader(data))
		for {
			if _, err := cr.Next(); err == io.EOF {
				break
			}
		}
	}
}

func BenchmarkDecodeLZ4(b *testing.B) {
	x := NewXorbBuilder(CompressLZ4)
	for _, c := range chunksOf(bytes.Repeat([]byte("abcdefgh12345678"), 1<<20)) {
		x.Add(c)
	}
	b.SetBytes(int64(x.RawSize()))
	buf := make([]byte, MaxChunkSize)
	r := NewXorbReader(nil)
	for b.Loop() {
		r.Reset(bytes.NewReader(x.Bytes()))
		for {
			if _, err := r.Next(buf); err == io.EOF {
				break
			}
		}
	}
}

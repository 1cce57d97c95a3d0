package xet

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/pierrec/lz4/v4"
)

func sampleChunks() [][]byte {
	text := bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog. "), 600) // compressible
	floats := make([]byte, 40000)                                                      // BG4-friendly: low bytes vary, high bytes constant
	for i := 0; i < len(floats); i += 4 {
		floats[i], floats[i+1], floats[i+2], floats[i+3] = byte(i*7), byte(i>>3), 0x3f, 0x80
	}
	return [][]byte{splitmix64(3, 70000), text, floats, {}, {1, 2, 3}, make([]byte, MaxChunkSize)}
}

func TestEncodeDecodeSchemes(t *testing.T) {
	enc := NewEncoder()
	for _, s := range []Scheme{SchemeNone, SchemeLZ4, SchemeBG4LZ4} {
		var xorb []byte
		for _, c := range sampleChunks() {
			var err error
			if xorb, err = enc.AppendChunk(xorb, c, s); err != nil {
				t.Fatal(err)
			}
		}
		x := NewXorbReader(bytes.NewReader(xorb))
		for i, want := range sampleChunks() {
			got, err := x.Next(nil)
			if err != nil {
				t.Fatalf("%v chunk %d: %v", s, i, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%v chunk %d differs", s, i)
			}
			if x.Header().Scheme != s {
				t.Fatalf("scheme %v, want %v", x.Header().Scheme, s)
			}
		}
		if _, err := x.Next(nil); err != io.EOF {
			t.Fatalf("%v: end: %v", s, err)
		}
	}
}

func TestAppendBestChoosesSmallest(t *testing.T) {
	enc := NewEncoder()
	c := sampleChunks()
	want := []Scheme{SchemeNone, SchemeLZ4, SchemeBG4LZ4}
	for i, w := range want {
		out, s, err := enc.AppendBest(nil, c[i])
		if err != nil {
			t.Fatal(err)
		}
		if s != w {
			t.Errorf("chunk %d: chose %v, want %v", i, s, w)
		}
		h, _ := ParseChunkHeader(out)
		if s == SchemeNone && len(out) != ChunkHeaderSize+len(c[i]) || s != SchemeNone && int(h.CompressedSize) >= len(c[i]) {
			t.Errorf("chunk %d: payload %d for %d raw", i, h.CompressedSize, len(c[i]))
		}
		got, err := NewDecoder().Decode(h, out[ChunkHeaderSize:], nil)
		if err != nil || !bytes.Equal(got, c[i]) {
			t.Errorf("chunk %d round trip: %v", i, err)
		}
	}
}

// Frames from other encoders: checksums on, 4 MiB blocks, linked blocks.
func TestDecodeForeignLZ4Frames(t *testing.T) {
	raw := sampleChunks()[1]
	for _, opts := range [][]lz4.Option{
		{lz4.ChecksumOption(true), lz4.BlockChecksumOption(true)},
		{lz4.BlockSizeOption(lz4.Block4Mb)},
		{lz4.BlockSizeOption(lz4.Block64Kb), lz4.SizeOption(uint64(len(raw)))},
		{lz4.CompressionLevelOption(lz4.Level9)},
	} {
		var b bytes.Buffer
		w := lz4.NewWriter(&b)
		if err := w.Apply(opts...); err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
		w.Close()
		h := ChunkHeader{CompressedSize: uint32(b.Len()), Scheme: SchemeLZ4, UncompressedSize: uint32(len(raw))}
		got, err := NewDecoder().Decode(h, b.Bytes(), nil)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("options %v: %v", opts, err)
		}
	}
}

func TestMalformedChunks(t *testing.T) {
	enc := NewEncoder()
	good, _ := enc.AppendChunk(nil, sampleChunks()[1], SchemeLZ4)
	raw, _ := enc.AppendChunk(nil, []byte("hello world"), SchemeNone)
	mutate := func(b []byte, f func([]byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"short header", good[:5], ErrTruncated},
		{"short payload", good[:len(good)-3], ErrTruncated},
		{"version", mutate(good, func(b []byte) { b[0] = 1 }), ErrBadVersion},
		{"scheme", mutate(good, func(b []byte) { b[4] = 3 }), ErrUnknownScheme},
		{"decoded size over limit", mutate(good, func(b []byte) { b[7] = 0x02 }), ErrChunkTooLarge},
		{"payload size over limit", mutate(good, func(b []byte) { b[3] = 0x05 }), ErrChunkTooLarge},
		{"raw size mismatch", mutate(raw, func(b []byte) { b[5]++ }), ErrCorrupt},
		{"lz4 says more than header", mutate(good, func(b []byte) { b[5]-- }), ErrCorrupt},
		{"lz4 says less than header", mutate(good, func(b []byte) { b[5]++ }), ErrCorrupt},
		{"lz4 garbage", mutate(good, func(b []byte) { copy(b[8:], "garbage!garbage!") }), ErrCorrupt},
		{"raw payload as lz4", mutate(raw, func(b []byte) { b[4] = 1 }), ErrCorrupt},
	}
	for _, c := range cases {
		x := NewXorbReader(bytes.NewReader(c.data))
		_, err := x.Next(nil)
		var fe *FormatError
		if !errors.Is(err, c.want) || !errors.As(err, &fe) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
	// A second chunk's error names its index and offset.
	x := NewXorbReader(bytes.NewReader(append(append([]byte(nil), raw...), good[:9]...)))
	x.Next(nil)
	_, err := x.Next(nil)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Chunk != 1 || fe.Offset != int64(len(raw)) {
		t.Errorf("position: %v", err)
	}
}

func TestFooterStopsReading(t *testing.T) {
	raw, _ := NewEncoder().AppendChunk(nil, []byte("hello"), SchemeNone)
	for _, tail := range [][]byte{[]byte("XETBLOB\x01" + string(make([]byte, 100))), []byte("XETBLOB")} {
		x := NewXorbReader(bytes.NewReader(append(append([]byte(nil), raw...), tail...)))
		if c, err := x.Next(nil); err != nil || string(c) != "hello" {
			t.Fatal(c, err)
		}
		if _, err := x.Next(nil); err != io.EOF {
			t.Errorf("footer: %v", err)
		}
	}
}

func TestXorbBuilderLimits(t *testing.T) {
	b := NewXorbBuilder(CompressNone)
	if _, err := b.Add(make([]byte, MaxChunkSize+1)); err == nil {
		t.Error("oversized chunk accepted")
	}
	for b.Fits(MaxChunkSize) {
		if _, err := b.Add(make([]byte, MaxChunkSize)); err != nil {
			t.Fatal(err)
		}
	}
	if b.RawSize() != MaxXorbBytes || b.Len() != MaxXorbBytes/MaxChunkSize {
		t.Errorf("full at %d bytes, %d chunks", b.RawSize(), b.Len())
	}
	if _, err := b.Add([]byte{1}); err == nil {
		t.Error("add to a full xorb accepted")
	}
	b.Reset()
	if b.Len() != 0 || len(b.Bytes()) != 0 {
		t.Error("reset")
	}
}

func FuzzXorbReader(f *testing.F) {
	enc := NewEncoder()
	var seed []byte
	for _, c := range sampleChunks()[:3] {
		seed, _, _ = enc.AppendBest(seed, c[:min(len(c), 300)])
	}
	f.Add(seed)
	f.Add([]byte("XETBLOB\x01"))
	f.Add([]byte{0, 4, 0, 0, 1, 4, 0, 0, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		x := NewXorbReader(bytes.NewReader(data))
		buf := make([]byte, 16)
		for i := 0; i < 1000; i++ {
			c, err := x.Next(buf)
			if err != nil {
				if err != io.EOF {
					var fe *FormatError
					if !errors.As(err, &fe) {
						t.Fatalf("untyped error %T %v", err, err)
					}
				}
				return
			}
			if len(c) != int(x.Header().UncompressedSize) {
				t.Fatalf("decoded %d, header %d", len(c), x.Header().UncompressedSize)
			}
		}
	})
}

func FuzzChunkHeader(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseChunkHeader(data)
		if err != nil {
			return
		}
		if got := h.AppendHeader(nil); !bytes.Equal(got, data[:8]) {
			t.Fatalf("re-encode %x != %x", got, data[:8])
		}
		NewDecoder().Decode(h, data[8:min(len(data), 8+int(h.CompressedSize))], nil)
	})
}

func FuzzChunker(f *testing.F) {
	f.Add([]byte("abc"), uint16(7))
	f.Fuzz(func(t *testing.T, data []byte, piece uint16) {
		data = bytes.Repeat(data, 1+200000/(len(data)+1))
		want := Boundaries(data)
		got := streamBoundaries(t, data, int(piece)+1)
		if !slices.Equal(got, want) {
			t.Fatalf("pieces of %d: %v != %v", piece+1, got, want)
		}
		prev := 0
		for i, e := range want {
			if e-prev > MaxChunkSize || (e-prev < MinChunkSize && i != len(want)-1) {
				t.Fatalf("chunk %d of %d bytes", i, e-prev)
			}
			prev = e
		}
	})
}

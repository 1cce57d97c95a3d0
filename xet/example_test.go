package xet_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hfhub-go/hfhub/xet"
)

// Pack a file into xorbs, then read the xorb back one chunk at a time.
func ExamplePacker() {
	var stored [][]byte
	p := &xet.Packer{Flush: func(x *xet.XorbBuilder) error {
		stored = append(stored, append([]byte(nil), x.Bytes()...))
		return nil
	}}
	f, err := p.Pack(bytes.NewReader(bytes.Repeat([]byte("hello xet "), 50_000)))
	if err != nil {
		panic(err)
	}
	fmt.Println("size", f.Size, "terms", len(f.Terms), "xorbs", len(stored))

	r := xet.NewXorbReader(bytes.NewReader(stored[0]))
	buf := make([]byte, xet.MaxChunkSize)
	total := 0
	for {
		c, err := r.Next(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		total += len(c)
	}
	fmt.Println("decoded", total)
	// Output:
	// size 500000 terms 1 xorbs 1
	// decoded 500000
}

func ExampleParseHash() {
	h, err := xet.ParseHash("d6834b04843aaf16f29903e2428a99be635099f9ea5056cc4e95e7ec8a41509f")
	if err != nil {
		panic(err)
	}
	fmt.Printf("first byte %#x, text %s\n", h[0], h)
	// Output: first byte 0x16, text d6834b04843aaf16f29903e2428a99be635099f9ea5056cc4e95e7ec8a41509f
}

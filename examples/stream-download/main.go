// Command stream-download reads a remote file without putting it in the
// cache: Open returns a RemoteFile that is an io.ReadSeeker and io.ReaderAt
// backed by HTTP Range requests. Here it reads the safetensors header
// (8-byte length, then JSON) and streams the rest through a hash.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log"

	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	name := "model.safetensors"
	f, err := hub.Client.Open(ctx, hub.ModelID, name, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Printf("%s: %d bytes, etag %s, commit %.12s\n", name, f.Size(), f.Etag(), f.CommitHash())

	// Random access: only the header is fetched.
	var lenBuf [8]byte
	if _, err := f.ReadAt(lenBuf[:], 0); err != nil {
		log.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > 100<<20 || int64(n) > f.Size()-8 {
		log.Fatalf("implausible safetensors header length %d", n)
	}
	header := make([]byte, n)
	if _, err := f.ReadAt(header, 8); err != nil {
		log.Fatal(err)
	}
	var tensors map[string]json.RawMessage
	if err := json.Unmarshal(header, &tensors); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("header: %d bytes, %d entries\n", n, len(tensors))

	// Sequential streaming from the start.
	h := sha256.New()
	copied, err := io.Copy(h, f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("streamed %d bytes, sha256 %x\n", copied, h.Sum(nil))
}

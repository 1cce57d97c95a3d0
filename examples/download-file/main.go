// Command download-file downloads one file into the Hugging Face cache (the
// layout the Python client uses) and prints where it landed. A second call
// is served from the cache.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	path, err := hub.Client.Download(ctx, hub.ModelID, "config.json", nil)
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("config.json of %s: %d bytes at\n  %s\n", hub.ModelID, len(b), path)

	again, err := hub.Client.Download(ctx, hub.ModelID, "config.json", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("second call, from the cache: same path = %v\n", again == path)
}

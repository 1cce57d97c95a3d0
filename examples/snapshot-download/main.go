// Command snapshot-download downloads a whole repo revision into the cache,
// filtered by glob patterns, printing progress events as they come.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	var bytes atomic.Int64
	progress := hfhub.ProgressFunc(func(ev hfhub.ProgressEvent) {
		switch ev.Kind {
		case hfhub.SnapshotStarted:
			fmt.Printf("snapshot of %s: %d files, %d bytes\n", ev.RepoID, ev.Files, ev.Total)
		case hfhub.FileAdvanced:
			bytes.Add(ev.Bytes)
		case hfhub.FileDone:
			fmt.Printf("  done %s (cached: %v)\n", ev.Path, ev.Cached)
		}
	})
	dir, err := hub.Client.Snapshot(ctx, hub.ModelID, &hfhub.SnapshotOptions{
		DownloadOptions: hfhub.DownloadOptions{Progress: progress},
		AllowPatterns:   []string{"*.json", "*.safetensors", "*.md"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes transferred; snapshot folder %s:\n", bytes.Load(), dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		target, _ := os.Readlink(filepath.Join(dir, e.Name())) // "" for a regular file (no symlinks)
		fmt.Printf("  %s -> %s\n", e.Name(), target)
	}
}

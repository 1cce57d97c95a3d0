// Command cache-demo downloads two files, then scans the cache the way
// `hf cache ls` does: repos, revisions, files and sizes.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	for _, f := range []string{"config.json", "README.md"} {
		if _, err := hub.Client.Download(ctx, hub.ModelID, f, nil); err != nil {
			log.Fatal(err)
		}
	}
	c, err := cache.Open(hub.Client.CacheDir(), nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := c.Scan(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cache %s: %d repos, %d bytes\n", rep.Dir, len(rep.Repos), rep.SizeOnDisk)
	for _, r := range rep.Repos {
		fmt.Printf("%s %s: %d bytes\n", r.Type, r.ID, r.SizeOnDisk)
		for _, rev := range r.Revisions {
			fmt.Printf("  revision %s refs=%v files=%d\n", rev.Commit[:12], rev.Refs, rev.NumFiles)
			for _, f := range rev.Files {
				fmt.Printf("    %s (%d bytes)\n", f.Filename, f.SizeOnDisk)
			}
		}
	}
}

// Command dataset-info prints the properties and files of one dataset repo.
package main

import (
	"context"
	"fmt"
	"log"

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

	info, err := hub.Client.DatasetInfo(ctx, hub.DatasetID, &hfhub.RepoInfoOptions{FilesMetadata: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dataset %s at commit %s\n", info.ID, info.SHA)
	fmt.Printf("private=%v gated=%q downloads=%d likes=%d\n", info.Private, info.Gated, info.Downloads, info.Likes)
	fmt.Printf("tags: %v\n", info.Tags)
	for _, s := range info.Siblings {
		lfs := ""
		if s.LFS != nil {
			lfs = " (LFS)"
		}
		fmt.Printf("  %-40s %8d bytes%s\n", s.RFilename, s.Size, lfs)
	}
}

// Command dataset-files-resolver finds the data files of one split of a
// dataset (the files load_dataset would read), prints their download URLs
// and downloads the first one into the cache.
package main

import (
	"context"
	"fmt"
	"log"
	"strings"

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

	layout, err := hub.DatasetLayout(ctx, hub.DatasetID)
	if err != nil {
		log.Fatal(err)
	}
	config := layout.Default
	if config == "" {
		config = layout.ConfigNames()[0]
	}
	splits, err := layout.Splits(config)
	if err != nil {
		log.Fatal(err)
	}
	split := splits[0].Name
	files, err := layout.Files(config, split)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s config %q split %q: %d data files\n", hub.DatasetID, config, split, len(files))
	for _, f := range files {
		fmt.Printf("  %s\n    %s\n", f, hub.Client.ResolveURL(hfhub.RepoDataset, hub.DatasetID, "main", f))
	}
	if len(files) == 0 || strings.Contains(files[0], "://") {
		return // nothing to fetch, or a URL outside the repo
	}
	path, err := hub.Client.Download(ctx, hub.DatasetID, files[0], &hfhub.DownloadOptions{RepoType: hfhub.RepoDataset})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("downloaded %s to %s\n", files[0], path)
}

// Command dataset-files-resolver finds the data files of one split of a
// dataset (the files load_dataset would read), prints their download URLs
// and downloads the first one into the cache.
//
// It asks with the one-call functions: Client.DatasetSplits for the splits
// of the default config (Client.DatasetConfigs when the dataset has no
// default), then Client.DatasetFiles for the files of the first split.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/examples/internal/exhub"
)

func main() {
	ctx := context.Background()
	hub, err := exhub.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()
	c, id := hub.Client, hub.DatasetID

	// "" is the default config, the one load_dataset(id) loads.
	config := ""
	splits, err := c.DatasetSplits(ctx, id, config, nil)
	if errors.Is(err, dataset.ErrNoDefaultConfig) {
		// Several configs and none is the default: take the first one.
		names, cerr := c.DatasetConfigs(ctx, id, nil)
		if cerr != nil {
			log.Fatal(cerr)
		}
		config = names[0]
		splits, err = c.DatasetSplits(ctx, id, config, nil)
	}
	if err != nil {
		log.Fatal(err)
	}
	if len(splits) == 0 {
		log.Fatalf("%s: config %q has no splits", id, config)
	}
	split := splits[0].Name
	files, err := c.DatasetFiles(ctx, id, config, split, nil)
	if err != nil {
		log.Fatal(err)
	}
	label := config
	if label == "" {
		label = "(default)"
	}
	fmt.Printf("%s config %s split %q: %d data files\n", id, label, split, len(files))
	for _, f := range files {
		fmt.Printf("  %s\n    %s\n", f, c.ResolveURL(hfhub.RepoDataset, id, "main", f))
	}
	if len(files) == 0 || strings.Contains(files[0], "://") {
		return // nothing to fetch, or a URL outside the repo
	}
	path, err := c.Download(ctx, id, files[0], &hfhub.DownloadOptions{RepoType: hfhub.RepoDataset})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("downloaded %s to %s\n", files[0], path)
}

// Command dataset-configs-splits lists the configs (subsets) and splits of
// a dataset, as get_dataset_config_names and get_dataset_split_names of the
// Python datasets library would, without reading any data.
//
// Client.Dataset pins the revision to a commit, lists the repository once
// and reads its card; the configs and splits of every config then come
// from that one answer. (Client.DatasetConfigs and Client.DatasetSplits
// do the same in one call each, when one question is all you have.)
package main

import (
	"context"
	"fmt"
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

	d, err := hub.Client.Dataset(ctx, hub.DatasetID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dataset %s at %s: loader %q, default config %q\n", d.ID, d.Commit, d.Layout.Loader, d.Layout.Default)
	for _, name := range d.Configs() {
		splits, err := d.Splits(name)
		if err != nil {
			fmt.Printf("config %s: %v\n", name, err)
			continue
		}
		fmt.Printf("config %s:\n", name)
		for _, s := range splits {
			rows := "unknown"
			if s.NumExamples >= 0 {
				rows = fmt.Sprint(s.NumExamples)
			}
			fmt.Printf("  split %-12s %d files, %s examples\n", s.Name, len(s.Files), rows)
		}
	}
}

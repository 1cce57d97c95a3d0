// Command dataset-configs-splits lists the configs (subsets) and splits of
// a dataset, as get_dataset_config_names and get_dataset_split_names of the
// Python datasets library would, without reading any data.
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

	layout, err := hub.DatasetLayout(ctx, hub.DatasetID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dataset %s: loader %q, default config %q\n", hub.DatasetID, layout.Loader, layout.Default)
	for _, name := range layout.ConfigNames() {
		splits, err := layout.Splits(name)
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

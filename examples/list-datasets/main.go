// Command list-datasets lists datasets matching a search, stopping after a
// few: breaking out of the loop stops fetching pages.
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

	opts := &hfhub.ListDatasetsOptions{ListOptions: hfhub.ListOptions{Limit: 10}}
	if hub.Embedded {
		opts.Search = "demo"
	}
	n := 0
	for d, err := range hub.Client.ListDatasets(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-40s downloads=%d tags=%v\n", d.ID, d.Downloads, d.Tags)
		n++
	}
	fmt.Printf("%d datasets\n", n)
}

// Command list-models lists models of an author with the library's lazy
// iterator: pages are fetched as the loop advances.
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

	opts := &hfhub.ListModelsOptions{ListOptions: hfhub.ListOptions{Sort: "downloads", Limit: 10}}
	if hub.Embedded {
		opts.Author = "hfhub"
	}
	n := 0
	for m, err := range hub.Client.ListModels(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-40s downloads=%d likes=%d %s\n", m.ID, m.Downloads, m.Likes, m.PipelineTag)
		n++
	}
	fmt.Printf("%d models\n", n)
}

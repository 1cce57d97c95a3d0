// Command list-repo-tree walks the whole file tree of a model repo, with the
// last commit of each entry.
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

	opts := &hfhub.ListRepoTreeOptions{Recursive: true, Expand: true}
	for e, err := range hub.Client.ListRepoTree(ctx, hub.ModelID, opts) {
		if err != nil {
			log.Fatal(err)
		}
		if e.IsDir() {
			fmt.Printf("%-40s folder\n", e.Path+"/")
			continue
		}
		kind := "regular"
		if e.LFS != nil {
			kind = "LFS sha256:" + e.LFS.OID[:12]
		}
		when := ""
		if e.LastCommit != nil {
			when = e.LastCommit.Date.Format("2006-01-02")
		}
		fmt.Printf("%-40s %10d  %s  %s\n", e.Path, e.Size, when, kind)
	}
}

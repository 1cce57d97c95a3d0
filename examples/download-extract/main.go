// Command download-extract downloads a zip archive from a dataset repo and
// unpacks it safely (no path escapes, size limits) once per blob.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"path/filepath"

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
	if hub.ArchiveID == "" {
		fmt.Println("set HF_EXAMPLE_ARCHIVE_DATASET and HF_EXAMPLE_ARCHIVE_FILE to a dataset repo and a .zip/.tar.gz in it; skipping")
		return
	}

	dir, err := hub.Client.Download(ctx, hub.ArchiveID, hub.ArchiveFile, &hfhub.DownloadOptions{
		RepoType: hfhub.RepoDataset,
		Extract:  &hfhub.ExtractOptions{}, // default folder: {repo}/extracted/{etag}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s extracted into %s:\n", hub.ArchiveFile, dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p) // p is under dir: cannot fail
			fmt.Println("  " + filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

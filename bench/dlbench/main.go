// Command dlbench downloads one file or a whole repo with the hfhub library,
// exactly as `hf download` does, and prints the local path. bench/download.sh
// uses it when the hf binary at hand has no download command.
//
//	dlbench -endpoint URL -repo ORG/NAME [-file PATH] [-cache-dir DIR]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/hfhub-go/hfhub"
)

func main() {
	endpoint := flag.String("endpoint", "", "Hub URL")
	repo := flag.String("repo", "", "repo id")
	file := flag.String("file", "", "one file (default: the whole repo)")
	cacheDir := flag.String("cache-dir", "", "cache folder (default HF_HUB_CACHE)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := []hfhub.Option{hfhub.WithUserAgent("dlbench", hfhub.Version)}
	if *endpoint != "" {
		opts = append(opts, hfhub.WithEndpoint(*endpoint))
	}
	c, err := hfhub.New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlbench:", err)
		os.Exit(2)
	}
	dl := hfhub.DownloadOptions{CacheDir: *cacheDir}
	var path string
	if *file != "" {
		path, err = c.Download(ctx, *repo, *file, &dl)
	} else {
		path, err = c.Snapshot(ctx, *repo, &hfhub.SnapshotOptions{DownloadOptions: dl})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlbench:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

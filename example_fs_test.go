package hfhub_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"

	"github.com/hfhub-go/hfhub"
)

func ExampleClient_OpenFS() {
	_, c, done := exampleHub()
	defer done()
	fsys, err := c.OpenFS(context.Background(), "acme/tiny", &hfhub.FSOptions{Revision: "main"})
	if err != nil {
		log.Fatal(err)
	}
	// Any io/fs consumer works: a walk lists the tree once.
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ".gitattributes" {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Println(p, info.Size())
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Files are read lazily with Range requests.
	f, err := fsys.OpenFile("model.safetensors")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 8)
	if _, err := f.ReadAt(head, 1<<20-8); err != nil {
		log.Fatal(err)
	}
	fmt.Println(head)
	// Output:
	// config.json 21
	// model.safetensors 1048576
	// onnx/model.onnx 4
	// [0 0 0 0 0 0 0 0]
}

func ExampleClient_Sync() {
	_, c, done := exampleHub()
	defer done()
	dir, err := os.MkdirTemp("", "hfhub-sync-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Download the repo's onnx/ folder; a second run fetches nothing.
	for range 2 {
		res, err := c.Sync(context.Background(), "hf://acme/tiny/onnx", dir, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%+v\n", res.Plan.Summary())
	}
	// Output:
	// {Uploads:0 Downloads:1 Deletes:0 Skips:0 TotalSize:4}
	// {Uploads:0 Downloads:0 Deletes:0 Skips:1 TotalSize:0}
}

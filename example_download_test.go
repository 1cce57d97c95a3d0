package hfhub_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// exampleHub starts a test Hub with one small model and returns a client
// whose cache is a temporary folder.
func exampleHub() (*hubtest.Server, *hfhub.Client, func()) {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{
		"config.json":       []byte(`{"model_type":"bert"}`),
		"model.safetensors": make([]byte, 1<<20),
		"onnx/model.onnx":   []byte("onnx"),
	}}))
	if err != nil {
		log.Fatal(err)
	}
	home, err := os.MkdirTemp("", "hfhub-example-")
	if err != nil {
		log.Fatal(err)
	}
	c, err := hfhub.New(hfhub.WithConfig(hfhub.Config{Endpoint: hub.URL, HFHome: home, CacheDir: filepath.Join(home, "hub")}))
	if err != nil {
		log.Fatal(err)
	}
	return hub, c, func() { hub.Close(); os.RemoveAll(home) }
}

func ExampleClient_Download() {
	_, c, done := exampleHub()
	defer done()
	path, err := c.Download(context.Background(), "acme/tiny", "config.json", nil)
	if err != nil {
		log.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(path), string(b))
	// Output: config.json {"model_type":"bert"}
}

func ExampleClient_Snapshot() {
	_, c, done := exampleHub()
	defer done()
	dir, err := c.Snapshot(context.Background(), "acme/tiny", &hfhub.SnapshotOptions{
		IgnorePatterns: []string{"onnx/", ".gitattributes"},
	})
	if err != nil {
		log.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// config.json
	// model.safetensors
}

func ExampleClient_Open() {
	_, c, done := exampleHub()
	defer done()
	f, err := c.Open(context.Background(), "acme/tiny", "model.safetensors", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 8)
	if _, err := f.ReadAt(head, 0); err != nil { // one Range request, nothing downloaded
		log.Fatal(err)
	}
	fmt.Println(f.Size(), head)
	// Output: 1048576 [0 0 0 0 0 0 0 0]
}

func ExampleFilterRepoFiles() {
	files := []string{"config.json", "onnx/config.json", "model.safetensors", "data/train.parquet"}
	fmt.Println(hfhub.FilterRepoFiles(files, []string{"*.json", "data/"}, []string{"onnx/*"}))
	// Output: [config.json data/train.parquet]
}

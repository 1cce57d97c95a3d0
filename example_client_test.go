package hfhub_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// listen starts an in-process Hub with two small models for the examples.
func listen() *hubtest.Server {
	hub, err := hubtest.Listen("127.0.0.1:0",
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-bert", Files: map[string][]byte{
			"config.json":          []byte(`{"model_type":"bert"}`),
			"tokenizer/vocab.txt":  []byte("[PAD]\n[UNK]\n"),
			"tokenizer/merges.txt": []byte("a b\n"),
			"pytorch_model.bin":    make([]byte, 1024),
			"README.md":            []byte("---\nlicense: mit\n---\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-gpt", Files: map[string][]byte{"config.json": []byte(`{"model_type":"gpt2"}`)}}),
	)
	if err != nil {
		log.Fatal(err)
	}
	return hub
}

func ExampleNew() {
	hub := listen()
	defer hub.Close()

	// Options win over the environment (HF_ENDPOINT, HF_TOKEN, HF_HOME, ...).
	c, err := hfhub.New(
		hfhub.WithEndpoint(hub.URL),
		hfhub.WithCacheDir("/tmp/hf-example-cache"),
		hfhub.WithUserAgent("my-app", "1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	cfg := c.Config()
	fmt.Println(cfg.CacheDir, cfg.Source("CacheDir"))
	fmt.Println(c.Endpoint() == hub.URL)
	// Output:
	// /tmp/hf-example-cache option
	// true
}

func ExampleClient_ModelInfo() {
	hub := listen()
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL))
	if err != nil {
		log.Fatal(err)
	}
	m, err := c.ModelInfo(context.Background(), "acme/tiny-bert", &hfhub.RepoInfoOptions{FilesMetadata: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.ID, len(m.SHA))
	for _, f := range m.Siblings {
		if f.RFilename == hfhub.GitattributesName {
			continue // its content is the server's default
		}
		fmt.Println(f.RFilename, f.Size, f.LFS != nil)
	}
	// Output:
	// acme/tiny-bert 40
	// README.md 21 false
	// config.json 21 false
	// pytorch_model.bin 1024 true
	// tokenizer/merges.txt 4 false
	// tokenizer/vocab.txt 12 false
}

func ExampleClient_ListModels() {
	hub := listen()
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL))
	if err != nil {
		log.Fatal(err)
	}
	// Pages are fetched as the loop advances; break stops fetching.
	for m, err := range c.ListModels(context.Background(), &hfhub.ListModelsOptions{
		ListOptions: hfhub.ListOptions{Author: "acme", Sort: "created_at", Direction: 1},
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.ID)
	}
	// Output:
	// acme/tiny-bert
	// acme/tiny-gpt
}

func ExampleClient_ListRepoTree() {
	hub := listen()
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL))
	if err != nil {
		log.Fatal(err)
	}
	for e, err := range c.ListRepoTree(context.Background(), "acme/tiny-bert", &hfhub.ListRepoTreeOptions{Path: "tokenizer"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Type, e.Path, e.Size)
	}
	// Output:
	// file tokenizer/merges.txt 4
	// file tokenizer/vocab.txt 12
}

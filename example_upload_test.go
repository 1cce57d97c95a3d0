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

// newUploadExampleHub starts a Hub where the token "hf_example" may write the
// namespace "acme", and a client using it.
func newUploadExampleHub() (*hubtest.Server, *hfhub.Client, string) {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithToken("hf_example", "acme", hubtest.Write))
	if err != nil {
		log.Fatal(err)
	}
	home, err := os.MkdirTemp("", "hfhub-example-*")
	if err != nil {
		log.Fatal(err)
	}
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken("hf_example"), hfhub.WithHFHome(home))
	if err != nil {
		log.Fatal(err)
	}
	return hub, c, home
}

func ExampleClient_CreateCommit() {
	hub, c, home := newUploadExampleHub()
	defer hub.Close()
	defer os.RemoveAll(home)
	ctx := context.Background()
	if _, err := c.CreateRepo(ctx, "acme/tiny", nil); err != nil {
		log.Fatal(err)
	}
	info, err := c.CreateCommit(ctx, "acme/tiny", []hfhub.CommitOperation{
		hfhub.AddFromBytes("config.json", []byte(`{"model_type":"bert"}`)),
		hfhub.AddFromBytes("model.safetensors", make([]byte, 1024)), // LFS by .gitattributes
	}, &hfhub.CommitOptions{Message: "Add the model"})
	if err != nil {
		log.Fatal(err)
	}
	files, err := c.ListRepoFiles(ctx, "acme/tiny", &hfhub.RepoOptions{Revision: info.OID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Message, files)
	// Output:
	// Add the model [.gitattributes config.json model.safetensors]
}

func ExampleClient_UploadFolder() {
	hub, c, home := newUploadExampleHub()
	defer hub.Close()
	defer os.RemoveAll(home)
	ctx := context.Background()
	dir := filepath.Join(home, "weights")
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "HEAD"), []byte("ref: main"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.bin"), []byte("weights"), 0o644)
	os.WriteFile(filepath.Join(dir, "train.log"), []byte("loss 0.1"), 0o644)
	if _, err := c.CreateRepo(ctx, "acme/folder", nil); err != nil {
		log.Fatal(err)
	}
	_, err := c.UploadFolder(ctx, "acme/folder", dir, &hfhub.UploadFolderOptions{PathInRepo: "v1", IgnorePatterns: []string{"*.log"}})
	if err != nil {
		log.Fatal(err)
	}
	files, _ := c.ListRepoFiles(ctx, "acme/folder", nil)
	fmt.Println(files)
	// Output:
	// [.gitattributes v1/a.bin]
}

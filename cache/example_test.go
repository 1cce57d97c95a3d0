package cache_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/hfhub-go/hfhub/cache"
)

const exampleCommit = "0123456789abcdef0123456789abcdef01234567"

// store writes one file into the cache the way a download does.
func store(c *cache.Cache, repoID, filename, content string) {
	sum := sha256.Sum256([]byte(content))
	etag := hex.EncodeToString(sum[:])
	unlock, err := c.LockBlob(context.Background(), "model", repoID, etag)
	if err != nil {
		log.Fatal(err)
	}
	defer unlock()
	tmp, err := c.CreateBlobTemp("model", repoID, etag)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tmp.WriteString(content); err != nil {
		log.Fatal(err)
	}
	blob, _ := c.BlobPath("model", repoID, etag)
	if err := c.Publish(tmp, blob); err != nil {
		log.Fatal(err)
	}
	pointer, _ := c.SnapshotPath("model", repoID, exampleCommit, filename)
	if err := c.LinkSnapshot(blob, pointer, true); err != nil {
		log.Fatal(err)
	}
	if err := c.WriteRef("model", repoID, "main", exampleCommit); err != nil {
		log.Fatal(err)
	}
}

func ExampleCache_TryLoadFromCache() {
	dir, _ := os.MkdirTemp("", "hub")
	defer os.RemoveAll(dir)
	c, err := cache.Open(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	store(c, "acme/tiny", "model.safetensors", "weights")
	_ = c.MarkNoExist("model", "acme/tiny", exampleCommit, "tokenizer.json")

	for _, name := range []string{"model.safetensors", "tokenizer.json", "config.json"} {
		_, status, _ := c.TryLoadFromCache("model", "acme/tiny", name, "main")
		fmt.Println(name, status)
	}
	// Output:
	// model.safetensors found
	// tokenizer.json known-missing
	// config.json unknown
}

func ExampleCache_Scan() {
	dir, _ := os.MkdirTemp("", "hub")
	defer os.RemoveAll(dir)
	c, _ := cache.Open(dir, nil)
	store(c, "acme/tiny", "model.safetensors", "weights")
	store(c, "acme/tiny", "config.json", "{}")

	rep, err := c.Scan(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, repo := range rep.Repos {
		fmt.Println(repo.CacheID(), repo.SizeOnDisk, repo.NumFiles, repo.Refs["main"] == exampleCommit)
	}
	// Output:
	// model/acme/tiny 9 2 true
}

func ExampleCache_Evict() {
	dir, _ := os.MkdirTemp("", "hub")
	defer os.RemoveAll(dir)
	c, _ := cache.Open(dir, nil)
	store(c, "acme/a", "w.bin", "aaaaaaaaaa")
	store(c, "acme/b", "w.bin", "bbbbbbbbbb")
	// Pretend acme/b was last used yesterday...
	yesterday := time.Now().Add(-24 * time.Hour)
	snap, _ := c.SnapshotDir("model", "acme/b", exampleCommit)
	_ = os.Chtimes(snap, yesterday, yesterday)
	_ = filepath.Walk(filepath.Join(dir, "models--acme--b", "blobs"), func(p string, _ os.FileInfo, _ error) error {
		return os.Chtimes(p, yesterday, yesterday)
	})
	// ...and acme/a just now.
	_ = c.Touch("model", "acme/a", exampleCommit)

	res, err := c.Evict(context.Background(), 10, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range res.Evicted {
		fmt.Println("evicted", e.RepoID, e.Freed)
	}
	fmt.Println("size", res.SizeBefore, "->", res.SizeAfter)
	// Output:
	// evicted acme/b 10
	// size 20 -> 10
}

// Command cachegen builds a synthetic Hugging Face cache for bench/cache.sh:
// -repos repos, each with two revisions of -files/2 files (half of the files
// shared between the revisions, some in sub-folders), laid out exactly as the
// Python client writes it (blobs, relative symlinks, refs).
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "cache folder to create (must not exist)")
	repos := flag.Int("repos", 200, "number of repos")
	files := flag.Int("files", 500, "snapshot files per repo (two revisions)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("cachegen: -dir is required")
	}
	if _, err := os.Stat(*dir); err == nil {
		log.Fatalf("cachegen: %s exists; remove it first", *dir)
	}
	for r := range *repos {
		if err := genRepo(*dir, r, *files); err != nil {
			log.Fatal(err)
		}
	}
}

func hexID(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func genRepo(root string, r, files int) error {
	repo := filepath.Join(root, fmt.Sprintf("models--org%d--model-%d", r%17, r))
	per := files / 2
	commits := []string{hexID(fmt.Sprintf("old-%d", r)), hexID(fmt.Sprintf("new-%d", r))}
	if err := os.MkdirAll(filepath.Join(repo, "blobs"), 0o755); err != nil {
		return err
	}
	for ci, commit := range commits {
		for i := range per {
			content := fmt.Sprintf("repo %d file %d rev %d\n", r, i, ci)
			if i%2 == 0 {
				content = fmt.Sprintf("repo %d file %d shared\n", r, i) // same blob in both revisions
			}
			etag := hexID("blob " + content)
			blob := filepath.Join(repo, "blobs", etag)
			if _, err := os.Lstat(blob); err != nil {
				if err := os.WriteFile(blob, []byte(content), 0o644); err != nil {
					return err
				}
			}
			name := fmt.Sprintf("file-%04d.json", i)
			if i%5 == 0 {
				name = fmt.Sprintf("sub/dir%d/file-%04d.json", i%3, i)
			}
			ptr := filepath.Join(repo, "snapshots", commit, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(ptr), 0o755); err != nil {
				return err
			}
			target := strings.Repeat("../", strings.Count(name, "/")+2) + "blobs/" + etag
			if err := os.Symlink(target, ptr); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(repo, "refs"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(commits[1]), 0o644)
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/server"
)

func TestCacheSourceServesAnHFCache(t *testing.T) {
	weights := randomBytes(1<<20 + 3)
	up := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "org/model", Files: map[string][]byte{
		"model.safetensors": weights, "config.json": []byte(`{"a":1}`), "docs/readme.txt": []byte("doc"), "uncached.txt": []byte("x"),
	}}), hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "org/data", Files: map[string][]byte{"train.csv": []byte("a,b\n1,2\n")}}))
	ctx := context.Background()
	cacheDir := t.TempDir()
	fill, err := hfhub.New(hfhub.WithEndpoint(up.URL), hfhub.WithCacheDir(cacheDir), hfhub.WithAnonymous(), hfhub.WithHFHome(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"model.safetensors", "config.json", "docs/readme.txt"} {
		if _, err := fill.Download(ctx, "org/model", f, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fill.Download(ctx, "org/data", "train.csv", &hfhub.DownloadOptions{RepoType: hfhub.RepoDataset}); err != nil {
		t.Fatal(err)
	}

	src, err := server.NewCacheSource(ctx, cacheDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	srv := httptest.NewServer(server.NewCacheServer(src))
	defer srv.Close()

	c, err := hfhub.New(hfhub.WithEndpoint(srv.URL), hfhub.WithCacheDir(t.TempDir()), hfhub.WithAnonymous(), hfhub.WithHFHome(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Download(ctx, "org/model", "model.safetensors", nil)
	if err != nil {
		t.Fatalf("download from the cache server: %v", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, weights) {
		t.Fatal("LFS file differs")
	}
	p, err = c.Download(ctx, "org/data", "train.csv", &hfhub.DownloadOptions{RepoType: hfhub.RepoDataset})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "a,b\n1,2\n" {
		t.Fatalf("dataset file %q", got)
	}
	if _, err := c.Download(ctx, "org/model", "uncached.txt", nil); !errors.Is(err, hfhub.ErrEntryNotFound) {
		t.Fatalf("file not in the cache: %v, want ErrEntryNotFound", err)
	}

	get := func(method, path string, hdr ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get("GET", "/api/models/org/model/tree/main?recursive=true")
	var tree []struct{ Path, Type string }
	if resp.StatusCode != 200 || json.Unmarshal(body, &tree) != nil {
		t.Fatalf("tree: %d %s", resp.StatusCode, body)
	}
	paths := map[string]bool{}
	for _, e := range tree {
		paths[e.Path] = true
	}
	if !paths["docs"] || !paths["docs/readme.txt"] || !paths["model.safetensors"] || paths["uncached.txt"] {
		t.Fatalf("tree = %s", body)
	}
	resp, body = get("GET", "/org/model/resolve/main/model.safetensors", "Range", "bytes=10-19")
	if resp.StatusCode != 206 || !bytes.Equal(body, weights[10:20]) {
		t.Fatalf("range through the LFS redirect: %d %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = get("GET", "/api/models/org/model")
	if resp.StatusCode != 200 {
		t.Fatalf("info: %d", resp.StatusCode)
	}
	if resp, _ = get("DELETE", "/api/repos/delete"); resp.StatusCode != 405 {
		t.Fatalf("write to the cache server: %d", resp.StatusCode)
	}
	// New downloads into the cache appear after Refresh.
	if resp, _ = get("HEAD", "/org/model/resolve/main/uncached.txt"); resp.StatusCode != 404 {
		t.Fatalf("before refresh: %d", resp.StatusCode)
	}
	if _, err := fill.Download(ctx, "org/model", "uncached.txt", nil); err != nil {
		t.Fatal(err)
	}
	if err := src.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if resp, body = get("GET", "/org/model/resolve/main/uncached.txt"); resp.StatusCode != 200 || string(body) != "x" {
		t.Fatalf("after refresh: %d %q", resp.StatusCode, body)
	}
}

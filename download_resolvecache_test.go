package hfhub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/store"
)

// The Hub answers /resolve/ of a regular file with a 307 to a relative
// /api/resolve-cache/ URL (spec §2.7.1). FileMetadata, Download, Open,
// Snapshot and FileExists must all work through it, with the token kept on
// the (same-origin) redirect for private repos.
func TestClientThroughResolveCache(t *testing.T) {
	ctx := context.Background()
	config := []byte(`{"model_type":"bert"}`)
	text := bytes.Repeat([]byte("a regular text file read in parallel ranges\n"), 3000) // ~130 KB, stays a git file
	weights := randomBytes(4096, 11)
	files := map[string][]byte{"config.json": config, "notes/big.txt": text, "model.safetensors": weights}
	hub := hubtest.NewServer(t, hubtest.WithResolveCache(),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/pub", Files: files}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/priv", Private: true, Files: files}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/gated", Gated: "manual", Files: files}),
		hubtest.WithToken("hf_acme", "acme", hubtest.Read), hubtest.WithToken("hf_bob", "bob", hubtest.Read))
	anon, _ := dlClient(t, hub, WithAnonymous())
	owner, cacheDir := dlClient(t, hub, WithToken("hf_acme"))
	bob, _ := dlClient(t, hub, WithToken("hf_bob"))

	head, err := hub.Store().Resolve(store.Model, "acme/pub", "main")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := head.File("config.json")

	// The server really answers with the redirect.
	hub.ResetRequests()
	md, err := anon.FileMetadata(ctx, "acme/pub", "config.json", nil)
	if err != nil {
		t.Fatalf("FileMetadata through resolve-cache: %v", err)
	}
	if n := len(requestsTo(hub, "HEAD", "/api/resolve-cache/")); n != 1 {
		t.Fatalf("the HEAD did not go through resolve-cache (%d requests): %+v", n, hub.Requests())
	}
	if md.Etag != cfg.BlobID || md.CommitHash != head.ID || md.Size != int64(len(config)) {
		t.Fatalf("FileMetadata = etag %s commit %s size %d; want %s %s %d", md.Etag, md.CommitHash, md.Size, cfg.BlobID, head.ID, len(config))
	}

	// Download: content, cache layout (blob named by the git sha1, ref).
	p, err := anon.Download(ctx, "acme/pub", "config.json", nil)
	if err != nil {
		t.Fatalf("Download through resolve-cache: %v", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, config) {
		t.Fatalf("downloaded %q", got)
	}
	if len(requestsTo(hub, "GET", "/api/resolve-cache/models/acme/pub/")) == 0 {
		t.Fatal("the download did not GET the file from resolve-cache")
	}
	if !strings.Contains(filepath.ToSlash(p), "/snapshots/"+head.ID+"/config.json") {
		t.Fatalf("cached at %s, want the snapshot of %s", p, head.ID)
	}
	// A regular file fetched with parallel Range requests through the redirect.
	p, err = anon.Download(ctx, "acme/pub", "notes/big.txt", &DownloadOptions{Connections: 4, parallelThreshold: 1 << 10})
	if err != nil {
		t.Fatalf("parallel download through resolve-cache: %v", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, text) {
		t.Fatal("parallel download differs")
	}
	// LFS files are unchanged (302 to the content listener).
	if p, err = anon.Download(ctx, "acme/pub", "model.safetensors", nil); err != nil {
		t.Fatal(err)
	} else if got, _ := os.ReadFile(p); !bytes.Equal(got, weights) {
		t.Fatal("LFS download differs")
	}
	// Ranged reads.
	rf, err := anon.Open(ctx, "acme/pub", "notes/big.txt", nil)
	if err != nil {
		t.Fatalf("Open through resolve-cache: %v", err)
	}
	buf := make([]byte, 20)
	if _, err := rf.ReadAt(buf, 1000); err != nil || !bytes.Equal(buf, text[1000:1020]) {
		t.Fatalf("ReadAt = %q, %v", buf, err)
	}
	rf.Close()
	// By tag and by commit.
	if err := hub.CreateTag("model", "acme/pub", "v1", ""); err != nil {
		t.Fatal(err)
	}
	for _, rev := range []string{"v1", head.ID} {
		if _, err := anon.Download(ctx, "acme/pub", "config.json", &DownloadOptions{Revision: rev, ForceDownload: true}); err != nil {
			t.Fatalf("Download at %s: %v", rev, err)
		}
	}
	// Existence and missing files (404 EntryNotFound, no redirect).
	if ok, err := anon.FileExists(ctx, "acme/pub", "config.json", nil); err != nil || !ok {
		t.Fatalf("FileExists(config.json) = %v, %v", ok, err)
	}
	if ok, err := anon.FileExists(ctx, "acme/pub", "nope.json", nil); err != nil || ok {
		t.Fatalf("FileExists(nope.json) = %v, %v", ok, err)
	}
	if _, err := anon.Download(ctx, "acme/pub", "nope.json", nil); !errors.Is(err, ErrEntryNotFound) {
		t.Fatalf("missing file: %v", err)
	}

	// Private repo: the token must follow the relative redirect.
	p, err = owner.Download(ctx, "acme/priv", "config.json", nil)
	if err != nil {
		t.Fatalf("private download through resolve-cache: %v", err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, config) || !strings.HasPrefix(p, cacheDir) {
		t.Fatalf("private download = %q at %s", got, p)
	}
	for _, r := range requestsTo(hub, "", "/api/resolve-cache/models/acme/priv/") {
		if r.Header.Get("Authorization") != "Bearer hf_acme" || r.Status != 200 {
			t.Fatalf("resolve-cache request for the private repo: %s %s status %d auth %q", r.Method, r.Path, r.Status, r.Header.Get("Authorization"))
		}
	}
	if _, err := anon.Download(ctx, "acme/priv", "config.json", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("private repo, anonymous: %v", err)
	}

	// Gated repo: refused until granted, then served through the redirect.
	if _, err := bob.Download(ctx, "acme/gated", "config.json", nil); !errors.Is(err, ErrGatedRepo) {
		t.Fatalf("gated repo before the grant: %v", err)
	}
	if err := hub.GrantAccess("model", "acme/gated", "bob"); err != nil {
		t.Fatal(err)
	}
	if p, err := bob.Download(ctx, "acme/gated", "config.json", nil); err != nil {
		t.Fatalf("gated repo after the grant: %v", err)
	} else if got, _ := os.ReadFile(p); !bytes.Equal(got, config) {
		t.Fatal("gated download differs")
	}

	// Snapshot of the whole repo.
	snap, err := owner.Snapshot(ctx, "acme/pub", nil)
	if err != nil {
		t.Fatalf("Snapshot through resolve-cache: %v", err)
	}
	for name, want := range files {
		if got, err := os.ReadFile(filepath.Join(snap, filepath.FromSlash(name))); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("snapshot %s: %v", name, err)
		}
	}
}

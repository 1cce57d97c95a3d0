package server_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/server"
)

// An upstream answering regular files with the Hub's 307 to
// /api/resolve-cache/ (as huggingface.co does since 2026) is mirrored.
func TestMirrorOfUpstreamWithResolveCache(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{}, hubtest.WithResolveCache())
	c, err := hfhub.New(hfhub.WithEndpoint(rig.srv.URL), hfhub.WithCacheDir(t.TempDir()), hfhub.WithAnonymous(),
		hfhub.WithHFHome(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, want := range map[string][]byte{"config.json": rig.config, "sub dir/é.txt": []byte("hello"), "model.safetensors": rig.weights} {
		p, err := c.Download(ctx, "org/model", name, nil)
		if err != nil {
			t.Fatalf("download %s through the mirror of a resolve-cache upstream: %v", name, err)
		}
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes, %v", name, len(got), err)
		}
	}
	if rig.upstreamCount("GET", "/api/resolve-cache/") == 0 && rig.upstreamCount("HEAD", "/api/resolve-cache/") == 0 {
		t.Fatal("the upstream never redirected to resolve-cache: the test does not test it")
	}
}

package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/server"
)

// s3Store opens a fresh prefix of the S3 test bucket, or skips the test.
func s3Store(t *testing.T) *objstore.S3 {
	t.Helper()
	ep := os.Getenv("HFHUB_TEST_S3_ENDPOINT")
	if ep == "" {
		t.Skip("S3 tests skipped: set HFHUB_TEST_S3_ENDPOINT=127.0.0.1:8333 (start a server with scripts/s3-up.sh)")
	}
	bucket := os.Getenv("HFHUB_TEST_S3_BUCKET")
	if bucket == "" {
		bucket = "hfhub-test"
	}
	s, err := objstore.NewS3(context.Background(), objstore.S3Config{
		Endpoint: strings.TrimPrefix(ep, "http://"), Bucket: bucket, Insecure: true, CreateBucket: true,
		AccessKey: os.Getenv("HFHUB_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("HFHUB_TEST_S3_SECRET_KEY"),
		Prefix: fmt.Sprintf("%s-%d/", t.Name(), time.Now().UnixNano()),
	})
	if err != nil {
		t.Fatalf("S3 endpoint %s (HFHUB_TEST_S3_ENDPOINT): %v", ep, err)
	}
	return s
}

func TestMirrorInstancesShareAnS3Store(t *testing.T) {
	st := s3Store(t)
	rig := newMirrorRig(t, server.MirrorOptions{Store: st, SpoolDir: t.TempDir()})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(rig.srv.URL + "/org/model/resolve/main/model.safetensors")
			if err != nil {
				errs <- err
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(body, rig.weights) {
				errs <- fmt.Errorf("request %d: %d bytes, %v", i, len(body), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	rig.get(t, "GET", "/org/model/resolve/main/config.json")
	rig.mirror.WaitTransfers()
	if n := rig.upstreamCount("GET", "/lfs-content/"); n != 1 {
		t.Fatalf("upstream saw %d transfers, want 1", n)
	}
	if _, err := st.Stat(context.Background(), "blobs/"+sha(rig.weights)); err != nil {
		t.Fatalf("blob not in S3: %v", err)
	}
	// A second, stateless instance on the same bucket serves it with the
	// upstream gone.
	rig.up.Close()
	m2, err := server.NewMirror(context.Background(), server.MirrorOptions{Upstream: "http://127.0.0.1:1", Store: st, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	s2 := httptest.NewServer(m2)
	defer s2.Close()
	for _, c := range []struct {
		rng  string
		want []byte
	}{{"", rig.weights}, {"bytes=100-199", rig.weights[100:200]}, {"bytes=-10", rig.weights[len(rig.weights)-10:]}} {
		req, _ := http.NewRequest("GET", s2.URL+"/org/model/resolve/main/model.safetensors", nil)
		if c.rng != "" {
			req.Header.Set("Range", c.rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(body, c.want) || resp.Header.Get("X-Mirror-Cache") != "hit" {
			t.Fatalf("second instance, range %q: %d, %d bytes, cache=%q", c.rng, resp.StatusCode, len(body), resp.Header.Get("X-Mirror-Cache"))
		}
	}
	resp, err := http.Get(s2.URL + "/org/model/resolve/main/config.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(body, rig.config) {
		t.Fatalf("config from the second instance: %d %q", resp.StatusCode, body)
	}
}

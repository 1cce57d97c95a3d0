// Package exhub connects the example programs to a Hub: the one named by
// HF_ENDPOINT when it answers, otherwise the embedded demo Hub (hubtest)
// on loopback, seeded with the demo repos, so every example runs offline.
package exhub

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// DemoToken is the token the embedded Hub accepts, for user DemoUser.
const (
	DemoToken = "hf_exampledemotokenexampledemo"
	DemoUser  = "demo-user"
)

// ArchiveRepoID is the dataset repo of the embedded Hub holding
// images.zip, for the extraction example.
const ArchiveRepoID = "hfhub/demo-archive"

// Hub is where an example runs.
type Hub struct {
	Client *hfhub.Client
	// Embedded is true when the demo Hub was started.
	Embedded bool
	// ModelID, DatasetID and ArchiveID name repos that exist on this Hub:
	// the demo repos, or HF_EXAMPLE_MODEL / HF_EXAMPLE_DATASET /
	// HF_EXAMPLE_ARCHIVE_DATASET (defaults: openai-community/gpt2,
	// stanfordnlp/imdb) on a real endpoint.
	ModelID, DatasetID, ArchiveID string
	// ArchiveFile is a zip file in the ArchiveID dataset repo.
	ArchiveFile string

	srv     *hubtest.Server
	tempDir string
}

// Open returns a Hub for an example. Close it when done.
func Open(ctx context.Context) (*Hub, error) {
	if ep := os.Getenv("HF_ENDPOINT"); ep != "" && reachable(ctx, ep) {
		c, err := hfhub.New(hfhub.WithUserAgent("hfhub-example", "1"))
		if err != nil {
			return nil, err
		}
		return &Hub{
			Client:      c,
			ModelID:     envOr("HF_EXAMPLE_MODEL", "openai-community/gpt2"),
			DatasetID:   envOr("HF_EXAMPLE_DATASET", "stanfordnlp/imdb"),
			ArchiveID:   envOr("HF_EXAMPLE_ARCHIVE_DATASET", ""),
			ArchiveFile: envOr("HF_EXAMPLE_ARCHIVE_FILE", ""),
		}, nil
	}
	zipped, err := demoZip()
	if err != nil {
		return nil, err
	}
	srv, err := hubtest.Listen("127.0.0.1:0",
		hubtest.WithDemoRepos(),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: ArchiveRepoID, Files: map[string][]byte{"images.zip": zipped}}),
		hubtest.WithToken(DemoToken, DemoUser, hubtest.Write))
	if err != nil {
		return nil, fmt.Errorf("start the embedded demo Hub: %w", err)
	}
	tmp, err := os.MkdirTemp("", "hfhub-example-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	// The embedded Hub gets its own HF_HOME, so the user's cache and tokens
	// are left alone.
	c, err := hfhub.New(hfhub.WithEndpoint(srv.URL), hfhub.WithHFHome(tmp),
		hfhub.WithCacheDir(tmp+"/hub"), hfhub.WithTokenPath(tmp+"/token"),
		hfhub.WithUserAgent("hfhub-example", "1"))
	if err != nil {
		srv.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "(no reachable HF_ENDPOINT: using the embedded demo Hub at %s)\n", srv.URL)
	return &Hub{
		Client: c, Embedded: true, srv: srv, tempDir: tmp,
		ModelID: hubtest.DemoModelID, DatasetID: hubtest.DemoDatasetID,
		ArchiveID: ArchiveRepoID, ArchiveFile: "images.zip",
	}, nil
}

// Token returns a token valid on this Hub: DemoToken on the embedded Hub,
// else HF_TOKEN ("" when unset).
func (h *Hub) Token() string {
	if h.Embedded {
		return DemoToken
	}
	return os.Getenv("HF_TOKEN")
}

// URL returns the endpoint.
func (h *Hub) URL() string { return h.Client.Endpoint() }

// Close stops the embedded Hub and removes its temporary files.
func (h *Hub) Close() {
	h.Client.CloseIdleConnections()
	if h.srv != nil {
		h.srv.Close()
	}
	if h.tempDir != "" {
		os.RemoveAll(h.tempDir)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// reachable reports whether endpoint answers HTTP within a few seconds.
func reachable(ctx context.Context, endpoint string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, endpoint+"/api/models?limit=1", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// demoZip builds a small zip archive with two text files and a folder.
func demoZip() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"images/README.txt":      "Tiny demo archive.\n",
		"images/labels.csv":      "file,label\ncat.txt,cat\ndog.txt,dog\n",
		"images/animals/cat.txt": "meow\n",
		"images/animals/dog.txt": "woof\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(content)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

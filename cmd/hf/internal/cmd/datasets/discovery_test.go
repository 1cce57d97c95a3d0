package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/hubtest"
)

const card = `---
configs:
- config_name: en
  default: true
  data_files:
  - split: train
    path: en/train-*.csv
  - split: test
    path: en/test.csv
- config_name: fr
  data_files: fr/*.csv
---
`

func setup(t *testing.T, format cmdutil.Format) (*cmdutil.Factory, *bytes.Buffer, *hubtest.Server) {
	t.Helper()
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/tiny", Files: map[string][]byte{
		"README.md": []byte(card), "en/train-0.csv": []byte("a\n"), "en/train-1.csv": []byte("a\n"),
		"en/test.csv": []byte("a\n"), "fr/x.csv": []byte("a\n"),
	}}))
	f, out, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Format = hub.URL, format
	return f, out, hub
}

func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	return cmdutil.Execute(t.Context(), cmd, args...)
}

func TestFlags(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	var got *Options
	capture := func(_ context.Context, o *Options) error { got = o; return nil }
	if err := execute(t, NewFilesCmd(f, capture), "acme/tiny", "--config", "fr", "--split", "test", "--revision", "v1"); err != nil {
		t.Fatal(err)
	}
	if got.RepoID != "acme/tiny" || got.Config != "fr" || got.Split != "test" || got.Revision != "v1" {
		t.Errorf("files options = %+v", got)
	}
	if err := execute(t, NewSplitsCmd(f, capture), "acme/tiny"); err != nil || got.Config != "" {
		t.Errorf("splits options = %+v, %v", got, err)
	}
	if err := execute(t, NewConfigsCmd(f, capture)); err == nil {
		t.Error("configs without a repo: error = nil")
	}
	if n := len(DiscoveryCmds(f)); n != 4 {
		t.Errorf("DiscoveryCmds() = %d commands", n)
	}
}

func TestRunAgainstHub(t *testing.T) {
	f, out, _ := setup(t, cmdutil.FormatTable)
	if err := execute(t, NewConfigsCmd(f, nil), "acme/tiny"); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "en\tdefault\ttrain,test\nfr\t\ttrain\n"; got != want {
		t.Errorf("configs output = %q, want %q", got, want)
	}
	out.Reset()
	if err := execute(t, NewSplitsCmd(f, nil), "acme/tiny"); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "train\t2\t\ntest\t1\t\n"; got != want {
		t.Errorf("splits output = %q, want %q", got, want)
	}
	out.Reset()
	if err := execute(t, NewFilesCmd(f, nil), "acme/tiny", "--split", "train"); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "en/train-0.csv\nen/train-1.csv\n"; got != want {
		t.Errorf("files output = %q, want %q", got, want)
	}
	out.Reset()
	err := execute(t, NewFilesCmd(f, nil), "acme/tiny", "--config", "de")
	if !errors.Is(err, dataset.ErrConfigNotFound) {
		t.Errorf("unknown config: error = %v", err)
	}
}

func TestJSONAndParquet(t *testing.T) {
	f, out, hub := setup(t, cmdutil.FormatJSON)
	if err := execute(t, NewFilesCmd(f, nil), "acme/tiny", "--config", "fr"); err != nil {
		t.Fatal(err)
	}
	var files struct {
		Config string   `json:"config"`
		Loader string   `json:"loader"`
		Files  []string `json:"files"`
	}
	if err := json.Unmarshal(out.Bytes(), &files); err != nil || files.Config != "fr" || files.Loader != "csv" || strings.Join(files.Files, ",") != "fr/x.csv" {
		t.Errorf("files --format json = %s (%v)", out, err)
	}
	if _, err := hub.Commit("dataset", "acme/tiny", "refs/convert/parquet", "export", map[string][]byte{
		"en/train/0000.parquet": []byte("PAR1"), "fr/partial-train/0000.parquet": []byte("PAR1x"),
	}, nil); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := execute(t, NewParquetCmd(f, nil), "acme/tiny"); err != nil {
		t.Fatal(err)
	}
	var pq []struct {
		Path    string `json:"path"`
		Partial bool   `json:"partial"`
		Split   string `json:"split"`
	}
	if err := json.Unmarshal(out.Bytes(), &pq); err != nil || len(pq) != 2 {
		t.Fatalf("parquet --format json = %s (%v)", out, err)
	}
	for _, p := range pq {
		if p.Split != "train" || p.Partial != strings.HasPrefix(p.Path, "fr/") {
			t.Errorf("parquet entry %+v", p)
		}
	}
}

package hfhub

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/viewer"
	"github.com/hfhub-go/hfhub/viewer/viewertest"
)

const datasetCard = `---
license: mit
pretty_name: Tiny
configs:
- config_name: en
  default: true
  data_files:
  - split: train
    path: data/en/train-*.csv
  - split: test
    path: data/en/test.csv
- config_name: fr
  data_files: data/fr/*.csv
---
# Tiny
`

func splitNames(s []dataset.Split) string {
	var out []string
	for _, x := range s {
		out = append(out, x.Name)
	}
	return strings.Join(out, ",")
}

func TestDatasetDiscovery(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/tiny", Files: map[string][]byte{
			"README.md":           []byte(datasetCard),
			"data/en/train-0.csv": []byte("a\n1\n"),
			"data/en/train-1.csv": []byte("a\n2\n"),
			"data/en/test.csv":    []byte("a\n3\n"),
			"data/fr/all.csv":     []byte("a\n4\n"),
			"data/fr/notes.md":    []byte("notes"),
			".gitattributes":      []byte("*.parquet filter=lfs diff=lfs merge=lfs -text\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/plain", Files: map[string][]byte{
			"train.jsonl":        []byte("{}\n"),
			"validation.jsonl":   []byte("{}\n"),
			"dataset_infos.json": []byte(`{"acme--plain": {"splits": {"train": {"name": "train", "num_examples": 1}, "validation": {"name": "validation", "num_examples": 1}}}}`),
		}}),
	)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	d, err := c.Dataset(ctx, "acme/tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Configs(), ","); got != "en,fr" {
		t.Errorf("Configs() = %s, want en,fr", got)
	}
	if d.Layout.Default != "en" || d.Card == nil || d.Card.Data.PrettyName != "Tiny" || len(d.Commit) != 40 {
		t.Errorf("Dataset() = default %q, card %v, commit %q", d.Layout.Default, d.Card, d.Commit)
	}
	files, err := d.DataFiles("en", "train")
	if err != nil || strings.Join(files, ",") != "data/en/train-0.csv,data/en/train-1.csv" {
		t.Errorf("DataFiles(en, train) = %v, %v", files, err)
	}
	files, err = c.DatasetFiles(ctx, "acme/tiny", "fr", "train", nil)
	if err != nil || strings.Join(files, ",") != "data/fr/all.csv" {
		t.Errorf("DatasetFiles(fr, train) = %v, %v", files, err)
	}
	splits, err := c.DatasetSplits(ctx, "acme/tiny", "", nil)
	if err != nil || splitNames(splits) != "train,test" {
		t.Errorf("DatasetSplits(default) = %v, %v", splits, err)
	}
	if _, err := c.DatasetSplits(ctx, "acme/tiny", "de", nil); !errors.Is(err, dataset.ErrConfigNotFound) {
		t.Errorf("DatasetSplits(de) error = %v, want ErrConfigNotFound", err)
	}

	cfgs, err := c.DatasetConfigs(ctx, "acme/plain", nil)
	if err != nil || strings.Join(cfgs, ",") != "default" {
		t.Errorf("DatasetConfigs(plain) = %v, %v", cfgs, err)
	}
	splits, err = c.DatasetSplits(ctx, "acme/plain", "", nil)
	if err != nil || splitNames(splits) != "train,validation" || splits[0].NumExamples != 1 {
		t.Errorf("DatasetSplits(plain) = %+v, %v", splits, err)
	}

	// An older revision resolves against its own commit.
	old := d.Commit
	if _, err := hub.Commit("dataset", "acme/tiny", "main", "drop fr", nil, []string{"data/fr/all.csv", "data/fr/notes.md"}); err != nil {
		t.Fatal(err)
	}
	// A glob that matches nothing is an empty split, as in the datasets library.
	if files, err := c.DatasetFiles(ctx, "acme/tiny", "fr", "train", nil); err != nil || len(files) != 0 {
		t.Errorf("after deleting fr's files: DatasetFiles = %v, %v; want none", files, err)
	}
	files, err = c.DatasetFiles(ctx, "acme/tiny", "fr", "train", &DatasetOptions{Revision: old})
	if err != nil || len(files) != 1 {
		t.Errorf("DatasetFiles at the old commit = %v, %v", files, err)
	}

	if _, err := c.Dataset(ctx, "acme/missing", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing repo: error = %v, want ErrRepoNotFound", err)
	}
	if _, err := c.Dataset(ctx, "acme/tiny", &DatasetOptions{Revision: "nope"}); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("missing revision: error = %v, want ErrRevisionNotFound", err)
	}
}

func TestDatasetDiscoveryListsTreeOnce(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/tiny", Files: map[string][]byte{
		"README.md": []byte(datasetCard), "data/en/train-0.csv": []byte("a\n"), "data/en/test.csv": []byte("a\n"), "data/fr/x.csv": []byte("a\n"),
	}}))
	c, _ := newTestClient(t, hub.URL)
	hub.ResetRequests()
	d, err := c.Dataset(t.Context(), "acme/tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range d.Configs() {
		if _, err := d.Splits(cfg); err != nil {
			t.Fatal(err)
		}
	}
	trees := 0
	for _, r := range hub.Requests() {
		if strings.Contains(r.Path, "/tree/") {
			trees++
			if !strings.Contains(r.Path, d.Commit) {
				t.Errorf("tree listed at %s, not at the pinned commit", r.Path)
			}
		}
	}
	if trees != 1 {
		t.Errorf("tree listed %d times, want 1", trees)
	}
}

func TestDatasetErrorsLikeTheDatasetsLibrary(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/empty", Files: map[string][]byte{"README.md": []byte("# nothing\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/bad", Files: map[string][]byte{
			"README.md": []byte("---\nconfigs:\n- config_name: a\n  data_files: {train: x.csv}\n---\n"), "x.csv": []byte("a\n"),
		}}),
	)
	c, _ := newTestClient(t, hub.URL)
	if _, err := c.DatasetConfigs(t.Context(), "acme/empty", nil); !errors.Is(err, dataset.ErrEmptyDataset) {
		t.Errorf("empty dataset: error = %v, want ErrEmptyDataset", err)
	}
	if _, err := c.DatasetConfigs(t.Context(), "acme/bad", nil); !errors.Is(err, dataset.ErrInvalidMetadata) {
		t.Errorf("mapping data_files: error = %v, want ErrInvalidMetadata", err)
	}
}

func TestDatasetParquetExport(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/tiny", Files: map[string][]byte{"train.csv": []byte("a\n1\n")}}))
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	if _, err := c.DatasetParquetFiles(ctx, "acme/tiny", nil); !errors.Is(err, ErrRevisionNotFound) {
		t.Fatalf("no export yet: error = %v, want ErrRevisionNotFound", err)
	}
	export := map[string][]byte{
		"default/train/0000.parquet":     []byte("PAR1 train 0 PAR1"),
		"default/train/0001.parquet":     []byte("PAR1 train 1 PAR1"),
		"default/test/0000.parquet":      []byte("PAR1 test PAR1"),
		"big/partial-train/0000.parquet": []byte("PAR1 partial PAR1"),
		"README.md":                      []byte("not data"),
	}
	if _, err := hub.Commit("dataset", "acme/tiny", ParquetRevision, "Update parquet files", export, nil); err != nil {
		t.Fatal(err)
	}
	all, err := c.DatasetParquetFiles(ctx, "acme/tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range all {
		got = append(got, fmt.Sprintf("%s/%s/%v:%d", f.Config, f.Split, f.Partial, f.Size))
	}
	slices.Sort(got)
	want := []string{"big/train/true:17", "default/test/false:14", "default/train/false:17", "default/train/false:17"}
	if !slices.Equal(got, want) {
		t.Errorf("DatasetParquetFiles() = %v, want %v", got, want)
	}
	train, err := c.DatasetParquetFiles(ctx, "acme/tiny", &ParquetOptions{Config: "default", Split: "train"})
	if err != nil || len(train) != 2 {
		t.Fatalf("DatasetParquetFiles(default, train) = %v, %v", train, err)
	}
	p, err := c.DownloadParquetFile(ctx, "acme/tiny", train[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != string(export[train[0].Path]) {
		t.Errorf("downloaded %q, %v", b, err)
	}
	if !strings.Contains(p, "datasets--acme--tiny") {
		t.Errorf("parquet file not in the cache: %s", p)
	}
	if _, err := c.DatasetParquetFiles(ctx, "acme/tiny", &ParquetOptions{Config: "nope"}); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("unknown config: error = %v, want ErrEntryNotFound", err)
	}
}

func TestCards(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/model", Files: map[string][]byte{
			"README.md": []byte("---\nlicense: apache-2.0\nbase_model: acme/base\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n    dataset: {type: acme/tiny, name: Tiny}\n    metrics:\n    - {type: accuracy, value: 0.5}\n---\nbody\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/nocard", Files: map[string][]byte{"config.json": []byte("{}")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/tiny", Files: map[string][]byte{"README.md": []byte(datasetCard)}}),
	)
	c, _ := newTestClient(t, hub.URL)
	mc, err := c.ModelCard(t.Context(), "acme/model", nil)
	if err != nil {
		t.Fatal(err)
	}
	if mc.Data.License != "apache-2.0" || mc.Body != "body\n" || len(mc.Data.EvalResults()) != 1 || mc.Data.EvalResults()[0].MetricValue != 0.5 {
		t.Errorf("ModelCard() = %+v", mc.Data)
	}
	dc, err := c.DatasetCard(t.Context(), "acme/tiny", nil)
	if err != nil || len(dc.Data.Configs) != 2 {
		t.Fatalf("DatasetCard() = %+v, %v", dc, err)
	}
	out, err := dc.Render()
	if err != nil || string(out) != datasetCard {
		t.Errorf("DatasetCard().Render() changed an untouched card: %v\n%s", err, out)
	}
	if _, err := c.ModelCard(t.Context(), "acme/nocard", nil); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("no README: error = %v, want ErrEntryNotFound", err)
	}
}

func TestViewerFromClient(t *testing.T) {
	vs := viewertest.NewServer(t, viewertest.WithToken("hf_abc"))
	hub := hubtest.NewServer(t)
	c, _ := newTestClient(t, hub.URL, WithToken("hf_abc"))
	sp, err := c.ViewerAt(vs.URL).Splits(t.Context(), "ibm/duorc", "")
	if err != nil || len(sp.Splits) == 0 {
		t.Fatalf("Splits() = %v, %v", sp, err)
	}
	anon, _ := newTestClient(t, hub.URL, WithAnonymous())
	if _, err := anon.ViewerAt(vs.URL).Splits(t.Context(), "ibm/duorc", ""); !errors.Is(err, viewer.ErrUnauthorized) {
		t.Errorf("anonymous: error = %v, want viewer.ErrUnauthorized", err)
	}
	for hub, want := range map[string]string{
		"https://huggingface.co":   viewer.DefaultEndpoint,
		"https://hub.example.com/": "https://datasets-server.hub.example.com",
		"http://127.0.0.1:8080":    "http://datasets-server.127.0.0.1:8080",
	} {
		if got := viewerEndpoint(hub); got != want {
			t.Errorf("viewerEndpoint(%q) = %q, want %q", hub, got, want)
		}
	}
}

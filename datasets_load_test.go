package hfhub

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/dataset/rows"
	"github.com/hfhub-go/hfhub/hubtest"
)

type loadRec struct {
	ID    int64    `parquet:"id" json:"id"`
	Text  string   `parquet:"text" json:"text"`
	Score *float64 `parquet:"score,optional" json:"score"`
	Tags  []string `parquet:"tags,list" json:"tags"`
}

func loadRecs(from, n int) []loadRec {
	out := make([]loadRec, n)
	for i := range out {
		id := from + i
		r := loadRec{ID: int64(id), Text: fmt.Sprintf("row %d", id), Tags: []string{}}
		if id%4 != 0 {
			s := float64(id) / 2
			r.Score = &s
		}
		for j := range id % 3 {
			r.Tags = append(r.Tags, fmt.Sprintf("t%d", j))
		}
		out[i] = r
	}
	return out
}

func parquetOf(t testing.TB, recs []loadRec, perGroup int64) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[loadRec](&b, parquet.MaxRowsPerRowGroup(perGroup))
	if _, err := w.Write(recs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jsonlOf(recs []loadRec) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		fmt.Fprintf(&b, "{\"id\":%d,\"text\":%q}\n", r.ID, r.Text)
	}
	return b.Bytes()
}

func csvOf(recs []loadRec) []byte {
	var b bytes.Buffer
	b.WriteString("id,text\n")
	for _, r := range recs {
		fmt.Fprintf(&b, "%d,%s\n", r.ID, r.Text)
	}
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

const loadCard = `---
configs:
- config_name: pq
  default: true
  data_files:
  - split: train
    path: pq/train-*.parquet
  - split: test
    path: pq/test.parquet
- config_name: js
  data_files:
  - split: train
    path: js/*.jsonl.gz
- config_name: cs
  data_files: cs/all.csv
---
`

func loadHub(t *testing.T) *hubtest.Server {
	return hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/load", Files: map[string][]byte{
		"README.md":          []byte(loadCard),
		".gitattributes":     []byte("*.parquet filter=lfs diff=lfs merge=lfs -text\n"),
		"pq/train-0.parquet": parquetOf(t, loadRecs(0, 250), 50),
		"pq/train-1.parquet": parquetOf(t, loadRecs(250, 150), 50),
		"pq/test.parquet":    parquetOf(t, loadRecs(1000, 30), 10),
		"js/part-0.jsonl.gz": gz(jsonlOf(loadRecs(0, 60))),
		"js/part-1.jsonl.gz": gz(jsonlOf(loadRecs(60, 40))),
		"cs/all.csv":         csvOf(loadRecs(0, 77)),
		"other/notes.txt":    []byte("not data of any config"),
		"other/bad.jsonl":    []byte("{\"id\":1}\n{\"id\":\n"),
	}}))
}

func ids(t *testing.T, s *DatasetStream) []int64 {
	t.Helper()
	var out []int64
	for r, err := range s.Rows(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		id, err := r.Int("id")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func seqIDs(from, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(from + i)
	}
	return out
}

func TestLoadDatasetRoundTrip(t *testing.T) {
	hub := loadHub(t)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	for _, tc := range []struct {
		config, split string
		want          []int64
		format        rows.Format
	}{
		{"", "", seqIDs(0, 400), rows.Parquet},
		{"pq", "test", seqIDs(1000, 30), rows.Parquet},
		{"js", "train", seqIDs(0, 100), rows.JSONLines},
		{"cs", "", seqIDs(0, 77), rows.CSV},
	} {
		s, err := c.LoadDataset(ctx, "acme/load", tc.config, tc.split, nil)
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.config, tc.split, err)
		}
		if s.Format != tc.format || len(s.Revision) != 40 {
			t.Errorf("%s/%s: format %s revision %s", tc.config, tc.split, s.Format, s.Revision)
		}
		if got := ids(t, s); !slices.Equal(got, tc.want) {
			t.Errorf("%s/%s: ids %v", tc.config, tc.split, got)
		}
	}

	// Whole rows, decoded, are what was written.
	s, _ := c.LoadDataset(ctx, "acme/load", "pq", "train", nil)
	want := loadRecs(0, 400)
	i := 0
	for r, err := range s.Rows(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		var got loadRec
		if err := r.Decode(&got); err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if got.ID != w.ID || got.Text != w.Text || !slices.Equal(got.Tags, w.Tags) || (got.Score == nil) != (w.Score == nil) || (got.Score != nil && *got.Score != *w.Score) {
			t.Fatalf("row %d: %+v, want %+v", i, got, w)
		}
		i++
	}

	// Projection: only the asked columns, in order.
	for r, err := range s.Select("text", "id").Take(1).Rows(ctx) {
		if err != nil || strings.Join(r.Columns(), ",") != "text,id" {
			t.Fatalf("select: %v %v", r.Columns(), err)
		}
	}

	// Skip and Take, across files: the first file's row groups are skipped.
	if got := ids(t, s.Skip(260).Take(5)); !slices.Equal(got, seqIDs(260, 5)) {
		t.Errorf("skip/take: %v", got)
	}
	js, _ := c.LoadDataset(ctx, "acme/load", "js", "train", nil)
	if got := ids(t, js.Skip(58).Take(4)); !slices.Equal(got, seqIDs(58, 4)) {
		t.Errorf("jsonl skip/take: %v", got)
	}

	// Errors: unknown config and split are not-found errors naming the choices.
	if _, err := c.LoadDataset(ctx, "acme/load", "nope", "", nil); !errors.Is(err, dataset.ErrConfigNotFound) || !strings.Contains(err.Error(), "pq, js, cs") {
		t.Errorf("unknown config: %v", err)
	}
	if _, err := c.LoadDataset(ctx, "acme/load", "pq", "dev", nil); !errors.Is(err, dataset.ErrSplitNotFound) {
		t.Errorf("unknown split: %v", err)
	}
}

func TestLoadDatasetShardShuffle(t *testing.T) {
	hub := loadHub(t)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	check := func(name string, s *DatasetStream, n int, want []int64) {
		t.Helper()
		var all []int64
		for i := range n {
			sh, err := s.Shard(n, i)
			if err != nil {
				t.Fatal(err)
			}
			part := ids(t, sh)
			if len(part) == 0 {
				t.Errorf("%s: shard %d of %d is empty", name, i, n)
			}
			all = append(all, part...)
		}
		slices.Sort(all)
		if !slices.Equal(all, want) {
			t.Errorf("%s: %d shards hold %d rows (%v...), want %d disjoint", name, n, len(all), all[:min(len(all), 10)], len(want))
		}
	}
	pq, _ := c.LoadDataset(ctx, "acme/load", "pq", "train", nil)
	check("parquet by file", pq, 2, seqIDs(0, 400))
	check("parquet by row group", pq, 5, seqIDs(0, 400)) // 8 row groups over 5 workers
	cs, _ := c.LoadDataset(ctx, "acme/load", "cs", "train", nil)
	check("csv by row", cs, 3, seqIDs(0, 77))
	js, _ := c.LoadDataset(ctx, "acme/load", "js", "train", nil)
	check("jsonl by file", js, 2, seqIDs(0, 100))

	if _, err := pq.Shard(2, 2); !errors.Is(err, ErrValidation) {
		t.Errorf("shard 2 of 2: %v", err)
	}

	a := ids(t, pq.Shuffle(64, 7))
	b := ids(t, pq.Shuffle(64, 7))
	d := ids(t, pq.Shuffle(64, 8))
	if !slices.Equal(a, b) || slices.Equal(a, d) || slices.Equal(a, seqIDs(0, 400)) {
		t.Errorf("shuffle not seeded: same seed equal %v, other seed equal %v", slices.Equal(a, b), slices.Equal(a, d))
	}
	sorted := slices.Clone(a)
	slices.Sort(sorted)
	if !slices.Equal(sorted, seqIDs(0, 400)) {
		t.Errorf("shuffle lost or duplicated rows")
	}
	// Sharded and shuffled: still disjoint.
	sh, _ := pq.Shuffle(16, 3).Shard(3, 1)
	if got := ids(t, sh); len(got) == 0 || len(got) >= 400 {
		t.Errorf("shuffled shard: %d rows", len(got))
	}
}

func TestLoadDatasetRangedAndCached(t *testing.T) {
	hub := loadHub(t)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	s, err := c.LoadDataset(ctx, "acme/load", "pq", "train", nil)
	if err != nil {
		t.Fatal(err)
	}
	hub.ResetRequests()
	if got := ids(t, s.Select("id")); len(got) != 400 {
		t.Fatalf("%d rows", len(got))
	}
	gets := 0
	for _, r := range hub.Requests() {
		if r.Method == "GET" && strings.Contains(r.Path, ".parquet") {
			gets++
			if r.Header.Get("Range") == "" {
				t.Errorf("GET %s without Range: a whole file was downloaded", r.Path)
			}
		}
	}
	if gets == 0 {
		t.Fatal("no ranged reads logged")
	}
	// Once downloaded, the files are read from the cache: no content request.
	for _, f := range s.Files {
		if _, err := c.Download(ctx, "acme/load", f, &DownloadOptions{RepoType: RepoDataset, Revision: s.Revision}); err != nil {
			t.Fatal(err)
		}
	}
	hub.ResetRequests()
	if got := ids(t, s); !slices.Equal(got, seqIDs(0, 400)) {
		t.Fatalf("cached read: %d rows", len(got))
	}
	for _, r := range hub.Requests() {
		if r.Method == "GET" {
			t.Errorf("cached read made GET %s", r.Path)
		}
	}
}

func TestLoadDatasetBadDataAndExport(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/bad", Files: map[string][]byte{
			"train.jsonl": []byte("{\"id\":1}\n{\"id\":2\n{\"id\":3}\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/images", Files: map[string][]byte{
			"train/a.png": []byte("\x89PNG fake"),
		}}),
	)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	s, err := c.LoadDataset(ctx, "acme/bad", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	n := 0
	for _, err := range s.Rows(ctx) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	var re *rows.Error
	if n != 1 || !errors.As(last, &re) || re.File != "train.jsonl" || re.Line != 2 {
		t.Fatalf("bad line: %d rows then %v", n, last)
	}
	var skipped atomic.Int64
	s, _ = c.LoadDataset(ctx, "acme/bad", "", "", &LoadOptions{SkipBad: true, Skipped: &skipped})
	if got := ids(t, s); !slices.Equal(got, []int64{1, 3}) || skipped.Load() != 1 {
		t.Fatalf("skip bad: %v, skipped %d", got, skipped.Load())
	}

	// An image folder is not read natively: without an export it says so.
	if _, err := c.LoadDataset(ctx, "acme/images", "", "", nil); err == nil || !strings.Contains(err.Error(), "Parquet export") {
		t.Fatalf("image folder without export: %v", err)
	}
	if _, err := hub.Commit("dataset", "acme/images", "refs/convert/parquet", "export", map[string][]byte{
		"default/train/0000.parquet": parquetOf(t, loadRecs(0, 12), 5),
	}, nil); err != nil {
		t.Fatal(err)
	}
	s, err = c.LoadDataset(ctx, "acme/images", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Revision != ParquetRevision || s.Config != "default" || s.Split != "train" {
		t.Errorf("export stream: %s %s/%s", s.Revision, s.Config, s.Split)
	}
	if got := ids(t, s); !slices.Equal(got, seqIDs(0, 12)) {
		t.Errorf("export rows: %v", got)
	}
	// SourceParquetExport on a dataset whose files are readable also works.
	if _, err := c.LoadDataset(ctx, "acme/bad", "", "", &LoadOptions{Source: SourceParquetExport}); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("no export: %v", err)
	}
}

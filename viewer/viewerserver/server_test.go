package viewerserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hfhub-go/hfhub/dataset/rows"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/viewer"
)

type prow struct {
	ID    int64    `parquet:"id"`
	Name  string   `parquet:"name"`
	Score *float64 `parquet:"score,optional"`
	Tags  []string `parquet:"tags,list"`
	OK    bool     `parquet:"ok"`
}

func parquetRows(t *testing.T, from, n int) []byte {
	t.Helper()
	recs := make([]prow, n)
	for i := range recs {
		id := from + i
		recs[i] = prow{ID: int64(id), Name: fmt.Sprintf("name %d", id%7), OK: id%3 == 0, Tags: []string{}}
		if id%5 != 0 {
			s := float64(id) * 1.5
			recs[i].Score = &s
		}
		for j := range id % 3 {
			recs[i].Tags = append(recs[i].Tags, fmt.Sprintf("t%d", j))
		}
	}
	var b bytes.Buffer
	w := parquet.NewGenericWriter[prow](&b, parquet.MaxRowsPerRowGroup(40))
	w.Write(recs)
	w.Close()
	return b.Bytes()
}

const card = `---
configs:
- config_name: pq
  data_files:
  - split: train
    path: pq/train-*.parquet
  - split: test
    path: pq/test.parquet
---
`

func newHub(t *testing.T) *hubtest.Server {
	var jsonl strings.Builder
	for i := range 150 {
		fmt.Fprintf(&jsonl, "{\"text\":\"review %d %s\",\"label\":%d}\n", i, []string{"great movie", "awful plot", "fine"}[i%3], i%2)
	}
	return hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/pq", Files: map[string][]byte{
			"README.md":          []byte(card),
			"pq/train-0.parquet": parquetRows(t, 0, 120),
			"pq/train-1.parquet": parquetRows(t, 120, 80),
			"pq/test.parquet":    parquetRows(t, 500, 10),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/reviews", Files: map[string][]byte{
			"train.jsonl": []byte(jsonl.String()),
			"test.jsonl":  []byte("{\"text\":\"ok\",\"label\":1}\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/secret", Private: true, Files: map[string][]byte{
			"train.csv": []byte("a\n1\n"),
		}}),
		hubtest.WithToken("hf_reader", "acme", hubtest.Read),
	)
}

// get fetches a viewer route and checks its answer against the schema.
func get(t *testing.T, o *openAPI, hub *hubtest.Server, path string, q url.Values) map[string]any {
	t.Helper()
	resp, err := http.Get(hub.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s?%s: %d %.300s", path, q.Encode(), resp.StatusCode, b)
	}
	if len(resp.Header.Get("X-Revision")) != 40 {
		t.Errorf("%s: X-Revision %q", path, resp.Header.Get("X-Revision"))
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if err := o.validate(v, o.responseSchema(t, path), path); err != nil {
		t.Errorf("%s?%s does not follow the recorded schema: %.400v\n%.300s", path, q.Encode(), err, b)
	}
	return v.(map[string]any)
}

func TestAnswersFollowSchema(t *testing.T) {
	o := loadOpenAPI(t)
	hub := newHub(t)
	for _, ds := range []string{"acme/pq", "acme/reviews"} {
		split := url.Values{"dataset": {ds}, "config": {"pq"}, "split": {"train"}}
		cfg := url.Values{"dataset": {ds}, "config": {"pq"}}
		if ds == "acme/reviews" {
			split.Set("config", "default")
			cfg.Set("config", "default")
		}
		all := url.Values{"dataset": {ds}}
		with := func(v url.Values, kv ...string) url.Values {
			out := url.Values{}
			for k, x := range v {
				out[k] = x
			}
			for i := 0; i < len(kv); i += 2 {
				out.Set(kv[i], kv[i+1])
			}
			return out
		}
		get(t, o, hub, "/is-valid", all)
		get(t, o, hub, "/splits", all)
		get(t, o, hub, "/info", all)
		get(t, o, hub, "/info", cfg)
		get(t, o, hub, "/size", all)
		get(t, o, hub, "/size", cfg)
		get(t, o, hub, "/parquet", all)
		get(t, o, hub, "/first-rows", split)
		get(t, o, hub, "/rows", with(split, "offset", "110", "length", "20"))
		get(t, o, hub, "/search", with(split, "query", "name 3"))
		get(t, o, hub, "/statistics", split)
		if ds == "acme/pq" {
			get(t, o, hub, "/filter", with(split, "where", `"id" >= 100 AND (ok = true OR score IS NULL)`, "orderby", "id DESC"))
		} else {
			get(t, o, hub, "/filter", with(split, "where", "label = 1", "orderby", "text"))
		}
	}
}

func TestViewerClientAgainstServer(t *testing.T) {
	hub := newHub(t)
	v := viewer.New(hub.URL, http.DefaultClient, "")
	ctx := t.Context()

	valid, err := v.IsValid(ctx, "acme/pq", "", "")
	if err != nil || !valid.Viewer || !valid.Search || !valid.Statistics {
		t.Fatalf("is-valid: %+v %v", valid, err)
	}
	splits, err := v.Splits(ctx, "acme/pq", "")
	if err != nil || len(splits.Splits) != 2 || splits.Splits[0].Split != "train" || splits.Splits[1].Split != "test" {
		t.Fatalf("splits: %+v %v", splits, err)
	}
	page, err := v.Rows(ctx, "acme/pq", "pq", "train", 115, 10)
	if err != nil {
		t.Fatal(err)
	}
	if page.NumRowsTotal != 200 || len(page.Rows) != 10 || page.Rows[0].Index != 115 || string(page.Rows[5].Row["id"]) != "120" {
		t.Fatalf("rows: total %d, %d rows, first %d, row 5 %s", page.NumRowsTotal, len(page.Rows), page.Rows[0].Index, page.Rows[5].Row["id"])
	}
	if string(page.Rows[0].Row["score"]) != "null" || string(page.Rows[1].Row["tags"]) != `["t0","t1"]` {
		t.Errorf("cells: score %s tags %s", page.Rows[0].Row["score"], page.Rows[1].Row["tags"])
	}
	if len(page.Features) != 5 || page.Features[3].Name != "tags" || string(page.Features[3].Type) != `{"_type":"List","feature":{"_type":"Value","dtype":"string"}}` {
		t.Errorf("features: %+v", page.Features)
	}
	var n int
	for _, err := range v.AllRows(ctx, "acme/pq", "pq", "train", 30) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 200 {
		t.Errorf("AllRows: %d rows", n)
	}
	first, err := v.FirstRows(ctx, "acme/reviews", "default", "train")
	if err != nil || len(first.Rows) != 100 || !first.Truncated {
		t.Fatalf("first-rows: %d rows truncated %v %v", len(first.Rows), first.Truncated, err)
	}
	found, err := v.Search(ctx, "acme/reviews", "default", "train", "AWFUL plot", 0, 100)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if found.NumRowsTotal != 50 || len(found.Rows) != 50 || found.Rows[0].Index != 1 {
		t.Fatalf("search: %d matches, %d rows", found.NumRowsTotal, len(found.Rows))
	}
	filtered, err := v.Filter(ctx, "acme/pq", "pq", "train", `id < 10 AND name LIKE 'name _'`, &viewer.FilterOptions{OrderBy: `"id" DESC`, Length: 3})
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	if filtered.NumRowsTotal != 10 || len(filtered.Rows) != 3 || string(filtered.Rows[0].Row["id"]) != "9" {
		t.Fatalf("filter: %d matches, %d rows", filtered.NumRowsTotal, len(filtered.Rows))
	}
	stats, err := v.Statistics(ctx, "acme/pq", "pq", "train")
	if err != nil || stats.NumExamples != 200 {
		t.Fatalf("statistics: %+v %v", stats, err)
	}
	byName := map[string]viewer.ColumnStatistics{}
	for _, c := range stats.Statistics {
		byName[c.Name] = c
	}
	var num struct {
		Min, Max, Mean, Median float64
		Histogram              struct {
			Hist []int64 `json:"hist"`
		}
	}
	json.Unmarshal(byName["id"].Stats, &num)
	total := int64(0)
	for _, h := range num.Histogram.Hist {
		total += h
	}
	if num.Min != 0 || num.Max != 199 || num.Mean != 99.5 || num.Median != 99.5 || total != 200 || len(num.Histogram.Hist) != 10 {
		t.Errorf("id statistics: %s", byName["id"].Stats)
	}
	if byName["id"].Type != "int" || byName["score"].Type != "float" || byName["name"].Type != "string_label" || byName["ok"].Type != "bool" || byName["tags"].Type != "list" {
		t.Errorf("column types: %+v", stats.Statistics)
	}
	var sc struct {
		NanCount int64 `json:"nan_count"`
	}
	json.Unmarshal(byName["score"].Stats, &sc)
	if sc.NanCount != 40 {
		t.Errorf("score nan_count %d, want 40", sc.NanCount)
	}
	size, err := v.Size(ctx, "acme/pq", "")
	if err != nil || size.Dataset == nil || size.Dataset.NumRows != 210 || len(size.Splits) != 2 {
		t.Fatalf("size: %+v %v", size, err)
	}
	info, err := v.Info(ctx, "acme/pq", "pq")
	if err != nil || info.Configs["pq"].Splits["train"].NumExamples != 200 || len(info.Revision) != 40 {
		t.Fatalf("info: %+v %v", info, err)
	}
	pq, err := v.Parquet(ctx, "acme/pq", "")
	if err != nil || len(pq.ParquetFiles) != 3 || !strings.HasPrefix(pq.ParquetFiles[0].URL, hub.URL+"/datasets/acme/pq/resolve/") {
		t.Fatalf("parquet: %+v %v", pq, err)
	}
	resp, err := http.Get(pq.ParquetFiles[0].URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("parquet URL: %v %v", resp, err)
	}
	resp.Body.Close()

	// Errors: the categories the client knows.
	for _, tc := range []struct {
		call func() error
		want error
	}{
		{func() error { _, err := v.Rows(ctx, "acme/nope", "c", "s", 0, 10); return err }, viewer.ErrNotFound},
		{func() error { _, err := v.Rows(ctx, "acme/pq", "pq", "dev", 0, 10); return err }, viewer.ErrNotFound},
		{func() error { _, err := v.Splits(ctx, "acme/secret", ""); return err }, viewer.ErrUnauthorized},
		{func() error {
			_, err := v.Filter(ctx, "acme/pq", "pq", "train", "nope = 1", nil)
			return err
		}, viewer.ErrInvalidRequest},
	} {
		if err := tc.call(); !errors.Is(err, tc.want) {
			t.Errorf("error %v, want %v", err, tc.want)
		}
	}
	authed := viewer.New(hub.URL, http.DefaultClient, "hf_reader")
	if s, err := authed.Splits(ctx, "acme/secret", ""); err != nil || len(s.Splits) != 1 {
		t.Errorf("private with token: %+v %v", s, err)
	}
}

func TestParquetExportOfJSONLines(t *testing.T) {
	hub := newHub(t)
	v := viewer.New(hub.URL, http.DefaultClient, "")
	ctx := t.Context()
	pq, err := v.Parquet(ctx, "acme/reviews", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pq.ParquetFiles) != 2 || pq.ParquetFiles[0].Filename != "0000.parquet" || !strings.Contains(pq.ParquetFiles[0].URL, "/resolve/refs%2Fconvert%2Fparquet/default/") {
		t.Fatalf("parquet export: %+v", pq.ParquetFiles)
	}
	// The export is a commit on refs/convert/parquet holding what the
	// JSON Lines hold, read back through the Hub API.
	resp, err := http.Get(pq.ParquetFiles[1].URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	n := 0
	for r, err := range rows.Read(ctx, "0000.parquet", bytes.NewReader(data), int64(len(data)), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := r.String("text"); n == 1 && s != "review 1 awful plot" {
			t.Errorf("row 1 text %q", s)
		}
		if strings.Join(r.Columns(), ",") != "text,label" {
			t.Fatalf("columns %v", r.Columns())
		}
		n++
	}
	if pq.ParquetFiles[1].Split != "train" || n != 150 {
		t.Errorf("export of train: split %s, %d rows", pq.ParquetFiles[1].Split, n)
	}
	// Asked again, or after a restart of the answer cache, no new export
	// commit is made for the same source commit.
	before, _ := hub.Store().Resolve("dataset", "acme/reviews", "refs/convert/parquet")
	if _, err := v.Parquet(ctx, "acme/reviews", "default"); err != nil {
		t.Fatal(err)
	}
	after, _ := hub.Store().Resolve("dataset", "acme/reviews", "refs/convert/parquet")
	if before == nil || after == nil || before.ID != after.ID {
		t.Errorf("export commit changed: %v -> %v", before, after)
	}
	// A push makes a new commit; the next answer exports it.
	if _, err := hub.Commit("dataset", "acme/reviews", "main", "more", map[string][]byte{"test.jsonl": []byte("{\"text\":\"new\",\"label\":0}\n{\"text\":\"x\",\"label\":1}\n")}, nil); err != nil {
		t.Fatal(err)
	}
	rowsPage, err := v.Rows(ctx, "acme/reviews", "default", "test", 0, 10)
	if err != nil || rowsPage.NumRowsTotal != 2 {
		t.Fatalf("rows after push: %+v %v", rowsPage, err)
	}
	latest, _ := hub.Store().Resolve("dataset", "acme/reviews", "refs/convert/parquet")
	if latest == nil || latest.ID == after.ID {
		t.Errorf("no new export after the push")
	}
}

package viewer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/hfhub-go/hfhub/viewer"
	"github.com/hfhub-go/hfhub/viewer/viewertest"
)

func newClient(t *testing.T, opts ...viewertest.Option) (*viewer.Client, *viewertest.Server) {
	t.Helper()
	s := viewertest.NewServer(t, opts...)
	return viewer.New(s.URL, nil, "hf_test"), s
}

func TestRecordedAnswers(t *testing.T) {
	c, _ := newClient(t)
	ctx := t.Context()

	v, err := c.IsValid(ctx, "ibm/duorc", "", "")
	if err != nil || !v.Viewer || !v.Preview || !v.Search || !v.Filter || !v.Statistics {
		t.Errorf("IsValid() = %+v, %v", v, err)
	}
	sp, err := c.Splits(ctx, "ibm/duorc", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Splits) != 6 || sp.Splits[0] != (viewer.SplitName{Dataset: "ibm/duorc", Config: "ParaphraseRC", Split: "train"}) || !sp.Complete() {
		t.Errorf("Splits() = %+v", sp)
	}
	pq, err := c.Parquet(ctx, "ibm/duorc", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pq.ParquetFiles) == 0 || pq.ParquetFiles[0].Size != 6136591 || pq.ParquetFiles[0].Split != "test" {
		t.Errorf("Parquet() = %+v", pq)
	}
	info, err := c.Info(ctx, "nyu-mll/glue", "ax")
	if err != nil {
		t.Fatal(err)
	}
	if ax := info.Configs["ax"]; ax.ConfigName != "ax" || ax.Splits["test"].NumExamples != 1104 || ax.Version.VersionStr != "0.0.0" {
		t.Errorf("Info(glue, ax) = %+v", info)
	}
	all, err := c.Info(ctx, "ylecun/mnist", "")
	if err != nil || len(all.Configs) == 0 {
		t.Errorf("Info(mnist) = %+v, %v", all, err)
	}
	size, err := c.Size(ctx, "ylecun/mnist", "")
	if err != nil || size.Dataset == nil || size.Dataset.NumRows != 70000 || len(size.Splits) != 2 {
		t.Errorf("Size(mnist) = %+v, %v", size, err)
	}
	csize, err := c.Size(ctx, "nyu-mll/glue", "ax")
	if err != nil || csize.Config == nil || csize.Config.NumRows != 1104 {
		t.Errorf("Size(glue, ax) = %+v, %v", csize, err)
	}
	fr, err := c.FirstRows(ctx, "stanfordnlp/imdb", "plain_text", "train")
	if err != nil || fr.Config != "plain_text" || len(fr.Features) != 2 || len(fr.Rows) == 0 {
		t.Errorf("FirstRows() = %+v, %v", fr, err)
	}
	rows, err := c.Rows(ctx, "stanfordnlp/imdb", "plain_text", "train", 234, 10)
	if err != nil || rows.NumRowsTotal != 25000 || rows.Rows[0].Index != 234 {
		t.Fatalf("Rows() = %+v, %v", rows, err)
	}
	var label int
	if err := json.Unmarshal(rows.Rows[0].Row["label"], &label); err != nil {
		t.Errorf("label cell: %v", err)
	}
	if _, err := c.Search(ctx, "stanfordnlp/imdb", "plain_text", "train", "movie", 0, 0); err != nil {
		t.Errorf("Search() error = %v", err)
	}
	fl, err := c.Filter(ctx, "julien-c/titanic-survival", "default", "train", "Age=30", &viewer.FilterOptions{OrderBy: "Age"})
	if err != nil || fl.NumRowsTotal != 33 {
		t.Errorf("Filter() = %+v, %v", fl, err)
	}
}

func TestRequestParameters(t *testing.T) {
	c, s := newClient(t)
	if _, err := c.Filter(t.Context(), "julien-c/titanic-survival", "default", "train", "Age=30", &viewer.FilterOptions{OrderBy: "Age DESC", Offset: 5, Length: 500}); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	got := reqs[len(reqs)-1]
	want := url.Values{"dataset": {"julien-c/titanic-survival"}, "config": {"default"}, "split": {"train"},
		"where": {"Age=30"}, "orderby": {"Age DESC"}, "offset": {"5"}, "length": {"100"}}
	if got.Path != "/filter" || got.Query.Encode() != want.Encode() {
		t.Errorf("request = %s?%s, want /filter?%s", got.Path, got.Query.Encode(), want.Encode())
	}
	if h := got.Header.Get("Authorization"); h != "Bearer hf_test" {
		t.Errorf("Authorization = %q", h)
	}
}

func TestErrors(t *testing.T) {
	c, s := newClient(t)
	notReady, err := viewertest.Example("/splits", 500, "response not ready")
	if err != nil {
		t.Fatal(err)
	}
	s.Respond("/splits", url.Values{"dataset": {"acme/slow"}}, notReady)
	blocked, err := viewertest.Example("/parquet", 501, "blocked dataset")
	if err != nil {
		t.Fatal(err)
	}
	s.Respond("/parquet", url.Values{"dataset": {"acme/blocked"}}, blocked)

	tests := []struct {
		name string
		call func() error
		want error
		code string
	}{
		{"unknown dataset", func() error { _, err := c.Splits(t.Context(), "acme/nope", ""); return err }, viewer.ErrNotFound, "ExternalAuthenticatedError"},
		{"error in the dataset", func() error { _, err := c.Splits(t.Context(), "severo/empty", ""); return err }, viewer.ErrServer, "UnexpectedError"},
		{"not ready", func() error { _, err := c.Splits(t.Context(), "acme/slow", ""); return err }, viewer.ErrNotReady, "ResponseNotReady"},
		{"blocked", func() error { _, err := c.Parquet(t.Context(), "acme/blocked", ""); return err }, viewer.ErrNotSupported, "DatasetInBlockListError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			var ve *viewer.Error
			if !errors.As(err, &ve) || ve.Code != tt.code || ve.Message == "" {
				t.Errorf("error = %#v, want code %s and a message", err, tt.code)
			}
		})
	}
	var ve *viewer.Error
	_, err = c.Splits(t.Context(), "severo/empty", "")
	if errors.As(err, &ve); ve == nil || ve.CauseException != "EmptyDatasetError" {
		t.Errorf("cause of the dataset error = %+v", ve)
	}
	// Bad input never reaches the server.
	before := len(s.Requests())
	for _, err := range []error{
		func() error { _, err := c.Splits(t.Context(), "", ""); return err }(),
		func() error { _, err := c.Rows(t.Context(), "a/b", "", "train", 0, 10); return err }(),
		func() error { _, err := c.Search(t.Context(), "a/b", "c", "train", "", 0, 10); return err }(),
		func() error { _, err := c.Filter(t.Context(), "a/b", "c", "train", "", nil); return err }(),
	} {
		if !errors.Is(err, viewer.ErrInvalidRequest) {
			t.Errorf("bad input: error = %v, want ErrInvalidRequest", err)
		}
	}
	if n := len(s.Requests()); n != before {
		t.Errorf("bad input sent %d requests", n-before)
	}
}

func TestUnauthorized(t *testing.T) {
	s := viewertest.NewServer(t, viewertest.WithToken("hf_good"))
	_, err := viewer.New(s.URL, nil, "").Splits(t.Context(), "ibm/duorc", "")
	if !errors.Is(err, viewer.ErrUnauthorized) {
		t.Fatalf("no token: error = %v, want ErrUnauthorized", err)
	}
	if _, err := viewer.New(s.URL, nil, "hf_good").Splits(t.Context(), "ibm/duorc", ""); err != nil {
		t.Fatalf("good token: error = %v", err)
	}
}

func TestAllRowsPages(t *testing.T) {
	c, s := newClient(t)
	// A 5-row split served in pages of 2.
	for off := 0; off < 5; off += 2 {
		var rows []string
		for i := off; i < min(off+2, 5); i++ {
			rows = append(rows, fmt.Sprintf(`{"row_idx":%d,"row":{"x":%d},"truncated_cells":[]}`, i, i))
		}
		body := fmt.Sprintf(`{"features":[],"rows":[%s],"num_rows_total":5,"num_rows_per_page":2,"partial":false}`, join(rows))
		s.Respond("/rows", url.Values{"dataset": {"acme/five"}, "offset": {fmt.Sprint(off)}}, viewertest.Response{Status: http.StatusOK, Body: []byte(body)})
	}
	var got []int64
	for r, err := range c.AllRows(t.Context(), "acme/five", "default", "train", 2) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Index)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Errorf("AllRows() = %v", got)
	}
	// Stopping early issues no more requests.
	before := len(s.Requests())
	for range c.AllRows(t.Context(), "acme/five", "default", "train", 2) {
		break
	}
	if n := len(s.Requests()) - before; n != 1 {
		t.Errorf("early stop made %d requests, want 1", n)
	}
	// An error is yielded once.
	n := 0
	for _, err := range c.AllRows(t.Context(), "acme/missing", "default", "train", 2) {
		n++
		if !errors.Is(err, viewer.ErrNotFound) {
			t.Errorf("error = %v", err)
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times, want 1", n)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/viewer/viewertest"
)

// viewerSetup returns a factory whose --viewer-endpoint default is a
// dataset viewer look-alike, its stdout and stderr, and the look-alike.
func viewerSetup(t *testing.T, format cmdutil.Format, opts ...viewertest.Option) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer, *viewertest.Server) {
	t.Helper()
	vs := viewertest.NewServer(t, opts...)
	f, out, errOut, _ := cmdutil.TestFactory(t)
	f.Globals.Format = format
	return f, out, errOut, vs
}

func TestViewerFlags(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	var got *ViewerOptions
	capture := func(_ context.Context, o *ViewerOptions) error { got = o; return nil }
	var gotRows *RowsOptions
	captureRows := func(_ context.Context, o *RowsOptions) error { gotRows = o; got = &o.ViewerOptions; return nil }
	err := execute(t, NewRowsCmd(f, captureRows), "acme/x", "--viewer", "--config", "c", "--split", "s",
		"--offset", "7", "--length", "3", "--viewer-endpoint", "http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	if got.RepoID != "acme/x" || got.Config != "c" || got.Split != "s" || got.Offset != 7 || got.Length != 3 || got.ViewerEndpoint != "http://127.0.0.1:9" {
		t.Errorf("rows options = %+v", got)
	}
	got = nil
	if err := execute(t, NewRowsCmd(f, captureRows), "acme/x", "--viewer"); err != nil || !gotRows.Viewer || got.Length != 100 || got.Offset != 0 || got.Config != "" || got.Split != "" {
		t.Errorf("rows defaults = %+v, %v", got, err)
	}
	if err := execute(t, NewSearchCmd(f, capture), "acme/x", "--query", "horse"); err != nil || got.Query != "horse" {
		t.Errorf("search options = %+v, %v", got, err)
	}
	for _, args := range [][]string{
		{"acme/x", "--length", "0"},
		{"acme/x", "--length", "101"},
		{"acme/x", "--offset", "-1"},
	} {
		got = nil
		err := execute(t, NewRowsCmd(f, captureRows), append(args, "--viewer")...)
		if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok || got != nil {
			t.Errorf("rows %v: error = %v, want a usage error before running", args, err)
		}
	}
	got = nil
	err = execute(t, NewSearchCmd(f, capture), "acme/x", "--query", " ")
	if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok || got != nil || !strings.Contains(err.Error(), "--query") {
		t.Errorf("search without a query: error = %v", err)
	}
	if err := execute(t, NewRowsCmd(f, captureRows)); err == nil {
		t.Error("rows without a repo: error = nil")
	}
	if n := len(ViewerCmds(f)); n != 2 {
		t.Errorf("ViewerCmds() = %d commands", n)
	}
	var names []string
	for _, c := range NewCmd(f).Commands() {
		names = append(names, c.Name())
	}
	if s := strings.Join(names, ","); !strings.Contains(s, "rows") || !strings.Contains(s, "search") {
		t.Errorf("hf datasets has %s, want rows and search", s)
	}
}

func TestViewerEndpointDefault(t *testing.T) {
	for hub, want := range map[string]string{
		"https://huggingface.co":   "https://datasets-server.huggingface.co",
		"https://hub.example.com/": "https://datasets-server.hub.example.com",
	} {
		f, _, _, _ := viewerSetup(t, cmdutil.FormatTable)
		f.Globals.Endpoint = hub
		opts := &ViewerOptions{Client: f.Client}
		v, err := viewerClient(opts)
		if err != nil || v.Endpoint() != want {
			t.Errorf("hub %s: viewer endpoint = %v, %v; want %s", hub, v, err, want)
		}
	}
	f, _, _, _ := viewerSetup(t, cmdutil.FormatTable)
	v, err := viewerClient(&ViewerOptions{Client: f.Client, ViewerEndpoint: "http://127.0.0.1:9/"})
	if err != nil || v.Endpoint() != "http://127.0.0.1:9" {
		t.Errorf("--viewer-endpoint: %v, %v", v, err)
	}
	_, err = viewerClient(&ViewerOptions{Client: f.Client, ViewerEndpoint: "127.0.0.1:9"})
	if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok {
		t.Errorf("--viewer-endpoint without a scheme: error = %v", err)
	}
}

func TestRowsTable(t *testing.T) {
	f, out, errOut, vs := viewerSetup(t, cmdutil.FormatTable)
	err := execute(t, NewRowsCmd(f, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train",
		"--offset", "234", "--length", "3", "--viewer-endpoint", vs.URL)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("rows output has %d lines, want 3:\n%s", len(lines), out)
	}
	for i, idx := range []string{"234", "235", "236"} {
		cols := strings.Split(lines[i], "\t")
		if len(cols) != 3 || cols[0] != idx || cols[2] != "0" {
			t.Errorf("line %d = %.80q, want ROW\\ttext\\tlabel with row %s, label 0", i, lines[i], idx)
		}
	}
	if !strings.HasPrefix(lines[0], "234\tWell, you know the rest!") {
		t.Errorf("first row = %.60q", lines[0])
	}
	if got := errOut.String(); !strings.Contains(got, "234 to 236 of 25000") {
		t.Errorf("stderr = %q, want the page range", got)
	}
	reqs := vs.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/rows" || reqs[0].Query.Get("offset") != "234" || reqs[0].Query.Get("length") != "3" ||
		reqs[0].Query.Get("config") != "plain_text" || reqs[0].Query.Get("split") != "train" {
		t.Errorf("requests = %+v", reqs)
	}

	// On a terminal: a header of the columns in feature order.
	out.Reset()
	f.IO.SetTTY(false, true, false)
	if err := execute(t, NewRowsCmd(f, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train", "--viewer-endpoint", vs.URL); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); strings.Join(strings.Fields(first), " ") != "ROW text label" {
		t.Errorf("terminal header = %q", first)
	}

	// --quiet: row indices only.
	out.Reset()
	f.IO.SetTTY(false, false, false)
	f.Globals.Quiet = true
	if err := execute(t, NewRowsCmd(f, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train", "--viewer-endpoint", vs.URL); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "234\n235\n236\n" {
		t.Errorf("--quiet output = %q", got)
	}
}

func TestRowsJSON(t *testing.T) {
	f, out, errOut, vs := viewerSetup(t, cmdutil.FormatJSON)
	err := execute(t, NewRowsCmd(f, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train",
		"--offset", "234", "--viewer-endpoint", vs.URL)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dataset, Config, Split string
		Offset                 int
		NumRowsTotal           int64 `json:"num_rows_total"`
		Features               []struct {
			Name string          `json:"name"`
			Type json.RawMessage `json:"type"`
		}
		Rows []struct {
			RowIdx         int64                      `json:"row_idx"`
			Row            map[string]json.RawMessage `json:"row"`
			TruncatedCells []string                   `json:"truncated_cells"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("rows --format json: %v\n%s", err, out)
	}
	if doc.Dataset != "stanfordnlp/imdb" || doc.Config != "plain_text" || doc.Split != "train" || doc.Offset != 234 || doc.NumRowsTotal != 25000 {
		t.Errorf("document header = %+v", doc)
	}
	if len(doc.Features) != 2 || doc.Features[1].Name != "label" || !strings.Contains(string(doc.Features[1].Type), "ClassLabel") {
		t.Errorf("features = %+v", doc.Features)
	}
	if len(doc.Rows) != 3 || doc.Rows[0].RowIdx != 234 || string(doc.Rows[0].Row["label"]) != "0" || doc.Rows[0].TruncatedCells == nil {
		t.Errorf("rows = %+v", doc.Rows)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr with --format json = %q", errOut)
	}
}

func TestSearch(t *testing.T) {
	f, out, _, vs := viewerSetup(t, cmdutil.FormatJSON)
	err := execute(t, NewSearchCmd(f, nil), "stanfordnlp/imdb", "--config", "plain_text", "--split", "train",
		"--query", "dull movie", "--length", "10", "--viewer-endpoint", vs.URL)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Query string
		Rows  []struct {
			RowIdx int64 `json:"row_idx"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Query != "dull movie" || len(doc.Rows) == 0 {
		t.Errorf("search --format json = %s (%v)", out, err)
	}
	reqs := vs.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/search" || reqs[0].Query.Get("query") != "dull movie" || reqs[0].Query.Get("length") != "10" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestRowsDefaultConfigAndCells(t *testing.T) {
	f, out, _, vs := viewerSetup(t, cmdutil.FormatTable)
	vs.Respond("/splits", url.Values{"dataset": {"acme/one"}}, viewertest.Response{Status: http.StatusOK, Body: []byte(`{
		"splits": [
			{"dataset": "acme/one", "config": "default", "split": "test"},
			{"dataset": "acme/one", "config": "default", "split": "train"}
		], "pending": [], "failed": []}`)})
	vs.Respond("/rows", url.Values{"dataset": {"acme/one"}, "config": {"default"}, "split": {"train"}}, viewertest.Response{Status: http.StatusOK, Body: []byte(`{
		"features": [
			{"feature_idx": 2, "name": "tags", "type": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "List"}},
			{"feature_idx": 0, "name": "text", "type": {"dtype": "string", "_type": "Value"}},
			{"feature_idx": 1, "name": "score", "type": {"dtype": "float64", "_type": "Value"}}
		],
		"rows": [
			{"row_idx": 0, "row": {"text": "two\tcolumns\nand lines", "score": 0.5, "tags": ["a", "b"]}, "truncated_cells": []},
			{"row_idx": 1, "row": {"text": null, "score": 1, "tags": []}, "truncated_cells": []}
		],
		"num_rows_total": 2, "num_rows_per_page": 100, "partial": false}`)})
	if err := execute(t, NewRowsCmd(f, nil), "--viewer", "acme/one", "--viewer-endpoint", vs.URL); err != nil {
		t.Fatal(err)
	}
	want := "0\ttwo\\tcolumns\\nand lines\t0.5\t[\"a\",\"b\"]\n1\t\t1\t[]\n"
	if got := out.String(); got != want {
		t.Errorf("rows output = %q, want %q", got, want)
	}
	reqs := vs.Requests()
	if len(reqs) != 2 || reqs[0].Path != "/splits" || reqs[1].Query.Get("config") != "default" || reqs[1].Query.Get("split") != "train" {
		t.Errorf("requests = %+v", reqs)
	}

	// Several configs and no --config: a usage error naming them.
	err := execute(t, NewRowsCmd(f, nil), "--viewer", "ibm/duorc", "--viewer-endpoint", vs.URL)
	if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok || !strings.Contains(err.Error(), "ParaphraseRC, SelfRC") {
		t.Errorf("rows ibm/duorc without --config: error = %v", err)
	}
}

func TestViewerErrors(t *testing.T) {
	f, _, _, vs := viewerSetup(t, cmdutil.FormatTable, viewertest.WithToken("hf_viewer"))
	rows := func(args ...string) error {
		return execute(t, NewRowsCmd(f, nil), append(args, "--viewer", "--config", "plain_text", "--split", "train", "--viewer-endpoint", vs.URL)...)
	}

	err := rows("stanfordnlp/imdb")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitAuth {
		t.Errorf("no token: exit code %d (%v), want %d", code, err, cmdutil.ExitAuth)
	}

	// The client's token (here --token) goes to the viewer.
	f2, out, _, _ := viewerSetup(t, cmdutil.FormatTable)
	f2.Globals.Token = "hf_viewer"
	if err := execute(t, NewRowsCmd(f2, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train", "--viewer-endpoint", vs.URL); err != nil || out.Len() == 0 {
		t.Errorf("with the token: %v, output %q", err, out)
	}
	if reqs := vs.Requests(); reqs[len(reqs)-1].Header.Get("Authorization") != "Bearer hf_viewer" {
		t.Errorf("Authorization = %q", reqs[len(reqs)-1].Header.Get("Authorization"))
	}

	f2.Globals.Token = "hf_viewer"
	err = execute(t, NewRowsCmd(f2, nil), "--viewer", "acme/missing", "--config", "c", "--split", "s", "--viewer-endpoint", vs.URL)
	if code, hint := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound || !strings.Contains(hint, "--config") {
		t.Errorf("unknown dataset: exit code %d hint %q (%v)", code, hint, err)
	}

	err = execute(t, NewRowsCmd(f2, nil), "--viewer", "severo/empty", "--viewer-endpoint", vs.URL)
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitError || !strings.Contains(err.Error(), "--config and --split") {
		t.Errorf("dataset with an error: exit code %d (%v), want %d", code, err, cmdutil.ExitError)
	}

	// A viewer that is not listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	err = execute(t, NewRowsCmd(f2, nil), "--viewer", "stanfordnlp/imdb", "--config", "plain_text", "--split", "train", "--viewer-endpoint", dead)
	if code, hint := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNetwork || !strings.Contains(hint, dead) {
		t.Errorf("unreachable viewer: exit code %d hint %q (%v)", code, hint, err)
	}
}

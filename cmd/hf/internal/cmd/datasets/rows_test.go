package datasets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

func rowsSetup(t *testing.T) (*cmdutil.Factory, *strings.Builder, func() string) {
	t.Helper()
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/reviews", Files: map[string][]byte{
		"README.md":      []byte(card),
		"en/train-0.csv": []byte("text,label\ngreat,1\n\"two\tlines\nhere\",0\n"),
		"en/train-1.csv": []byte("text,label\nfine,1\n"),
		"en/test.csv":    []byte("text,label\nok,1\nbad\n"),
		"fr/x.csv":       []byte("text,n\nbien,1.5\n"),
	}}))
	f, out, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint = hub.URL
	var sb strings.Builder
	return f, &sb, func() string { s := out.String(); out.Reset(); return s }
}

func TestRowsLocal(t *testing.T) {
	f, _, out := rowsSetup(t)
	run := func(args ...string) (string, error) {
		err := execute(t, NewRowsCmd(f, nil), append([]string{"acme/reviews"}, args...)...)
		return out(), err
	}
	got, err := run()
	if err != nil {
		t.Fatal(err)
	}
	// In a pipe: tab-separated, no header; the tab and newline escaped.
	if got != "0\tgreat\t1\n1\ttwo\\tlines\\nhere\t0\n2\tfine\t1\n" {
		t.Errorf("table:\n%q", got)
	}
	got, err = run("--format", "jsonl", "--columns", "label,text", "--offset", "1", "--limit", "1")
	if err != nil || got != "{\"label\":0,\"text\":\"two\\tlines\\nhere\"}\n" {
		t.Errorf("jsonl: %q %v", got, err)
	}
	got, err = run("--format", "csv", "--limit", "0")
	if err != nil || got != "text,label\ngreat,1\n\"two\tlines\nhere\",0\nfine,1\n" {
		t.Errorf("csv: %q %v", got, err)
	}
	got, err = run("--format", "json", "--config", "fr")
	var doc struct {
		Config, Split string
		Columns       []string
		Rows          []map[string]any
	}
	if err != nil || json.Unmarshal([]byte(got), &doc) != nil || doc.Config != "fr" || doc.Split != "train" || len(doc.Rows) != 1 || doc.Rows[0]["text"] != "bien" || doc.Rows[0]["n"] != 1.5 {
		t.Errorf("json: %s %v", got, err)
	}

	for _, tc := range []struct {
		args []string
		code cmdutil.ExitCode
		msg  string
	}{
		{[]string{"--split", "test"}, cmdutil.ExitError, "en/test.csv: line 3: row 1"},
		{[]string{"--columns", "nope"}, cmdutil.ExitUsage, "nope"},
		{[]string{"--split", "dev"}, cmdutil.ExitNotFound, "dev"},
		{[]string{"--format", "xml"}, cmdutil.ExitUsage, "xml"},
		{[]string{"--length", "5"}, cmdutil.ExitUsage, "--viewer"},
		{[]string{"--viewer", "--limit", "5"}, cmdutil.ExitUsage, "--limit"},
		{[]string{"--viewer", "--format", "csv"}, cmdutil.ExitUsage, "csv"},
	} {
		_, err := run(tc.args...)
		if code, _ := cmdutil.ExitCodeOf(err); code != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: exit %d, %v; want exit %d mentioning %q", tc.args, code, err, tc.code, tc.msg)
		}
	}
	got, err = run("--split", "test", "--skip-bad", "--format", "jsonl")
	if err != nil || got != "{\"text\":\"ok\",\"label\":1}\n" {
		t.Errorf("skip-bad: %q %v", got, err)
	}
}

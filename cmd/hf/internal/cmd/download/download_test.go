package download

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

func newFactory(t *testing.T, hub *hubtest.Server, format cmdutil.Format) (*cmdutil.Factory, *bytes.Buffer, string) {
	t.Helper()
	f, out, _, cacheDir := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Format = hub.URL, format
	return f, out, cacheDir
}

func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	return cmdutil.Execute(t.Context(), cmd, args...)
}

func testHub(t *testing.T) *hubtest.Server {
	return hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{
		"config.json": []byte(`{"a":1}`), "weights.bin": bytes.Repeat([]byte("w"), 5000), "data/x.txt": []byte("x"),
	}}))
}

func TestNewCmdParsesFlags(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	var got *Options
	cmd := NewCmd(f, func(_ context.Context, o *Options) error { got = o; return nil })
	err := execute(t, cmd, "acme/tiny", "a.json", "b.json", "--repo-type", "dataset", "--revision", "v1",
		"--include", "*.json", "--exclude", "x/", "--local-dir", "out", "--force-download", "--dry-run",
		"--max-workers", "3", "--connections", "2", "--limit-rate", "1000")
	if err != nil {
		t.Fatal(err)
	}
	if got.RepoID != "acme/tiny" || strings.Join(got.Filenames, ",") != "a.json,b.json" || got.RepoType != "dataset" ||
		got.Revision != "v1" || got.Include[0] != "*.json" || got.Exclude[0] != "x/" || got.LocalDir != "out" ||
		!got.Force || !got.DryRun || got.MaxWorkers != 3 || got.Connections != 2 || got.LimitRate != 1000 {
		t.Fatalf("parsed options = %+v", got)
	}
	err = execute(t, NewCmd(f, func(context.Context, *Options) error { return nil }), "acme/tiny", "--repo-type", "bogus")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
		t.Fatalf("bad --repo-type: exit %v (%v), want usage", code, err)
	}
	for _, args := range [][]string{
		{"acme/tiny", "--local-dir", "a", "--cache-dir", "b"},
		{"acme/tiny", "data/", "--include", "*.txt"},
	} {
		err = execute(t, NewCmd(f, func(context.Context, *Options) error { return nil }), args...)
		if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
			t.Errorf("%q: exit %v (%v), want usage", args, code, err)
		}
	}
}

func TestDownloadCommandPrintsPaths(t *testing.T) {
	hub := testHub(t)
	f, out, cacheDir := newFactory(t, hub, cmdutil.FormatTable)
	if err := execute(t, NewCmd(f, nil), "acme/tiny", "config.json"); err != nil {
		t.Fatal(err)
	}
	p := strings.TrimSpace(out.String())
	if !strings.HasPrefix(p, filepath.Join(cacheDir, "models--acme--tiny", "snapshots")) || !strings.HasSuffix(p, "config.json") {
		t.Fatalf("printed %q, want the snapshot path of config.json", p)
	}
	if b, _ := os.ReadFile(p); string(b) != `{"a":1}` {
		t.Fatalf("content %q", b)
	}

	out.Reset()
	if err := execute(t, NewCmd(f, nil), "acme/tiny", "--include", "data/"); err != nil {
		t.Fatal(err)
	}
	dir := strings.TrimSpace(out.String())
	if _, err := os.Stat(filepath.Join(dir, "data", "x.txt")); err != nil {
		t.Fatalf("snapshot %s lacks data/x.txt: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "weights.bin")); err == nil {
		t.Fatal("--include did not filter")
	}
}

func TestDownloadCommandJSONAndErrors(t *testing.T) {
	hub := testHub(t)
	f, out, _ := newFactory(t, hub, cmdutil.FormatJSON)
	local := t.TempDir()
	if err := execute(t, NewCmd(f, nil), "acme/tiny", "weights.bin", "config.json", "--local-dir", local); err != nil {
		t.Fatal(err)
	}
	var res struct{ Path string }
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Path != local {
		t.Fatalf("JSON output %q (%v), want path %s", out.String(), err, local)
	}
	if _, err := os.Stat(filepath.Join(local, "data", "x.txt")); err == nil {
		t.Fatal("files not named were downloaded")
	}
	out.Reset()
	if err := execute(t, NewCmd(f, nil), "acme/tiny", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	var infos []struct {
		Filename     string `json:"filename"`
		WillDownload bool   `json:"will_download"`
	}
	if err := json.Unmarshal(out.Bytes(), &infos); err != nil || len(infos) != 4 {
		t.Fatalf("dry run JSON %q (%v)", out.String(), err)
	}
	err := execute(t, NewCmd(f, nil), "acme/tiny", "missing.txt")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Fatalf("missing file: exit %v (%v), want not found", code, err)
	}
}

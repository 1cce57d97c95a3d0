package upload

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

func newFactory(t *testing.T, hub *hubtest.Server) (*cmdutil.Factory, *bytes.Buffer) {
	t.Helper()
	f, out, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token, f.Globals.Format = hub.URL, "hf_w", cmdutil.FormatJSON
	return f, out
}

func exitCode(err error) cmdutil.ExitCode {
	code, _ := cmdutil.ExitCodeOf(err)
	return code
}

func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	return cmdutil.Execute(t.Context(), cmd, args...)
}

func TestUploadCommand(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write))
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "b.bin"), []byte("b\x00"), 0o644)
	os.WriteFile(filepath.Join(dir, "skip.log"), []byte("l"), 0o644)

	f, out := newFactory(t, hub)
	if err := execute(t, NewCmd(f, nil), "alice/new", dir, "--exclude", "*.log", "--private", "--commit-message", "first"); err != nil {
		t.Fatal(err)
	}
	var info struct {
		OID     string `json:"oid"`
		Message string `json:"commit_message"`
	}
	if err := json.Unmarshal(out.Bytes(), &info); err != nil || len(info.OID) != 40 || info.Message != "first" {
		t.Fatalf("output %q: %+v %v", out, info, err)
	}
	repo, err := hub.Store().Repo("model", "alice/new")
	if err != nil || !repo.Private {
		t.Fatalf("repo %+v, %v: want a new private repo", repo, err)
	}
	head, _ := hub.Store().Resolve("model", "alice/new", "main")
	var paths []string
	for _, f := range head.Files() {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, ","); got != ".gitattributes,a.txt,sub/b.bin" {
		t.Fatalf("files = %s", got)
	}

	// One file, to a path in the repo, on a new branch.
	f, _ = newFactory(t, hub)
	if err := execute(t, NewCmd(f, nil), "alice/new", filepath.Join(dir, "a.txt"), "docs/a.txt", "--revision", "dev"); err != nil {
		t.Fatal(err)
	}
	if c, err := hub.Store().Resolve("model", "alice/new", "dev"); err != nil {
		t.Fatal(err)
	} else if _, ok := c.File("docs/a.txt"); !ok {
		t.Error("docs/a.txt missing on dev")
	}

	// Errors: a missing path is a usage error; patterns with a file too.
	f, _ = newFactory(t, hub)
	if err := execute(t, NewCmd(f, nil), "alice/new", filepath.Join(dir, "nope")); exitCode(err) != cmdutil.ExitUsage {
		t.Errorf("missing path: exit %d (%v), want usage", exitCode(err), err)
	}
	f, _ = newFactory(t, hub)
	f.Globals.Token = ""
	if err := execute(t, NewCmd(f, nil), "alice/other", dir); err == nil || exitCode(err) == 0 {
		t.Errorf("anonymous upload: %v", err)
	}
}

func TestUploadLargeFolderCommand(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write))
	dir := t.TempDir()
	for i := range 4 {
		os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".bin"), bytes.Repeat([]byte{byte(i)}, 1000), 0o644)
	}
	f, out := newFactory(t, hub)
	if err := execute(t, NewLargeFolderCmd(f, nil), "alice/big", dir, "--repo-type", "dataset", "--num-workers", "2"); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Files     int `json:"files"`
		Committed int `json:"committed"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Files != 4 || res.Committed != 4 {
		t.Fatalf("output %q: %+v %v", out, res, err)
	}
	f, _ = newFactory(t, hub)
	if err := execute(t, NewLargeFolderCmd(f, nil), "alice/big", dir, "--repo-type", "nope"); exitCode(err) != cmdutil.ExitUsage {
		t.Errorf("bad repo type: exit %d", exitCode(err))
	}
}

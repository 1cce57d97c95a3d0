package cache

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

const (
	commitA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	commitB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// buildCache writes a small Python-layout cache through the library:
// model/org/a with main (commit B) and a detached commit A sharing one blob.
func buildCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c, err := hfcache.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	put := func(commit, name, etag, content string) {
		blob, _ := c.BlobPath("model", "org/a", etag)
		tmp, err := c.CreateBlobTemp("model", "org/a", etag)
		if err != nil {
			t.Fatal(err)
		}
		tmp.WriteString(content)
		if err := c.Publish(tmp, blob); err != nil {
			t.Fatal(err)
		}
		ptr, _ := c.SnapshotPath("model", "org/a", commit, name)
		if err := c.LinkSnapshot(blob, ptr, false); err != nil {
			t.Fatal(err)
		}
	}
	put(commitA, "config.json", strings.Repeat("1", 40), "shared")
	put(commitB, "config.json", strings.Repeat("1", 40), "shared")
	put(commitA, "old.bin", strings.Repeat("2", 64), strings.Repeat("o", 1000))
	put(commitB, "new.bin", strings.Repeat("3", 64), strings.Repeat("n", 500))
	if err := c.WriteRef("model", "org/a", "main", commitB); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run executes `hf cache ARGS` and returns stdout, stderr and the error.
func run(t *testing.T, dir string, args ...string) (string, string, error) {
	t.Helper()
	io, _, out, errOut := cmdutil.Test()
	f := cmdutil.NewFactory(io)
	f.Getenv = func(k string) string {
		if k == "HF_HUB_CACHE" || k == "HF_HOME" {
			return dir
		}
		return ""
	}
	cmd := NewCmd(f)
	format := "table"
	for i, a := range args {
		if a == "--format" {
			format = args[i+1]
			args = append(args[:i:i], args[i+2:]...)
			break
		}
	}
	fm, _ := cmdutil.ParseFormat(format)
	f.Globals.Format = fm
	cmd.SetArgs(append(args, "--cache-dir", dir))
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestLs(t *testing.T) {
	dir := buildCache(t)
	out, _, err := run(t, dir, "ls")
	if err != nil {
		t.Fatal(err)
	}
	if want := "model/org/a\t1506\t0\t3\t"; !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "\tmain\n") {
		t.Errorf("ls = %q, want prefix %q", out, want)
	}
	out, _, err = run(t, dir, "ls", "--revisions", "--sort", "size", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Revisions []struct {
			Commit string   `json:"commit_hash"`
			Size   int64    `json:"size_on_disk"`
			Refs   []string `json:"refs"`
		} `json:"revisions"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err, out)
	}
	if len(doc.Revisions) != 2 || doc.Revisions[0].Commit != commitA || doc.Revisions[0].Size != 1006 || doc.Revisions[1].Refs[0] != "main" {
		t.Errorf("json = %+v", doc)
	}
	out, _, _ = run(t, dir, "ls", "--revisions", "--filter", "refs=main", "--filter", "size<1K")
	if !strings.Contains(out, commitB) || strings.Contains(out, commitA) {
		t.Errorf("filtered ls = %q", out)
	}
	if _, _, err := run(t, dir, "ls", "--filter", "color=blue"); !isUsage(err) {
		t.Errorf("bad filter: %v", err)
	}
	if _, _, err := run(t, dir, "ls", "--sort", "weight"); !isUsage(err) {
		t.Errorf("bad sort: %v", err)
	}
	_, _, err = run(t, filepath.Join(dir, "missing"), "ls")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("missing cache: %v (code %d)", err, code)
	}
}

func isUsage(err error) bool {
	_, ok := errors.AsType[*cmdutil.FlagError](err)
	return ok
}

func TestRmDryRunThenYes(t *testing.T) {
	dir := buildCache(t)
	stdout, stderr, err := run(t, dir, "rm", commitA, "--dry-run")
	if err != nil || !strings.Contains(stderr, "Would free 1.0K") || !strings.Contains(stdout, "revision model/org/a@"+commitA) {
		t.Fatalf("dry run: %v, %q, %q", err, stdout, stderr)
	}
	snap := filepath.Join(dir, "models--org--a", "snapshots", commitA)
	if _, err := os.Stat(snap); err != nil {
		t.Fatal("dry run removed the snapshot")
	}
	// No terminal and no -y: refuse, naming the flag.
	if _, _, err := run(t, dir, "rm", commitA); !isUsage(err) || !strings.Contains(err.Error(), "-y") {
		t.Errorf("rm without -y: %v", err)
	}
	if _, _, err := run(t, dir, "rm", commitA, "-y"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(snap); !os.IsNotExist(err) {
		t.Error("rm -y kept the snapshot")
	}
	_, _, err = run(t, dir, "rm", "model/nobody/none", "-y")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("rm unknown: %v", err)
	}
}

func TestPruneEvictStatsVerify(t *testing.T) {
	dir := buildCache(t)
	out, _, err := run(t, dir, "stats", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var st hfcache.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Revisions != 2 || st.DetachedRevs != 1 || st.SizeOnDisk != 1506 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if _, _, err := run(t, dir, "prune", "-y"); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, dir, "stats", "--format", "json")
	_ = json.Unmarshal([]byte(out), &st)
	if st.Revisions != 1 || st.SizeOnDisk != 506 {
		t.Errorf("after prune: %+v", st)
	}

	// Verify: the blob names in this fixture are not real hashes.
	_, _, err = run(t, dir, "verify", "org/a")
	if !errors.Is(err, cmdutil.ErrSilent) {
		t.Errorf("verify of bad blobs = %v, want a silent failure", err)
	}
	_, _, err = run(t, dir, "verify", "org/none")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("verify unknown: %v", err)
	}

	if _, _, err := run(t, dir, "evict"); !isUsage(err) {
		t.Errorf("evict without --max-size: %v", err)
	}
	_, stderr, err := run(t, dir, "evict", "--max-size", "0", "--dry-run")
	if err != nil || !strings.Contains(stderr, "would evict 1 revision: 506B -> 0B (budget 0B).") {
		t.Errorf("evict dry run: %v %q", err, stderr)
	}
	if _, _, err := run(t, dir, "evict", "--max-size", "0"); !isUsage(err) || !strings.Contains(err.Error(), "-y") {
		t.Errorf("evict without -y and without a terminal: %v", err)
	}
	if _, _, err := run(t, dir, "evict", "--max-size", "0", "-y"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "models--org--a")); !os.IsNotExist(err) {
		t.Error("evict to 0 kept the repo")
	}
}

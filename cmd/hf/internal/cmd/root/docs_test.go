package root

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/docgen"
)

var update = flag.Bool("update", false, "rewrite docs/cli.md and golden files")

// TestDocsUpToDate fails when docs/cli.md does not match the command tree;
// `go test ./cmd/hf/internal/cmd/root -update` rewrites it.
func TestDocsUpToDate(t *testing.T) {
	io, _, _, _ := cmdutil.Test()
	started := false
	got := docgen.Markdown(NewCmd(cmdutil.NewFactory(io), &started))
	path := filepath.Join("..", "..", "..", "..", "..", "docs", "cli.md")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run `go test ./cmd/hf/internal/cmd/root -update`)", path, err)
	}
	if string(want) != got {
		t.Fatalf("docs/cli.md is out of date with the command tree; run `go test ./cmd/hf/internal/cmd/root -update` and commit it")
	}
}

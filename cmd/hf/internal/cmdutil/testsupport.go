package cmdutil

import (
	"bytes"
	"context"
	"path/filepath"

	"github.com/spf13/cobra"
)

// TestFactory returns a factory for command tests: in-memory streams
// ([Test]) and an environment holding only HF_HOME, a new folder of tb
// (a *testing.T), so no test reads the real token or cache. It returns
// the factory, its stdout and stderr, and the hub cache folder inside
// HF_HOME.
func TestFactory(tb interface{ TempDir() string }) (f *Factory, out, errOut *bytes.Buffer, cacheDir string) {
	ios, _, out, errOut := Test()
	f = NewFactory(ios)
	home := tb.TempDir()
	f.Getenv = func(k string) string {
		if k == "HF_HOME" {
			return home
		}
		return ""
	}
	return f, out, errOut, filepath.Join(home, "hub")
}

// Execute runs cmd with args as a test does: cobra's own output (usage,
// errors) is discarded, the command's output goes to its factory's streams.
func Execute(ctx context.Context, cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(new(bytes.Buffer))
	cmd.SetErr(new(bytes.Buffer))
	return cmd.ExecuteContext(ctx)
}

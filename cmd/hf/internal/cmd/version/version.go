// Package version implements `hf version`.
package version

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf version` needs.
type Options struct {
	Printer func() *cmdutil.Printer
	// Build returns what to print; cmdutil.Build unless a test replaces it.
	Build func() cmdutil.BuildInfo
}

// Info is what `hf version --format json` prints.
type Info = cmdutil.BuildInfo

// NewCmd returns `hf version`. A non-nil runF runs instead of the command's
// own run function, so tests can check flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Printer: f.Printer, Build: cmdutil.Build}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of hf",
		Long: `Print the version of hf, the Go version it was built with and the platform.
The version is the module version for a binary installed with
` + "`go install github.com/hfhub-go/hfhub/cmd/hf@<version>`" + `; for a build from a
git work tree it is the commit (12 hex digits) with "-dirty" when the tree had
uncommitted changes. --format json adds the full commit, its time and the
version of the hfhub library.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
}

func run(_ context.Context, opts *Options) error {
	p := opts.Printer()
	info := opts.Build()
	if p.IsJSON() {
		return p.JSON(info)
	}
	p.Line("hf %s (%s %s/%s)", info.Version, info.Go, info.OS, info.Arch)
	return nil
}

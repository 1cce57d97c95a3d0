// Package version implements `hf version`.
package version

import (
	"context"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf version` needs.
type Options struct {
	Printer func() *cmdutil.Printer
}

// Info is what `hf version --format json` prints.
type Info struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// NewCmd returns `hf version`. A non-nil runF runs instead of the command's
// own run function, so tests can check flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Printer: f.Printer}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of hf",
		Args:  cobra.NoArgs,
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
	info := Info{Version: cmdutil.Version(), Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if p.IsJSON() {
		return p.JSON(info)
	}
	p.Line("hf %s (%s %s/%s)", info.Version, info.Go, info.OS, info.Arch)
	return nil
}

// Package datasets implements `hf datasets
// ls|info|configs|splits|files|parquet|rows|search`.
package datasets

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf datasets` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := repolist.NewGroupCmd(f, hfhub.RepoDataset, "Browse datasets on the Hub")
	cmd.AddCommand(DiscoveryCmds(f)...)
	cmd.AddCommand(ViewerCmds(f)...)
	return cmd
}

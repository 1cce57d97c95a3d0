// Package spaces implements `hf spaces ls|info`.
package spaces

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf spaces` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spaces <command>",
		Short: "Browse Spaces on the Hub",
	}
	cmd.AddCommand(
		repolist.NewListCmd(f, hfhub.RepoSpace, nil),
		repolist.NewInfoCmd(f, hfhub.RepoSpace, nil),
	)
	return cmd
}

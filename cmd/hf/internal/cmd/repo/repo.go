// Package repo implements the `hf repo` group (alias `hf repos`). This file
// wires the verbs; each verb has its own file.
package repo

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repowrite"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf repo` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "repo <command>",
		Aliases: []string{"repos"},
		Short:   "Work with repositories on the Hub",
	}
	cmd.AddCommand(repolist.NewTreeCmd(f, nil))
	cmd.AddCommand(repowrite.NewCmds(f)...)
	return cmd
}

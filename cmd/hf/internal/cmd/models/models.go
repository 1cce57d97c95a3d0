// Package models implements `hf models ls|info`.
package models

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf models` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models <command>",
		Short: "Browse models on the Hub",
	}
	cmd.AddCommand(
		repolist.NewListCmd(f, hfhub.RepoModel, nil),
		repolist.NewInfoCmd(f, hfhub.RepoModel, nil),
	)
	return cmd
}

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
	return repolist.NewGroupCmd(f, hfhub.RepoModel, "Browse models on the Hub")
}

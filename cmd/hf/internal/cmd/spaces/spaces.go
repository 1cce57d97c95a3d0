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
	return repolist.NewGroupCmd(f, hfhub.RepoSpace, "Browse Spaces on the Hub")
}

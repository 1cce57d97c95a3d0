// Package repolist holds the commands the three repo nouns share:
// `hf models|datasets|spaces ls` (repos on the Hub, or files of one repo) and
// `hf models|datasets|spaces info` and `card`, plus the file listing
// behind `hf repos tree`. The nouns' packages wire these with their repo type.
package repolist

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewGroupCmd returns the `hf models|datasets|spaces` group of repo type rt
// with its ls and info verbs; a noun may add more.
func NewGroupCmd(f *cmdutil.Factory, rt hfhub.RepoType, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use: rt.String() + "s <command>", Short: short,
		// hf datasets info hf://datasets/org/name@rev; a repo id of another type is refused.
		Annotations: map[string]string{cmdutil.AnnotationRepoType: rt.String()},
	}
	cmd.AddCommand(NewListCmd(f, rt, nil), NewInfoCmd(f, rt, nil), NewCardCmd(f, rt, nil))
	return cmd
}

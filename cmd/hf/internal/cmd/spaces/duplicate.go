package spaces

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repowrite"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// newDuplicateCmd is `hf repos duplicate` for Spaces: the same flags, the
// repo type preset.
func newDuplicateCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := repowrite.NewDuplicateCmd(f, nil)
	cmd.Use = "duplicate <from-space-id> [<to-space-id>]"
	cmd.Short = "Copy a Space (files and settings) into a new one"
	cmd.Long = "Copy a Space with its files and runtime settings; the same as `hf repos duplicate --repo-type space`.\n\n" + cmd.Long
	cmd.Example = "  $ hf spaces duplicate acme/demo\n  $ hf spaces duplicate acme/demo me/demo-copy --private --flavor t4-small -s OPENAI_API_KEY"
	for _, name := range []string{"repo-type", "type"} {
		if fl := cmd.Flags().Lookup(name); fl != nil {
			fl.DefValue = "space"
			_ = fl.Value.Set("space") // "space" is always a valid repo type
			fl.Hidden = true
		}
	}
	return cmd
}

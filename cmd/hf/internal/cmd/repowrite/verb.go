package repowrite

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// verb is what every write verb does the same way: take the positional
// arguments into its options, parse --repo-type, check the flags, then hand
// the options to runF (tests) or act with a client.
type verb[O any] struct {
	opts     *O
	repoType *string                                                    // the options' RepoType, bound to --repo-type
	runF     func(context.Context, *O) error                            // non-nil in tests: runs instead of act
	args     func(args []string)                                        // stores the positional arguments in opts
	check    func(rt hfhub.RepoType) error                              // optional: refuses bad flags (usage errors) before anything runs
	act      func(context.Context, *hfhub.Client, hfhub.RepoType) error // the verb itself

	// ask, for destructive verbs, is the question to confirm (-y/--yes,
	// bound to yes, skips it; without a terminal it is refused).
	ask func(rt hfhub.RepoType) string
	yes *bool
}

// install adds --type (and -y/--yes for a verb that asks) to cmd and
// makes the verb its run function.
func (v verb[O]) install(f *cmdutil.Factory, cmd *cobra.Command) *cobra.Command {
	cmdutil.RepoTypeFlag(cmd, v.repoType)
	if v.ask != nil {
		cmdutil.YesFlag(cmd, v.yes)
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		v.args(args)
		rt, err := cmdutil.ParseRepoType(*v.repoType)
		if err != nil {
			return err
		}
		if v.check != nil {
			if err := v.check(rt); err != nil {
				return err
			}
		}
		if v.runF != nil {
			return v.runF(cmd.Context(), v.opts)
		}
		if v.ask != nil {
			if err := cmdutil.Confirm(f.IO, *v.yes, v.ask(rt)); err != nil {
				return err
			}
		}
		c, err := f.Client()
		if err != nil {
			return err
		}
		return v.act(cmd.Context(), c, rt)
	}
	return cmd
}

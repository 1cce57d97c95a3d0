package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// rejectUnknownSubcommands makes every command group under cmd (hf repo,
// hf auth, hf repo tag, ...) fail with a usage error naming the unknown
// subcommand, instead of printing its help and exiting 0 as cobra does for
// a group that cannot run itself. A group given no argument still prints
// its help.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		rejectUnknownSubcommands(c)
		if !c.HasSubCommands() || c.Runnable() {
			continue
		}
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2
		}
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			err := fmt.Errorf("unknown command %q for %q", args[0], c.CommandPath())
			hint := fmt.Sprintf("see `%s --help`", c.CommandPath())
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				for i := range s {
					s[i] = "`" + c.CommandPath() + " " + s[i] + "`"
				}
				hint = "did you mean " + strings.Join(s, " or ") + "? See `" + c.CommandPath() + " --help`"
			}
			return cmdutil.NewError(cmdutil.ExitUsage, hint, &cmdutil.FlagError{Err: err})
		}
	}
}

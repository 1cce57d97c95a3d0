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

// explainArgs rewrites cobra's argument-count errors ("accepts 1 arg(s),
// received 0", or "unknown command" for an extra argument to a command that
// takes none) into one that shows the command's usage line, for cmd and
// every command under it.
func explainArgs(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		explainArgs(c)
	}
	orig := cmd.Args
	if orig == nil || cmd.HasSubCommands() {
		return
	}
	cmd.Args = func(c *cobra.Command, args []string) error {
		err := orig(c, args)
		if err == nil {
			return nil
		}
		msg := err.Error()
		usage := strings.TrimSuffix(c.UseLine(), " [flags]")
		switch {
		case strings.HasPrefix(msg, "unknown command ") && len(args) > 0:
			return fmt.Errorf("%s takes no arguments, got %q", c.CommandPath(), args[0])
		case strings.Contains(msg, "arg(s)"):
			if len(args) == 0 {
				return fmt.Errorf("missing arguments; usage: %s", usage)
			}
			return fmt.Errorf("wrong number of arguments (got %d); usage: %s", len(args), usage)
		}
		return err
	}
}

package auth

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewSwitchCmd returns `hf auth switch`. A non-nil runF runs instead of the
// command's own run function.
func NewSwitchCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "switch",
		Short: "Make another stored token the active one",
		Long: `Make a stored token the active one. Without --token-name, hf asks which one on
a terminal, and fails otherwise. Differs from the Python CLI: no
--add-to-git-credential.`,
		Example: "  $ hf auth switch --token-name my-token",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSwitch(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TokenName, "token-name", "", "`name` of the stored token to switch to")
	return cmd
}

func runSwitch(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	name := opts.TokenName
	if name == "" {
		if !opts.IO.CanPrompt() {
			return cmdutil.FlagErrorf("--token-name is required when stdin is not a terminal")
		}
		toks, err := c.ListTokens(ctx)
		if err != nil {
			return err
		}
		if len(toks) == 0 {
			return cmdutil.Errorf(cmdutil.ExitNotFound, "run `hf auth login` first", "no stored tokens")
		}
		for i, t := range toks {
			fmt.Fprintf(opts.IO.ErrOut, "  %d) %s\n", i+1, t.Name)
		}
		fmt.Fprint(opts.IO.ErrOut, "Switch to token number: ")
		line, err := opts.IO.ReadLine()
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil || n < 1 || n > len(toks) {
			return cmdutil.FlagErrorf("%q is not a number between 1 and %d", strings.TrimSpace(line), len(toks))
		}
		name = toks[n-1].Name
	}
	if err := c.SwitchToken(ctx, name); err != nil {
		return err
	}
	p := opts.Printer()
	p.Infof("The active token is now %q.", name)
	if p.IsJSON() {
		return p.JSON(map[string]string{"token_name": name})
	}
	return nil
}

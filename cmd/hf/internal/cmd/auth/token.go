package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewTokenCmd returns `hf auth token`: the active token on stdout, for
// scripts. A non-nil runF runs instead of the command's own run function.
func NewTokenCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	return &cobra.Command{
		Use:   "token",
		Short: "Print the active access token",
		Long: `Print the token requests would send (--token, HF_TOKEN, or the stored active
token), unmasked, on stdout; with --format json as {"token": ...}. Not logged
in: exit 4.`,
		Example: "  $ hf auth token\n  $ curl -H \"Authorization: Bearer $(hf auth token)\" https://huggingface.co/api/whoami-v2",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runToken(opts)
		},
	}
}

func runToken(opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	tok, ok := c.Token()
	if !ok {
		return cmdutil.Errorf(cmdutil.ExitAuth, "run `hf auth login` first, or set HF_TOKEN", "not logged in: no token")
	}
	p := opts.Printer()
	if p.IsJSON() {
		return p.JSON(map[string]string{"token": tok})
	}
	p.Line("%s", tok)
	p.Infof("Run `hf auth whoami` to see which account this token belongs to.")
	return nil
}

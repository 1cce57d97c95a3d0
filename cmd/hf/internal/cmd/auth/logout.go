package auth

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewLogoutCmd returns `hf auth logout`. A non-nil runF runs instead of the
// command's own run function.
func NewLogoutCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Log out: delete the active token, or one stored token",
		Long: `Without --token-name, delete the active token and every stored token. With
--token-name, delete that stored token (and the active token if it is the same).
A token set through HF_TOKEN stays in effect: hf says so.`,
		Example: "  $ hf auth logout\n  $ hf auth logout --token-name my-token",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogout(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TokenName, "token-name", "", "`name` of the stored token to delete")
	return cmd
}

func runLogout(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	cfg := c.Config()
	wasLoggedIn := fileExists(cfg.TokenPath) || fileExists(cfg.StoredTokensPath)
	if err := c.Logout(ctx, opts.TokenName); err != nil {
		return err
	}
	p := opts.Printer()
	switch {
	case opts.TokenName != "":
		p.Infof("Deleted the stored token %q.", opts.TokenName)
	case wasLoggedIn:
		p.Infof("Logged out: the active and stored tokens are deleted.")
	default:
		p.Infof("Not logged in: there was no token at %s.", cfg.TokenPath)
	}
	if p.IsJSON() {
		return p.JSON(map[string]any{"logged_out": true, "token_name": opts.TokenName})
	}
	return nil
}

// fileExists reports whether p names an existing file.
func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

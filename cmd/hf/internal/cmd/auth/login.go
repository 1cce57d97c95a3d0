package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// LoginResult is what `hf auth login --format json` prints.
type LoginResult struct {
	User      string `json:"user"`
	TokenName string `json:"token_name,omitempty"`
	Skipped   bool   `json:"skipped,omitempty"` // already logged in, nothing changed
}

// NewLoginCmd returns `hf auth login`. A non-nil runF runs instead of the
// command's own run function.
func NewLoginCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in with an access token from <endpoint>/settings/tokens",
		Long: `Check an access token with the Hub and save it as the active token (and under
its name among the stored tokens), as the Python client does.

The token comes from --token; else, on a terminal, a prompt that does not echo
it; else one line read from stdin (echo $TOKEN | hf auth login).

Differs from the Python CLI: no browser (OAuth device) login and no
--add-to-git-credential.`,
		Example: "  $ hf auth login\n  $ hf auth login --token $HF_TOKEN\n  $ echo $HF_TOKEN | hf auth login",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Token = f.Globals.Token
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "log in again even if a valid token is already active")
	return cmd
}

func runLogin(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	p := opts.Printer()
	token := opts.Token
	if token == "" {
		if !opts.Force {
			if u, err := c.WhoAmI(ctx); err == nil {
				p.Infof("Already logged in as %s. Use `hf auth login --force` to log in again.", u.Name)
				return emitLogin(p, LoginResult{User: u.Name, Skipped: true})
			} else if errors.Is(err, context.Canceled) {
				return err
			}
		}
		prompt := fmt.Sprintf("Enter your token (from %s/settings/tokens; input is hidden): ", c.Endpoint())
		token, err = opts.IO.ReadSecret(prompt)
		if err != nil {
			return err
		}
		if token == "" {
			return cmdutil.FlagErrorf("no token given: pass --token, or type or pipe it on stdin")
		}
	}
	u, err := c.Login(ctx, token)
	if errors.Is(err, hfhub.ErrUnauthorized) {
		return cmdutil.NewError(cmdutil.ExitAuth, "the Hub rejected this token: check that you copied all of it and that it is not revoked or expired", err)
	}
	if err != nil {
		return err
	}
	name := ""
	if u.Auth != nil && u.Auth.AccessToken != nil {
		name = u.Auth.AccessToken.DisplayName
	}
	if name != "" {
		p.Infof("Login successful: logged in as %s (token saved as %q).", u.Name, name)
	} else {
		p.Infof("Login successful: logged in as %s.", u.Name)
	}
	return emitLogin(p, LoginResult{User: u.Name, TokenName: name})
}

func emitLogin(p *cmdutil.Printer, r LoginResult) error {
	if p.IsJSON() {
		return p.JSON(r)
	}
	return nil
}

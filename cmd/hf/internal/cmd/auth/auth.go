// Package auth implements `hf auth login|logout|whoami|list|switch|token`.
package auth

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf auth` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Manage authentication (login, logout, whoami, stored tokens)",
		Long: `Manage access tokens. Tokens are stored exactly where the Python client keeps
them ($HF_HOME/token and $HF_HOME/stored_tokens), so both tools share a login.`,
	}
	cmd.AddCommand(
		NewLoginCmd(f, nil),
		NewLogoutCmd(f, nil),
		NewWhoamiCmd(f, nil),
		NewListCmd(f, nil),
		NewSwitchCmd(f, nil),
		NewTokenCmd(f, nil),
	)
	return cmd
}

// Options is what the auth commands need.
type Options struct {
	IO      *cmdutil.IOStreams
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	Token     string // login: --token (global flag)
	TokenName string // logout, switch: --token-name
	Force     bool   // login: --force
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IO, Printer: f.Printer, Client: f.Client}
}

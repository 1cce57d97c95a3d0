package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// TokenEntry is one stored token in `hf auth list --format json`; the token
// itself is masked.
type TokenEntry struct {
	Name   string `json:"name"`
	Token  string `json:"token"`
	Active bool   `json:"active"`
}

// NewListCmd returns `hf auth list` (alias ls). A non-nil runF runs instead
// of the command's own run function.
func NewListCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the stored access tokens (masked)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
}

func runList(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	toks, err := c.ListTokens(ctx)
	if err != nil {
		return err
	}
	entries := make([]TokenEntry, 0, len(toks))
	var rows [][]string
	for _, t := range toks {
		e := TokenEntry{Name: t.Name, Token: hfhub.MaskToken(t.Token), Active: t.Active}
		entries = append(entries, e)
		active := ""
		if t.Active {
			active = "*"
		}
		rows = append(rows, []string{e.Name, e.Token, active})
	}
	p := opts.Printer()
	if len(toks) == 0 {
		p.Infof("No stored tokens. Run `hf auth login` to add one.")
	}
	return p.Table([]string{"NAME", "TOKEN", "ACTIVE"}, rows, entries)
}

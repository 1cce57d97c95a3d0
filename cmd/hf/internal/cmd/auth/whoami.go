package auth

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewWhoamiCmd returns `hf auth whoami`. A non-nil runF runs instead of the
// command's own run function.
func NewWhoamiCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	return &cobra.Command{
		Use:     "whoami",
		Short:   "Show which account the active token belongs to",
		Example: "  $ hf auth whoami\n  $ hf auth whoami --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runWhoami(cmd.Context(), opts)
		},
	}
}

func runWhoami(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	u, err := c.WhoAmI(ctx)
	if err != nil {
		return err
	}
	var orgs []string
	for _, o := range u.Orgs {
		orgs = append(orgs, o.Name)
	}
	fields := [][2]string{{"user", u.Name}}
	if len(orgs) > 0 {
		fields = append(fields, [2]string{"orgs", strings.Join(orgs, ",")})
	}
	if u.Auth != nil && u.Auth.AccessToken != nil {
		fields = append(fields, [2]string{"token", u.Auth.AccessToken.DisplayName + " (" + u.Auth.AccessToken.Role + ")"})
	}
	fields = append(fields, [2]string{"endpoint", c.Endpoint()})
	return opts.Printer().Fields(fields, u)
}

package repowrite

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// SettingsOptions is everything `hf repo settings` needs.
type SettingsOptions struct {
	F        *cmdutil.Factory
	RepoID   string
	RepoType string
	Gated    string // "", "auto", "manual" or "false"
	Private  string // "", "true" or "false" (--private, --private=false, --public)
	Public   bool
}

// NewSettingsCmd returns `hf repo settings`.
func NewSettingsCmd(f *cmdutil.Factory, runF func(context.Context, *SettingsOptions) error) *cobra.Command {
	opts := &SettingsOptions{F: f}
	var s hfhub.RepoSettings // built by check from the flags
	cmd := verb[SettingsOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.RepoID = args[0] },
		check: func(rt hfhub.RepoType) error {
			s = hfhub.RepoSettings{RepoType: rt}
			switch opts.Gated {
			case "":
			case "auto", "manual":
				g := hfhub.Gated(opts.Gated)
				s.Gated = &g
			case "false", "none":
				g := hfhub.GatedNone
				s.Gated = &g
			default:
				return cmdutil.FlagErrorf("--gated must be auto, manual or false, not %q", opts.Gated)
			}
			if opts.Public {
				if opts.Private == "true" {
					return cmdutil.FlagErrorf("--private and --public contradict each other: give one")
				}
				opts.Private = "false"
			}
			if opts.Private != "" {
				v, err := strconv.ParseBool(opts.Private)
				if err != nil {
					return cmdutil.FlagErrorf("--private must be true or false, not %q", opts.Private)
				}
				s.Private = &v
			}
			if s.Gated == nil && s.Private == nil {
				return cmdutil.FlagErrorf("nothing to change: give --private, --public or --gated")
			}
			return nil
		},
		act: func(ctx context.Context, c *hfhub.Client, _ hfhub.RepoType) error {
			if err := c.UpdateRepoSettings(ctx, opts.RepoID, s); err != nil {
				return err
			}
			return done(f.Printer(), "Updated settings of "+opts.RepoID, map[string]any{"repo_id": opts.RepoID, "private": opts.Private, "gated": opts.Gated})
		},
	}.install(f, &cobra.Command{
		Use:   "settings <repo-id>",
		Short: "Change a repo's visibility or gating",
		Long: `Change a repo's visibility (--private, --public) or its access requests
(--gated auto|manual|false). Differs from the Python CLI: no --protected.`,
		Example: "  $ hf repos settings acme/model --private\n  $ hf repos settings acme/model --gated manual\n  $ hf repos settings acme/model --public --gated false",
		Args:    cobra.ExactArgs(1),
	})
	cmd.Flags().StringVar(&opts.Gated, "gated", "", "access requests: auto, manual or false")
	cmd.Flags().StringVar(&opts.Private, "private", "", "make the repo private (--private=false: public)")
	cmd.Flags().Lookup("private").NoOptDefVal = "true"
	cmd.Flags().BoolVar(&opts.Public, "public", false, "make the repo public")
	return cmd
}

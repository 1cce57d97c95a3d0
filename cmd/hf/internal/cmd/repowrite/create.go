package repowrite

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// CreateOptions is everything `hf repo create` needs.
type CreateOptions struct {
	F        *cmdutil.Factory
	RepoID   string
	RepoType string
	Private  bool
	Public   bool
	ExistOK  bool
	SpaceSDK string
}

// NewCreateCmd returns `hf repo create`.
func NewCreateCmd(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{F: f}
	cmd := verb[CreateOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.RepoID = args[0] },
		check: func(rt hfhub.RepoType) error {
			if opts.Private && opts.Public {
				return cmdutil.FlagErrorf("--private and --public contradict each other: give one")
			}
			if rt == hfhub.RepoSpace && opts.SpaceSDK == "" {
				return cmdutil.FlagErrorf("a Space needs --space-sdk (gradio, streamlit, docker or static)")
			}
			return nil
		},
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			u, err := c.CreateRepo(ctx, opts.RepoID, &hfhub.CreateRepoOptions{RepoType: rt, Private: opts.Private, ExistOK: opts.ExistOK, SpaceSDK: opts.SpaceSDK})
			if errors.Is(err, hfhub.ErrConflict) {
				return cmdutil.NewError(cmdutil.ExitError, "pass --exist-ok to accept a repo that already exists", err)
			}
			if err != nil {
				return err
			}
			return done(f.Printer(), u.URL, map[string]any{"url": u.URL, "repo_id": u.RepoID, "repo_type": rt.String()})
		},
	}.install(f, &cobra.Command{
		Use:   "create <repo-id>",
		Short: "Create a repo on the Hub",
		Example: `  $ hf repo create acme/model --private
  $ hf repo create acme/demo --repo-type space --space-sdk gradio`,
		Args: cobra.ExactArgs(1),
	})
	fl := cmd.Flags()
	fl.BoolVar(&opts.Private, "private", false, "make the repo private")
	fl.BoolVar(&opts.ExistOK, "exist-ok", false, "succeed if the repo already exists")
	fl.BoolVar(&opts.Public, "public", false, "make the repo public (the default)")
	fl.StringVar(&opts.SpaceSDK, "space-sdk", "", "SDK of a Space: gradio, streamlit, docker or static (also --sdk)")
	fl.SetNormalizeFunc(sdkAlias(fl.GetNormalizeFunc()))
	return cmd
}

// sdkAlias adds --sdk (the Python CLI's spelling) for --space-sdk to a flag
// set's normalisation (which already maps --repo-type to --type).
func sdkAlias(next func(*pflag.FlagSet, string) pflag.NormalizedName) func(*pflag.FlagSet, string) pflag.NormalizedName {
	return func(f *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "sdk" {
			name = "space-sdk"
		}
		return next(f, name)
	}
}

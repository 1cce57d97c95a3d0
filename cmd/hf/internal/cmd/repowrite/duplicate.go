package repowrite

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// DuplicateOptions is everything `hf repos duplicate` needs.
type DuplicateOptions struct {
	F        *cmdutil.Factory
	From, To string
	RepoType string

	Private, Public, Protected bool
	ExistOK                    bool

	// Spaces only.
	Flavor, Storage string
	SleepTime       int64
	Env             cmdutil.EnvFlags
	Volumes         []string
}

// NewDuplicateCmd returns `hf repos duplicate`.
func NewDuplicateCmd(f *cmdutil.Factory, runF func(context.Context, *DuplicateOptions) error) *cobra.Command {
	opts := &DuplicateOptions{F: f}
	var do hfhub.DuplicateRepoOptions // built by check
	var cmd *cobra.Command
	cmd = verb[DuplicateOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) {
			opts.From, opts.To = args[0], ""
			if len(args) == 2 {
				opts.To = args[1]
			}
		},
		check: func(rt hfhub.RepoType) error {
			do = hfhub.DuplicateRepoOptions{RepoType: rt, To: opts.To, ExistOK: opts.ExistOK, SpaceHardware: opts.Flavor, SpaceStorage: opts.Storage}
			n := 0
			for vis, on := range map[string]bool{"private": opts.Private, "public": opts.Public, "protected": opts.Protected} {
				if on {
					do.Visibility = vis
					n++
				}
			}
			if n > 1 {
				return cmdutil.FlagErrorf("give one of --private, --public and --protected")
			}
			if cmd.Flags().Changed("sleep-time") {
				do.SpaceSleepTime = &opts.SleepTime
			}
			if rt != hfhub.RepoSpace {
				for _, name := range []string{"flavor", "storage", "sleep-time", "env", "env-file", "secrets", "secrets-file", "volume", "protected"} {
					if cmd.Flags().Changed(name) {
						return cmdutil.FlagErrorf("--%s is only for Spaces (--type space)", name)
					}
				}
			}
			tok := ""
			if c, err := f.Client(); err == nil {
				tok, _ = c.Token()
			}
			vars, secrets, err := opts.Env.Parse(f.Getenv, tok)
			if err != nil {
				return err
			}
			do.SpaceVariables, do.SpaceSecrets = vars, secrets
			if do.SpaceVolumes, err = cmdutil.ParseVolumes(opts.Volumes); err != nil {
				return err
			}
			return nil
		},
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			u, err := c.DuplicateRepo(ctx, opts.From, &do)
			if errors.Is(err, hfhub.ErrConflict) {
				return cmdutil.NewError(cmdutil.ExitError, "pass --exist-ok to accept a repo that already exists", err)
			}
			if err != nil {
				return err
			}
			return done(f.Printer(), u.URL, map[string]any{"from": opts.From, "to": u.RepoID, "url": u.URL, "repo_type": rt.String()})
		},
	}.install(f, &cobra.Command{
		Use:   "duplicate <from-id> [<to-id>]",
		Short: "Copy a repo on the Hub (model, dataset or Space), history included",
		Long: `Copy a repo on the Hub, its history and large files included, without
downloading anything. <to-id> defaults to your namespace and the same name; a
bare name goes into your namespace. A Space copy can get its own hardware,
sleep time, variables, secrets and volumes.`,
		Example: `  $ hf repos duplicate openai/gdpval --type dataset
  $ hf repos duplicate acme/app my-app --type space --flavor t4-small --secrets HF_TOKEN --private
  $ hf repos duplicate acme/app my-app --type space -v hf://acme/model:/models -v hf://buckets/acme/b:/data`,
		Args: cobra.RangeArgs(1, 2),
	})
	fl := cmd.Flags()
	fl.BoolVar(&opts.Private, "private", false, "make the copy private")
	fl.BoolVar(&opts.Public, "public", false, "make the copy public")
	fl.BoolVar(&opts.Protected, "protected", false, "make the copy protected (Spaces)")
	fl.BoolVar(&opts.ExistOK, "exist-ok", false, "succeed if the target already exists")
	fl.StringVar(&opts.Flavor, "flavor", "", "Space hardware `flavor`, e.g. cpu-basic, t4-medium")
	fl.StringVar(&opts.Storage, "storage", "", "Space persistent storage `tier`: small, medium or large")
	fl.Int64Var(&opts.SleepTime, "sleep-time", 0, "`seconds` of inactivity before the Space sleeps (-1: never)")
	cmdutil.AddEnvFlags(cmd, &opts.Env)
	cmdutil.VolumeFlag(cmd, &opts.Volumes)
	return cmd
}

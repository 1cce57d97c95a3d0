package cache

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hfuri"
)

// RmOptions is everything `hf cache rm` needs.
type RmOptions struct {
	Common
	Targets []string
	DryRun  bool
	Yes     bool
}

// NewRmCmd returns `hf cache rm`.
func NewRmCmd(f *cmdutil.Factory, runF func(context.Context, *RmOptions) error) *cobra.Command {
	opts := &RmOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "rm <target>...",
		Short: "Remove repos or revisions from the cache",
		Long: `Remove repos or revisions from the cache. A target is a revision hash
(40 hex digits), a cache id such as model/gpt2 or dataset/ibm/duorc, a repo
id (org/name, a model), or a repo's hf:// URI (hf://datasets/ibm/duorc). A repo whose revisions are all removed is removed
whole; otherwise blobs still used by a remaining revision stay (the Python
client's strategy). Asks before removing unless -y; --dry-run only shows the
plan and the space it would free.`,
		Example: "  $ hf cache rm model/gpt2\n  $ hf cache rm hf://models/openai-community/gpt2\n  $ hf cache rm 4b1e0a...  --dry-run\n  $ hf cache rm dataset/ibm/duorc -y",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			for i, a := range args {
				if !hfuri.IsURI(a) {
					continue
				}
				u, err := hfuri.Parse(a)
				if err != nil {
					return &cmdutil.FlagError{Err: err}
				}
				if !u.IsRepo() || u.Revision != "" || u.Path != "" {
					return cmdutil.FlagErrorf("%q: hf cache rm takes a repo's hf:// URI, without revision or path (give a revision by its hash)", a)
				}
				opts.Targets[i] = string(u.RepoType) + "/" + u.ID
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRm(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be removed and the space freed; remove nothing")
	cmdutil.YesFlag(cmd, &opts.Yes)
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

func runRm(cmd *cobra.Command, opts *RmOptions) error {
	ca, rep, err := opts.scan(cmd)
	if err != nil {
		return err
	}
	plan, err := rep.PlanDelete(opts.Targets...)
	if err != nil {
		return cmdutil.FlagErrorf("%w", err)
	}
	if plan.Empty() && len(plan.Warnings) == len(opts.Targets) {
		return cmdutil.Errorf(cmdutil.ExitNotFound, "see `hf cache ls` for what is cached", "no target found in the cache")
	}
	return runPlan(cmd, &opts.Common, ca, plan, opts.DryRun, opts.Yes)
}

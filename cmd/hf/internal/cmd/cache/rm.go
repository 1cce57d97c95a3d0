package cache

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
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
(40 hex digits), a cache id such as model/gpt2 or dataset/ibm/duorc, or a repo
id (org/name, a model). A repo whose revisions are all removed is removed
whole; otherwise blobs still used by a remaining revision stay (the Python
client's strategy). Asks before removing unless -y; --dry-run only shows the
plan and the space it would free.`,
		Example: "  $ hf cache rm model/gpt2\n  $ hf cache rm 4b1e0a...  --dry-run\n  $ hf cache rm dataset/ibm/duorc -y",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRm(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be removed and the space freed; remove nothing")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
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

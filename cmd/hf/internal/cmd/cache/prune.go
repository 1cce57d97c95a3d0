package cache

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// PruneOptions is everything `hf cache prune` needs.
type PruneOptions struct {
	Common
	DryRun    bool
	Yes       bool
	OlderThan time.Duration
}

// NewPruneCmd returns `hf cache prune`.
func NewPruneCmd(f *cmdutil.Factory, runF func(context.Context, *PruneOptions) error) *cobra.Command {
	opts := &PruneOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove detached revisions, orphan blobs, stale partial downloads and lock files",
		Long: `Remove what the cache accumulates and nobody needs: revisions no ref
points to (detached), blobs no snapshot uses, partial downloads
(blobs/*.incomplete) and lock files that no process holds right now. Files
whose lock another process holds are kept. The Python CLI's prune removes
only detached revisions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.OlderThan < 0 {
				return cmdutil.FlagErrorf("--older-than must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPrune(cmd, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be removed and the space freed; remove nothing")
	cmdutil.YesFlag(cmd, &opts.Yes)
	cmd.Flags().DurationVar(&opts.OlderThan, "older-than", 0, "only remove partial downloads and lock files older than this `duration` (e.g. 24h)")
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

func runPrune(cmd *cobra.Command, opts *PruneOptions) error {
	ca, rep, err := opts.scan(cmd)
	if err != nil {
		return err
	}
	plan, err := ca.PlanPrune(cmd.Context(), rep, &hfcache.PruneOptions{OlderThan: opts.OlderThan})
	if err != nil {
		return err
	}
	return runPlan(cmd, &opts.Common, ca, plan, opts.DryRun, opts.Yes)
}

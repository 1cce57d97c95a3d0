package cache

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// EvictOptions is everything `hf cache evict` needs.
type EvictOptions struct {
	Common
	MaxSize string
	DryRun  bool
	Yes     bool
}

// NewEvictCmd returns `hf cache evict`.
func NewEvictCmd(f *cmdutil.Factory, runF func(context.Context, *EvictOptions) error) *cobra.Command {
	opts := &EvictOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "evict --max-size <size>",
		Short: "Remove least recently used revisions until the cache fits a size",
		Long: `Remove the least recently used revisions until the cache is at most
--max-size (50G, 800M, 1.5T, 10GiB...; K/M/G/T are powers of 1000, Ki/Mi/Gi
powers of 1024). The size counted is the blobs plus the archives hf extracted
(total_size in hf cache stats); an extracted archive goes with its blob.
Last use is when hf last read or downloaded a revision (recorded on the
snapshot folder), or the blobs' access time if later.
Blobs a remaining revision still uses stay; a revision whose files another
process has locked (a download in progress) is skipped. Not in the Python CLI.

To keep the cache under a budget automatically, set HF_HUB_CACHE_MAX_SIZE
(e.g. 50G): every hf download that adds files then evicts the same way,
never touching the revision it just downloaded.

hf asks before removing anything; -y (--yes) skips the question and is
needed when stdin is not a terminal (cron).`,
		Example: "  $ hf cache evict --max-size 50G --dry-run\n  $ hf cache evict --max-size 50G --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.MaxSize == "" {
				return cmdutil.FlagErrorf("--max-size is required, e.g. --max-size 50G")
			}
			if _, err := hfcache.ParseSize(opts.MaxSize); err != nil {
				return cmdutil.FlagErrorf("--max-size: %w", err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEvict(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.MaxSize, "max-size", "", "size `budget` for the cache, e.g. 50G")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be evicted; remove nothing")
	cmdutil.YesFlag(cmd, &opts.Yes)
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

func runEvict(cmd *cobra.Command, opts *EvictOptions) error {
	max, _ := hfcache.ParseSize(opts.MaxSize) // checked in RunE
	ca, err := opts.Open()
	if err != nil {
		return err
	}
	if !opts.DryRun && !opts.Yes {
		// Ask about what a dry run would evict; nothing to evict asks nothing.
		plan, err := ca.Evict(cmd.Context(), max, &hfcache.EvictOptions{DryRun: true})
		if errors.Is(err, hfcache.ErrCacheNotFound) {
			return noCache(ca.Dir)
		}
		if err != nil {
			return err
		}
		if len(plan.Evicted) > 0 {
			q := fmt.Sprintf("Evict %s, %s -> %s?", cmdutil.Plural(len(plan.Evicted), "revision", "revisions"),
				cmdutil.HumanSize(plan.SizeBefore), cmdutil.HumanSize(plan.SizeAfter))
			if err := cmdutil.Confirm(opts.IO, false, q); err != nil {
				return err
			}
		}
	}
	res, err := ca.Evict(cmd.Context(), max, &hfcache.EvictOptions{DryRun: opts.DryRun})
	if errors.Is(err, hfcache.ErrCacheNotFound) {
		return noCache(ca.Dir)
	}
	if err != nil {
		return err
	}
	p := opts.Printer()
	warn(p, res.Warnings)
	for _, b := range res.Busy {
		p.Warnf("skipped %s: another process holds a lock on its files", b)
	}
	rows := make([][]string, 0, len(res.Evicted))
	for _, e := range res.Evicted {
		rows = append(rows, []string{e.RepoType + "/" + e.RepoID, e.Commit, p.Size(e.Freed), p.Time(e.LastUsed)})
	}
	if p.IsJSON() || len(rows) > 0 {
		if err := p.Table([]string{"ID", "REVISION", "FREED", "LAST_USED"}, rows, res); err != nil {
			return err
		}
	}
	verb := "Evicted"
	if opts.DryRun {
		verb = "Dry run: would evict"
	}
	p.Infof("%s %s: %s -> %s (budget %s).", verb, cmdutil.Plural(len(res.Evicted), "revision", "revisions"),
		cmdutil.HumanSize(res.SizeBefore), cmdutil.HumanSize(res.SizeAfter), cmdutil.HumanSize(res.MaxBytes))
	if res.SizeAfter > res.MaxBytes {
		p.Warnf("the cache is still over budget (%s)", cmdutil.HumanSize(res.SizeAfter))
	}
	return nil
}

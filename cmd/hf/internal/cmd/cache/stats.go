package cache

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// StatsOptions is everything `hf cache stats` needs.
type StatsOptions struct {
	Common
}

// NewStatsCmd returns `hf cache stats`.
func NewStatsCmd(f *cmdutil.Factory, runF func(context.Context, *StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Summarise the cache: size, repos, revisions, partial downloads",
		Long:  "Summarise the cache: size of the blobs, of the archives hf extracted and their total (what `hf cache evict` budgets), repos and size per type, revisions (and how many are detached), files, blobs, partial downloads, warnings, and the oldest and newest use. Not in the Python CLI.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStats(cmd, opts)
		},
	}
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

func runStats(cmd *cobra.Command, opts *StatsOptions) error {
	_, rep, err := opts.scan(cmd)
	if err != nil {
		return err
	}
	s := rep.Stats()
	p := opts.Printer()
	itoa := strconv.Itoa
	fields := [][2]string{
		{"size", p.Size(s.SizeOnDisk)},
		{"extracted_size", p.Size(s.ExtractedSize)},
		{"total_size", p.Size(s.TotalSize)},
		{"cache_dir", s.Dir},
		{"repos", itoa(s.Repos)},
	}
	for _, t := range slices.Sorted(maps.Keys(s.ByType)) {
		fields = append(fields, [2]string{t + "s", itoa(s.ByType[t].Repos) + " (" + typeSize(p, s.ByType[t]) + ")"})
	}
	fields = append(fields,
		[2]string{"revisions", itoa(s.Revisions)},
		[2]string{"detached_revisions", itoa(s.DetachedRevs)},
		[2]string{"files", itoa(s.Files)},
		[2]string{"blobs", itoa(s.Blobs)},
		[2]string{"incomplete_files", itoa(s.IncompleteFiles) + " (" + p.Size(s.IncompleteSize) + ")"},
		[2]string{"warnings", itoa(s.Warnings)},
		[2]string{"oldest_use", p.Time(s.OldestUse)},
		[2]string{"newest_use", p.Time(s.NewestUse)},
	)
	return p.Fields(fields, s)
}

// typeSize renders the size of one repo type: "1.5G", or "1.5G + 200.0M
// extracted" when it has extracted archives.
func typeSize(p *cmdutil.Printer, t hfcache.TypeStats) string {
	if t.ExtractedSize == 0 {
		return p.Size(t.SizeOnDisk)
	}
	return p.Size(t.SizeOnDisk) + " + " + p.Size(t.ExtractedSize) + " extracted"
}

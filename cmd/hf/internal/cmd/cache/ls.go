package cache

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// LsOptions is everything `hf cache ls` needs.
type LsOptions struct {
	Common
	Revisions bool
	Filters   []string
	Sort      string
	Limit     int
	// ShowWarnings prints each malformed entry; without it one line
	// counts them (as the Python CLI). JSON always lists them.
	ShowWarnings bool
}

// NewLsCmd returns `hf cache ls`. A non-nil runF runs instead of the
// command's own run function, so tests can check flag parsing.
func NewLsCmd(f *cmdutil.Factory, runF func(context.Context, *LsOptions) error) *cobra.Command {
	opts := &LsOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List cached repos (or revisions) with their size and times",
		Long: `List the repos in the cache with their size on disk (each blob counted
once, as the Python client counts), the size of the archives hf extracted
from them (EXTRACTED, not part of SIZE), last access, last modification and
refs; with --revisions, one row per revision. Malformed entries are skipped
and counted on stderr (--show-warnings prints each).

Filters (repeatable, all must match): size>1G, size<=500M, accessed>30d
(not accessed for 30 days), modified<24h, used>7d (last use as eviction sees
it), type=dataset, id=org/* (glob), refs=main.
Sort: name (default), size, accessed, modified or used, with :asc or :desc.`,
		Example: "  $ hf cache ls\n  $ hf cache ls --revisions --filter 'accessed>30d' --sort size\n  $ hf cache ls --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must be 0 (everything) or more, not %d", opts.Limit)
			}
			if err := sortEntries(nil, opts.Sort); err != nil {
				return cmdutil.FlagErrorf("%w", err)
			}
			for _, e := range opts.Filters {
				if _, err := parseFilter(e); err != nil {
					return cmdutil.FlagErrorf("%w", err)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLs(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Revisions, "revisions", false, "one row per revision instead of per repo")
	fl.BoolVar(&opts.ShowWarnings, "show-warnings", false, "print each malformed cache entry, not only how many")
	fl.StringArrayVarP(&opts.Filters, "filter", "f", nil, "only entries matching `EXPR`, e.g. size>1G, accessed>30d, type=model")
	fl.StringVar(&opts.Sort, "sort", "name", "sort by `FIELD`: name, size, accessed, modified or used (add :asc or :desc)")
	fl.IntVar(&opts.Limit, "limit", 0, "print at most `N` entries (0: all)")
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

// lsResult is the JSON document of `hf cache ls`.
type lsResult struct {
	CacheDir      string                   `json:"cache_dir"`
	SizeOnDisk    int64                    `json:"size_on_disk"`
	ExtractedSize int64                    `json:"extracted_size"`
	Repos         []*hfcache.RepoInfo      `json:"repos,omitempty"`
	Revisions     []*hfcache.RevisionInfo  `json:"revisions,omitempty"`
	Warnings      []hfcache.Warning        `json:"warnings"`
	Incomplete    []hfcache.IncompleteFile `json:"incomplete_files"`
}

func runLs(cmd *cobra.Command, opts *LsOptions) error {
	_, rep, err := opts.scan(cmd)
	if err != nil {
		return err
	}
	var es []entry
	for _, r := range rep.Repos {
		if opts.Revisions {
			for _, rev := range r.Revisions {
				es = append(es, entry{repo: r, rev: rev})
			}
		} else {
			es = append(es, entry{repo: r})
		}
	}
	now := time.Now()
	for _, expr := range opts.Filters {
		f, _ := parseFilter(expr) // checked in RunE
		kept := es[:0]
		for _, e := range es {
			if f(e, now) {
				kept = append(kept, e)
			}
		}
		es = kept
	}
	_ = sortEntries(es, opts.Sort) // checked in RunE
	if opts.Limit > 0 && len(es) > opts.Limit {
		es = es[:opts.Limit]
	}

	p := opts.Printer()
	switch {
	case p.IsJSON():
	case opts.ShowWarnings:
		warn(p, rep.Warnings)
	case len(rep.Warnings) > 0:
		p.Warnf("found %s in the cache; run again with --show-warnings to see them", cmdutil.Plural(len(rep.Warnings), "malformed entry", "malformed entries"))
	}
	res := lsResult{CacheDir: rep.Dir, SizeOnDisk: rep.SizeOnDisk, ExtractedSize: rep.ExtractedSize, Warnings: rep.Warnings, Incomplete: rep.IncompleteFiles}
	var rows [][]string
	var headers []string
	if opts.Revisions {
		headers = []string{"ID", "REVISION", "SIZE", "LAST_MODIFIED", "LAST_USED", "REFS"}
		res.Revisions = []*hfcache.RevisionInfo{}
		for _, e := range es {
			res.Revisions = append(res.Revisions, e.rev)
			rows = append(rows, []string{e.repo.CacheID(), e.rev.Commit, p.Size(e.rev.SizeOnDisk), p.Time(e.rev.LastModified), p.Time(e.rev.LastUsed), strings.Join(e.rev.Refs, ",")})
		}
	} else {
		headers = []string{"ID", "SIZE", "EXTRACTED", "FILES", "LAST_ACCESSED", "LAST_MODIFIED", "REFS"}
		res.Repos = []*hfcache.RepoInfo{}
		for _, e := range es {
			res.Repos = append(res.Repos, e.repo)
			rows = append(rows, []string{e.repo.CacheID(), p.Size(e.repo.SizeOnDisk), p.Size(e.repo.ExtractedSize), itoa(e.repo.NumFiles), p.Time(e.repo.LastAccessed), p.Time(e.repo.LastModified), strings.Join(e.refs(), ",")})
		}
	}
	if err := p.Table(headers, rows, res); err != nil {
		return err
	}
	if !p.IsJSON() && !p.Quiet && opts.IO.IsStdoutTTY() {
		what := cmdutil.Plural(len(es), "repo", "repos")
		if opts.Revisions {
			what = cmdutil.Plural(len(es), "revision", "revisions")
		}
		extracted := ""
		if rep.ExtractedSize > 0 {
			extracted = " (+ " + cmdutil.HumanSize(rep.ExtractedSize) + " of extracted archives)"
		}
		p.Infof("\n%s, %s on disk%s in %s.", what, cmdutil.HumanSize(rep.SizeOnDisk), extracted, rep.Dir)
	}
	return nil
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

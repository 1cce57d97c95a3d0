// Package synccmd implements `hf sync`.
package synccmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf sync` needs.
type Options struct {
	F *cmdutil.Factory

	Source, Dest             string
	Delete                   bool
	IgnoreTimes, IgnoreSizes bool
	Existing, IgnoreExisting bool
	Include, Exclude         []string
	FilterFrom               string
	Plan, Apply              string
	DryRun, Verbose          bool
	Message                  string
	MaxWorkers               int
}

// NewCmd returns `hf sync`. A non-nil runF runs instead, for flag tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "sync <source> <dest>",
		Short: "Make a folder of a repo or a local folder like another",
		Long: `Make DEST like SOURCE: each is a local folder or an hf:// URI of a repository
folder (hf://acme/model, hf://datasets/acme/data@main/train). Files are
compared by size, then by content (a local file's sha256 or git blob id
against the Hub's etag); the plan is printed before anything changes. A
repository destination gets one commit with every upload and delete (and
fails rather than overwrite a commit made meanwhile); a local destination
gets each file written atomically. Interrupted? Run it again: finished files
compare identical, and LFS files the Hub already has are not sent again.

--include and --exclude take Python fnmatch globs ("*" also matches "/"),
relative to the synced folders; --filter-from reads "+ GLOB" / "- GLOB"
lines (first match wins). --dry-run prints the plan as JSON lines (the
format of Python's plan files); --plan FILE saves it and --apply FILE runs a
saved plan.`,
		Example: `  $ hf sync ./checkpoints hf://acme/model/checkpoints --delete
  $ hf sync hf://datasets/acme/data@v1 ./data --include '*.parquet'
  $ hf sync ./out hf://acme/model --dry-run
  $ hf sync ./out hf://acme/model --plan plan.jsonl && hf sync --apply plan.jsonl`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Apply != "" {
				if len(args) > 0 {
					return cmdutil.FlagErrorf("--apply runs a saved plan: give no source or destination")
				}
				if opts.Plan != "" || opts.DryRun || opts.Delete || opts.IgnoreTimes || opts.IgnoreSizes || opts.Existing || opts.IgnoreExisting ||
					len(opts.Include) > 0 || len(opts.Exclude) > 0 || opts.FilterFrom != "" {
					return cmdutil.FlagErrorf("--apply takes no planning flags: the plan already says what to do")
				}
			} else {
				if len(args) != 2 {
					return cmdutil.FlagErrorf("hf sync needs a source and a destination (or --apply PLAN)")
				}
				opts.Source, opts.Dest = args[0], args[1]
			}
			switch {
			case opts.IgnoreTimes && opts.IgnoreSizes:
				return cmdutil.FlagErrorf("--ignore-times and --ignore-sizes exclude each other")
			case opts.Existing && opts.IgnoreExisting:
				return cmdutil.FlagErrorf("--existing and --ignore-existing exclude each other")
			case opts.DryRun && opts.Plan != "":
				return cmdutil.FlagErrorf("--dry-run and --plan exclude each other")
			case opts.MaxWorkers < 0:
				return cmdutil.FlagErrorf("--max-workers must not be negative")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Delete, "delete", false, "delete destination files the source does not have")
	fl.BoolVar(&opts.IgnoreTimes, "ignore-times", false, "compare sizes only (no content hash)")
	fl.BoolVar(&opts.IgnoreSizes, "ignore-sizes", false, "compare contents only")
	fl.BoolVar(&opts.Existing, "existing", false, "only update files the destination has (create none)")
	fl.BoolVar(&opts.IgnoreExisting, "ignore-existing", false, "only create files the destination lacks")
	fl.StringArrayVar(&opts.Include, "include", nil, "only files matching this `glob` (repeatable)")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "skip files matching this `glob` (repeatable)")
	fl.StringVar(&opts.FilterFrom, "filter-from", "", "read include (+) and exclude (-) globs from this `file`")
	fl.StringVar(&opts.Plan, "plan", "", "save the plan to this `file` (JSON lines) instead of syncing")
	fl.StringVar(&opts.Apply, "apply", "", "run the plan saved in this `file`")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the plan as JSON lines; change nothing")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print every operation of the plan with its reason")
	fl.StringVar(&opts.Message, "commit-message", "", "commit title when the destination is a repository")
	fl.IntVar(&opts.MaxWorkers, "max-workers", hfhub.DefaultMaxWorkers, "files transferred at once")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	pr := opts.F.Printer()
	so := &hfhub.SyncOptions{
		Delete: opts.Delete, IgnoreTimes: opts.IgnoreTimes, IgnoreSizes: opts.IgnoreSizes,
		Existing: opts.Existing, IgnoreExisting: opts.IgnoreExisting,
		Include: opts.Include, Exclude: opts.Exclude, Message: opts.Message, Workers: opts.MaxWorkers,
	}
	if opts.FilterFrom != "" {
		fh, err := os.Open(opts.FilterFrom)
		if err != nil {
			return cmdutil.Errorf(cmdutil.ExitUsage, "check the --filter-from path", "--filter-from: %v", err)
		}
		so.FilterRules, err = hfhub.ParseSyncFilters(fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	var plan *hfhub.SyncPlan
	if opts.Apply != "" {
		fh, err := os.Open(opts.Apply)
		if err != nil {
			return cmdutil.Errorf(cmdutil.ExitUsage, "check the --apply path", "--apply: %v", err)
		}
		plan, err = hfhub.ReadSyncPlan(fh)
		fh.Close()
		if err != nil {
			return err
		}
	} else if plan, err = c.PlanSync(ctx, opts.Source, opts.Dest, so); err != nil {
		return err
	}
	if opts.DryRun {
		_, err := plan.WriteTo(pr.Writer())
		return err
	}
	if opts.Plan != "" {
		fh, err := os.Create(opts.Plan)
		if err != nil {
			return err
		}
		if _, err := plan.WriteTo(fh); err != nil {
			fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
		printSummary(pr, plan, opts.Verbose)
		pr.Infof("Run `hf sync --apply %s` to execute this plan.", opts.Plan)
		return nil
	}
	printSummary(pr, plan, opts.Verbose)
	p := opts.F.Progress()
	so.Progress = p.Observer()
	res, err := c.ApplySync(ctx, plan, so)
	p.Wait()
	if err != nil {
		return err
	}
	return printResult(pr, res)
}

// printSummary writes the plan's counts (and with verbose every operation)
// on stderr, before anything changes.
// With --format json it is one JSON line: {"event":"sync_plan",...}.
func printSummary(pr *cmdutil.Printer, plan *hfhub.SyncPlan, verbose bool) {
	s := plan.Summary()
	if pr.IsJSON() && !pr.Quiet {
		b, _ := json.Marshal(struct {
			Event   string            `json:"event"`
			Source  string            `json:"source"`
			Dest    string            `json:"dest"`
			Summary hfhub.SyncSummary `json:"summary"`
		}{"sync_plan", plan.Source, plan.Dest, s})
		_, _ = pr.IO.ErrOut.Write(append(b, '\n'))
		return
	}
	pr.Infof("Sync plan: %s -> %s: %d to upload, %d to download, %d to delete, %d unchanged (%s to transfer)",
		plan.Source, plan.Dest, s.Uploads, s.Downloads, s.Deletes, s.Skips, cmdutil.HumanSize(s.TotalSize))
	if verbose {
		for _, op := range plan.Operations {
			pr.Infof("  %-8s %s (%s)", op.Action, op.Path, op.Reason)
		}
	}
}

type result struct {
	Source  string            `json:"source"`
	Dest    string            `json:"dest"`
	Summary hfhub.SyncSummary `json:"summary"`
	Commit  *hfhub.CommitInfo `json:"commit,omitempty"`
}

func printResult(pr *cmdutil.Printer, res *hfhub.SyncResult) error {
	out := result{Source: res.Plan.Source, Dest: res.Plan.Dest, Summary: res.Plan.Summary(), Commit: res.Commit}
	s := out.Summary
	fields := [][2]string{
		{"uploaded", strconv.Itoa(s.Uploads)},
		{"downloaded", strconv.Itoa(s.Downloads)},
		{"deleted", strconv.Itoa(s.Deletes)},
		{"unchanged", strconv.Itoa(s.Skips)},
		{"transferred", cmdutil.HumanSize(s.TotalSize)},
	}
	if res.Commit != nil && !res.Commit.Empty {
		fields = append(fields, [2]string{"commit", res.Commit.URL})
	} else if !res.Plan.Changes() {
		fields = append(fields, [2]string{"status", fmt.Sprintf("%s is up to date", res.Plan.Dest)})
	}
	return pr.Fields(fields, out)
}

// Package cache implements `hf cache`: ls, rm, prune, verify, evict and
// stats over the local Hugging Face cache (the library package cache does
// the work; no network is used).
package cache

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns `hf cache` with its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache <command>",
		Short: "Inspect and clean the local cache",
		Long: `Inspect and clean the Hugging Face cache (HF_HUB_CACHE, default
~/.cache/huggingface/hub), the same cache the Python client uses. Nothing here
touches the network.

Beyond the Python CLI: ` + "`hf cache evict`" + ` keeps the cache under a size budget
(least recently used revisions go first; files another process has locked are
never touched), ` + "`hf cache stats`" + ` summarises it, and ` + "`hf cache prune`" + ` also
removes orphan blobs, stale partial downloads and unused lock files.

Shared caches: set HF_HUB_CACHE_PERMISSIONS=group to create folders 2775 and
files 0664 so every member of the group can manage the cache.`,
	}
	cmd.AddCommand(
		NewLsCmd(f, nil),
		NewRmCmd(f, nil),
		NewPruneCmd(f, nil),
		NewVerifyCmd(f, nil),
		NewEvictCmd(f, nil),
		NewStatsCmd(f, nil),
	)
	return cmd
}

// Common is what every `hf cache` verb needs.
type Common struct {
	IO      *cmdutil.IOStreams
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)
	// CacheDir is --cache-dir; empty means the client's (HF_HUB_CACHE).
	CacheDir string
}

func newCommon(f *cmdutil.Factory) Common {
	return Common{IO: f.IO, Printer: f.Printer, Client: f.Client}
}

func addCacheDirFlag(cmd *cobra.Command, c *Common) {
	cmd.Flags().StringVar(&c.CacheDir, "cache-dir", "", "cache `folder` to use instead of HF_HUB_CACHE")
}

// Open returns the cache the command works on, with the client's cache
// settings (HF_HUB_CACHE_PERMISSIONS, HF_HUB_DISABLE_SYMLINKS; see `hf env`).
func (c *Common) Open() (*hfcache.Cache, error) {
	cl, err := c.Client()
	if err != nil {
		return nil, err
	}
	cfg := cl.Config()
	dir := c.CacheDir
	if dir == "" {
		dir = cfg.CacheDir
	}
	ca, err := hfcache.Open(dir, &hfcache.Options{DisableSymlinks: cfg.DisableSymlinks, GroupWritable: cfg.CacheGroupWritable})
	if err != nil {
		return nil, cmdutil.NewError(cmdutil.ExitUsage, "check HF_HUB_CACHE or --cache-dir", err)
	}
	return ca, nil
}

// scan opens ([Common.Open]) and scans the cache; a missing cache is "not
// found" (exit 3).
func (c *Common) scan(cmd *cobra.Command) (*hfcache.Cache, *hfcache.Report, error) {
	ca, err := c.Open()
	if err != nil {
		return nil, nil, err
	}
	rep, err := ca.Scan(cmd.Context())
	if errors.Is(err, hfcache.ErrCacheNotFound) {
		return nil, nil, noCache(ca.Dir)
	}
	return ca, rep, err
}

// noCache is the error for a missing cache folder (exit 3).
func noCache(dir string) error {
	return cmdutil.Errorf(cmdutil.ExitNotFound, "download something first, or point HF_HUB_CACHE / --cache-dir at your cache",
		"there is no cache at %s", dir)
}

// warn prints scan warnings to stderr.
func warn(p *cmdutil.Printer, ws []hfcache.Warning) {
	for _, w := range ws {
		p.Warnf("%s", w.Error())
	}
}

// planResult is the JSON document of rm and prune.
type planResult struct {
	DryRun bool                   `json:"dry_run"`
	Plan   *hfcache.DeletePlan    `json:"plan"`
	Result *hfcache.ExecuteResult `json:"result,omitempty"`
}

// runPlan shows a plan, asks, executes it and reports.
func runPlan(cmd *cobra.Command, c *Common, ca *hfcache.Cache, plan *hfcache.DeletePlan, dry, yes bool) error {
	p := c.Printer()
	warn(p, plan.Warnings)
	if plan.Empty() {
		if p.IsJSON() {
			return p.JSON(planResult{DryRun: dry, Plan: plan})
		}
		p.Infof("Nothing to remove.")
		return nil
	}
	describePlan(c, plan, dry)
	if dry {
		if p.IsJSON() {
			return p.JSON(planResult{DryRun: true, Plan: plan})
		}
		p.Infof("Dry run: nothing removed. Would free %s.", cmdutil.HumanSize(plan.ExpectedFreedSize))
		return nil
	}
	if err := cmdutil.Confirm(c.IO, yes, fmt.Sprintf("Remove them and free %s?", cmdutil.HumanSize(plan.ExpectedFreedSize))); err != nil {
		return err
	}
	res, err := ca.Execute(cmd.Context(), plan)
	if err != nil {
		return err
	}
	warn(p, res.Warnings)
	for _, k := range res.Kept {
		p.Warnf("kept %s: another process holds its lock", k)
	}
	if p.IsJSON() {
		return p.JSON(planResult{Plan: plan, Result: res})
	}
	p.Infof("Removed %s; freed about %s.", cmdutil.Plural(res.Removed, "path", "paths"), cmdutil.HumanSize(plan.ExpectedFreedSize))
	return nil
}

// describePlan lists a plan on stderr (stdout in a dry run, where the plan
// is the result).
func describePlan(c *Common, plan *hfcache.DeletePlan, dry bool) {
	p := c.Printer()
	if p.IsJSON() || p.Quiet {
		return
	}
	out := c.IO.ErrOut
	if dry {
		out = c.IO.Out
	}
	for _, r := range plan.Revisions {
		fmt.Fprintf(out, "  revision %s\n", r)
	}
	for _, r := range plan.Repos {
		fmt.Fprintf(out, "  repo folder %s\n", r)
	}
	if n := len(plan.Blobs); n > 0 {
		fmt.Fprintf(out, "  %s no remaining revision uses\n", cmdutil.Plural(n, "blob", "blobs"))
	}
	if n := len(plan.Incomplete); n > 0 {
		fmt.Fprintf(out, "  %s\n", cmdutil.Plural(n, "stale partial download", "stale partial downloads"))
	}
	if n := len(plan.Extracted); n > 0 {
		fmt.Fprintf(out, "  %s\n", cmdutil.Plural(n, "extracted archive folder", "extracted archive folders"))
	}
	if n := len(plan.Locks); n > 0 {
		fmt.Fprintf(out, "  %s\n", cmdutil.Plural(n, "unused lock file", "unused lock files"))
	}
	fmt.Fprintf(out, "Total: %s to free.\n", cmdutil.HumanSize(plan.ExpectedFreedSize))
}

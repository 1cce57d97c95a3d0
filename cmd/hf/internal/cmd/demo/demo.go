// Package demo implements `hf demo`: the main job of hf, offline, against
// an embedded demo Hub.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// Options is everything `hf demo` needs.
type Options struct {
	IO       *cmdutil.IOStreams
	Printer  func() *cmdutil.Printer
	Progress func() *cmdutil.Progress
	Logger   func() *slog.Logger // the library's warnings (cmdutil.Factory.Logger)

	CacheDir string // --cache-dir; empty: a temporary folder removed at exit
}

// Summary is what `hf demo --format json` prints.
type Summary struct {
	Endpoint     string     `json:"endpoint"`
	Model        ModelBrief `json:"model"`
	SnapshotPath string     `json:"snapshot_path"`
	CacheDir     string     `json:"cache_dir"`
	CacheRepos   []CacheRow `json:"cache_repos"`
}

// ModelBrief is the part of the model info the demo shows.
type ModelBrief struct {
	ID         string `json:"id"`
	SHA        string `json:"sha"`
	Pipeline   string `json:"pipeline_tag"`
	Parameters int64  `json:"parameters"`
	Files      int    `json:"files"`
}

// CacheRow is one repo of the cache listing.
type CacheRow struct {
	Type  string `json:"repo_type"`
	ID    string `json:"repo_id"`
	Size  int64  `json:"size_on_disk"`
	Files int    `json:"nb_files"`
}

// NewCmd returns `hf demo`. A non-nil runF runs instead of the command's own
// run function.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Printer: f.Printer, Progress: f.Progress, Logger: f.Logger}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try hf offline: an embedded Hub, model info, a snapshot download, the cache (hf only)",
		Long: `Start a Hub-compatible server on loopback with a small generated model
(config, a few MiB of safetensors stored as LFS, tokenizer, model card) and a
dataset, then do the main job against it: show the model's info, download a
snapshot of it into a temporary cache with progress, and list the cache. Needs
no network and no set-up; your own cache and tokens are not touched.`,
		Example: "  $ hf demo\n  $ hf demo --format json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.CacheDir, "cache-dir", "", "download into this `folder` and keep it (default: a temporary folder)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	p := opts.Printer()
	say := func(format string, args ...any) {
		if !p.IsJSON() && !p.Quiet {
			fmt.Fprintf(opts.IO.Out, format+"\n", args...)
		}
	}

	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithDemoRepos())
	if err != nil {
		return fmt.Errorf("start the demo Hub: %w", err)
	}
	defer hub.Close()
	say("1. Started a demo Hub at %s with %s and %s.", hub.URL, hubtest.DemoModelID, hubtest.DemoDatasetID)

	home, err := os.MkdirTemp("", "hf-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		cacheDir = filepath.Join(home, "hub")
	}
	c, err := hfhub.New(
		hfhub.WithEndpoint(hub.URL), hfhub.WithAnonymous(),
		hfhub.WithHFHome(home), hfhub.WithCacheDir(cacheDir),
		hfhub.WithTokenPath(filepath.Join(home, "token")),
		hfhub.WithUserAgent("hf", cmdutil.Version()),
		hfhub.WithLogger(opts.Logger()),
	)
	if err != nil {
		return err
	}
	defer c.CloseIdleConnections() // before hub.Close, so it need not wait for them
	sum := Summary{Endpoint: hub.URL, CacheDir: cacheDir}

	info, err := c.ModelInfo(ctx, hubtest.DemoModelID, nil)
	if err != nil {
		return err
	}
	sum.Model = ModelBrief{ID: info.ID, SHA: info.SHA, Pipeline: info.PipelineTag, Files: len(info.Siblings)}
	if info.Safetensors != nil {
		sum.Model.Parameters = info.Safetensors.Total
	}
	say("2. Model info: %s at commit %.12s, pipeline %q, %d parameters, %s.",
		info.ID, info.SHA, info.PipelineTag, sum.Model.Parameters, cmdutil.Plural(len(info.Siblings), "file", "files"))

	say("3. Downloading a snapshot of %s into %s ...", info.ID, cacheDir)
	prog := opts.Progress()
	path, err := snapshot(ctx, c, info.ID, prog)
	prog.Wait()
	if err != nil {
		return err
	}
	sum.SnapshotPath = path
	say("   Snapshot at %s", path)
	if opts.CacheDir == "" {
		say("   (a temporary cache, removed when the demo ends; keep it with --cache-dir DIR)")
	}

	ca, err := cache.Open(cacheDir, nil)
	if err != nil {
		return err
	}
	rep, err := ca.Scan(ctx)
	if err != nil {
		return err
	}
	say("4. The cache now holds (the same layout as the Python client's, %s):", cmdutil.HumanSize(rep.SizeOnDisk))
	rows := [][]string{}
	for _, r := range rep.Repos {
		sum.CacheRepos = append(sum.CacheRepos, CacheRow{Type: r.Type, ID: r.ID, Size: r.SizeOnDisk, Files: r.NumFiles})
		rows = append(rows, []string{r.ID, r.Type, cmdutil.HumanSize(r.SizeOnDisk), fmt.Sprint(r.NumFiles)})
	}
	if p.IsJSON() {
		return p.JSON(sum)
	}
	if err := p.Table([]string{"REPO ID", "TYPE", "SIZE", "FILES"}, rows, sum); err != nil {
		return err
	}
	if opts.CacheDir == "" {
		say("Done; the demo Hub and its temporary cache are gone now. Next:")
	} else {
		say("Done; the demo Hub is gone now, the cache stays in %s. Next:", cacheDir)
	}
	say("  hf serve --demo                                   keeps this demo Hub running, to try more commands on")
	say("  hf serve --dir ./store --import acme/model=./dir  serves your own repos")
	say("  hf download <repo-id>                             downloads from https://huggingface.co")
	return nil
}

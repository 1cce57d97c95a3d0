// Package download implements `hf download`.
package download

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf download` needs. Flags write into it; tests
// build it.
type Options struct {
	F *cmdutil.Factory

	RepoID             string
	Filenames          []string
	RepoType, Revision string
	Include, Exclude   []string
	CacheDir, LocalDir string
	Force, DryRun      bool
	MaxWorkers         int
	Connections        int
	LimitRate          int64
}

// NewCmd returns `hf download`. A non-nil runF runs instead of the download,
// so tests can check flag parsing without a server.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "download <repo-id> [<filename>...]",
		Short: "Download files from the Hub into the cache",
		Long: `Download one file, several files, or a whole repository into the Hugging Face
cache (shared with the Python client), or into --local-dir, and print the
local path: the file for one file, the snapshot folder otherwise.

Large files are fetched with --connections parallel ranges, verified (sha256
or git blob id) while they arrive, and resumed after an interruption: run the
same command again. --include and --exclude take Python fnmatch globs ("*"
also matches "/"; "data/" means everything under data/) and apply when no
filename is given. A filename ending in "/" is a folder: everything under it.

The repo may be given as the Python CLI takes it: datasets/org/name (for
--type dataset) or an hf:// URI, hf://datasets/org/name@revision/path,
whose revision and path stand for --revision and the filename.

Unlike the Python client, a whole-repo download sends no HEAD request per
file: the tree listing gives each file's etag and size.`,
		Example: `  $ hf download openai-community/gpt2 config.json
  $ hf download openai-community/gpt2 --include '*.json' --exclude 'onnx/*'
  $ hf download --repo-type dataset acme/squad --local-dir ./squad
  $ hf download hf://datasets/acme/squad@v1.0/data/
  $ hf download acme/model --dry-run
  $ hf download acme/model model.safetensors --connections 16 --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID, opts.Filenames = args[0], args[1:]
			if _, err := cmdutil.ParseRepoType(opts.RepoType); err != nil {
				return err
			}
			if opts.MaxWorkers < 0 || opts.Connections < 0 || opts.LimitRate < 0 {
				return cmdutil.FlagErrorf("--max-workers, --connections and --limit-rate must not be negative")
			}
			if opts.LocalDir != "" && opts.CacheDir != "" {
				return cmdutil.FlagErrorf("--local-dir and --cache-dir cannot be used together: --cache-dir (or HF_HOME) for the shared cache, --local-dir for a one-off copy in a folder")
			}
			for _, name := range opts.Filenames {
				if strings.HasSuffix(name, "/") && (len(opts.Include) > 0 || len(opts.Exclude) > 0) {
					return cmdutil.FlagErrorf("a folder argument (%q) cannot be combined with --include or --exclude: use --include %q instead", name, name+"*")
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &opts.RepoType)
	fl := cmd.Flags()
	fl.StringVar(&opts.Revision, "revision", "", "`branch`, tag or commit (default main)")
	fl.StringArrayVar(&opts.Include, "include", nil, "only files matching this `glob` (repeatable)")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "skip files matching this `glob` (repeatable)")
	fl.StringVar(&opts.CacheDir, "cache-dir", "", "cache `folder` (default HF_HUB_CACHE)")
	fl.StringVar(&opts.LocalDir, "local-dir", "", "put real files in this `folder` instead of the cache")
	fl.BoolVar(&opts.Force, "force-download", false, "download even if the file is cached")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would be downloaded, download nothing")
	fl.IntVar(&opts.MaxWorkers, "max-workers", hfhub.DefaultMaxWorkers, "files downloaded at once")
	fl.IntVar(&opts.Connections, "connections", 8, "parallel range requests per large file (1: one stream)")
	fl.Int64Var(&opts.LimitRate, "limit-rate", 0, "cap the download rate in `bytes` per second (0: unlimited)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	rt, _ := hfhub.ParseRepoType(opts.RepoType)
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	pr := opts.F.Printer()
	if len(opts.Filenames) > 0 && (len(opts.Include) > 0 || len(opts.Exclude) > 0) {
		// (a folder argument with them was refused before)
		pr.Warnf("--include and --exclude are ignored when filenames are given")
	}
	p := opts.F.Progress()
	dl := hfhub.DownloadOptions{
		RepoType: rt, Revision: opts.Revision, CacheDir: opts.CacheDir, LocalDir: opts.LocalDir,
		ForceDownload: opts.Force, Connections: opts.Connections, BandwidthLimit: opts.LimitRate,
		Progress: p.Observer(),
	}
	var files, folders []string
	for _, name := range opts.Filenames {
		if strings.HasSuffix(name, "/") {
			folders = append(folders, name+"**")
		} else {
			files = append(files, name)
		}
	}
	if len(files) == 1 && len(folders) == 0 {
		if opts.DryRun {
			info, err := c.DownloadDryRun(ctx, opts.RepoID, opts.Filenames[0], &dl)
			p.Wait()
			if err != nil {
				return err
			}
			return printDryRun(pr, []hfhub.DryRunFileInfo{*info})
		}
		path, err := c.Download(ctx, opts.RepoID, opts.Filenames[0], &dl)
		p.Wait()
		if err != nil {
			return err
		}
		return printPath(pr, path)
	}
	so := &hfhub.SnapshotOptions{DownloadOptions: dl, MaxWorkers: opts.MaxWorkers,
		AllowPatterns: opts.Include, IgnorePatterns: opts.Exclude}
	if len(opts.Filenames) > 0 {
		so.AllowPatterns, so.IgnorePatterns = append(literalPatterns(files), folders...), nil
	}
	if opts.DryRun {
		infos, err := c.SnapshotDryRun(ctx, opts.RepoID, so)
		p.Wait()
		if err != nil {
			return err
		}
		return printDryRun(pr, infos)
	}
	path, err := c.Snapshot(ctx, opts.RepoID, so)
	p.Wait()
	if err != nil {
		return err
	}
	warnMissing(pr, opts, path, files)
	return printPath(pr, path)
}

// warnMissing warns about each named file the download did not bring (it
// is not in the repo at that revision). Like Python's hf, several names are
// patterns of one snapshot, so a missing one is not an error; unlike it, we
// say so.
func warnMissing(pr *cmdutil.Printer, opts *Options, dir string, files []string) {
	rev := opts.Revision
	if rev == "" {
		rev = "main"
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			pr.Warnf("%s is not in %s at %s: not downloaded (check the name with `hf repos tree %s`)", f, opts.RepoID, rev, opts.RepoID)
		}
	}
}

// literalPatterns turns file names into patterns that match only them:
// fnmatch has no escapes, so the special characters go in classes.
func literalPatterns(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		var b []byte
		for j := 0; j < len(n); j++ {
			switch c := n[j]; c {
			case '*', '?', '[':
				b = append(b, '[', c, ']')
			default:
				b = append(b, c)
			}
		}
		out[i] = string(b)
	}
	return out
}

func printPath(pr *cmdutil.Printer, path string) error {
	if pr.IsJSON() {
		return pr.JSON(map[string]string{"path": path})
	}
	_, err := fmt.Fprintln(pr.IO.Out, path)
	return err
}

// printDryRun prints what a download would do, as the Python CLI: a
// summary line ("[dry-run] Will download 2 files (out of 3) totalling
// 1.2M.", on stderr here) and the files sorted by name, SIZE "-" for
// those already there.
func printDryRun(pr *cmdutil.Printer, infos []hfhub.DryRunFileInfo) error {
	if infos == nil {
		infos = []hfhub.DryRunFileInfo{}
	}
	slices.SortFunc(infos, func(a, b hfhub.DryRunFileInfo) int { return strings.Compare(a.Filename, b.Filename) })
	var n int
	var total int64
	rows := make([][]string, 0, len(infos))
	for _, in := range infos {
		size := "-"
		if in.WillDownload {
			n++
			total += in.FileSize
			size = pr.Size(in.FileSize)
		}
		rows = append(rows, []string{in.Filename, size, strconv.FormatBool(in.WillDownload), in.LocalPath})
	}
	pr.Infof("[dry-run] Will download %s (out of %d) totalling %s.", cmdutil.Plural(n, "file", "files"), len(infos), cmdutil.HumanSize(total))
	return pr.Table([]string{"FILE", "SIZE", "DOWNLOAD", "PATH"}, rows, infos)
}

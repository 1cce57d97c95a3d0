package datasets

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// DiscoveryCmds returns `hf datasets configs|splits|files|parquet`, the
// verbs that answer what the Python datasets library would load. The
// `hf datasets` group adds them next to ls and info.
func DiscoveryCmds(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{
		NewConfigsCmd(f, nil), NewSplitsCmd(f, nil), NewFilesCmd(f, nil), NewParquetCmd(f, nil),
	}
}

// Options is everything the discovery verbs need. Flags write into it;
// tests build it.
type Options struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	RepoID, Revision, Config, Split string
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{Printer: f.Printer, Client: f.Client}
}

// command wires the shared parts of a discovery verb.
func command(opts *Options, use, short, example string, runF, run func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "branch, tag or commit (default: the main branch)")
	return cmd
}

func resolve(ctx context.Context, opts *Options) (*hfhub.Dataset, error) {
	c, err := opts.Client()
	if err != nil {
		return nil, err
	}
	return c.Dataset(ctx, opts.RepoID, &hfhub.DatasetOptions{Revision: opts.Revision})
}

// NewConfigsCmd returns `hf datasets configs`.
func NewConfigsCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	return command(opts, "configs <repo-id>", "List the configs (subsets) of a dataset",
		"  $ hf datasets configs acme/squad\n  $ hf datasets configs acme/squad --format json", runF, runConfigs)
}

type configRow struct {
	Config  string   `json:"config"`
	Default bool     `json:"default"`
	Splits  []string `json:"splits"`
	Error   string   `json:"error,omitempty"`
}

func runConfigs(ctx context.Context, opts *Options) error {
	d, err := resolve(ctx, opts)
	if err != nil {
		return err
	}
	data := []configRow{}
	var rows [][]string
	for _, c := range d.Layout.Configs {
		r := configRow{Config: c.Name, Default: c.Name == d.Layout.Default, Splits: []string{}}
		for _, s := range c.Splits {
			r.Splits = append(r.Splits, s.Name)
		}
		if c.Err != nil {
			r.Error = c.Err.Error()
		}
		data = append(data, r)
		def := ""
		if r.Default {
			def = "default"
		}
		rows = append(rows, []string{r.Config, def, strings.Join(r.Splits, ",")})
	}
	return opts.Printer().Table([]string{"CONFIG", "DEFAULT", "SPLITS"}, rows, data)
}

// NewSplitsCmd returns `hf datasets splits`.
func NewSplitsCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := command(opts, "splits <repo-id>", "List the splits of a dataset config",
		"  $ hf datasets splits acme/squad\n  $ hf datasets splits acme/multi --config fr", runF, runSplits)
	cmd.Flags().StringVar(&opts.Config, "config", "", "config `name` (default: the dataset's default config)")
	return cmd
}

type splitRow struct {
	Split       string `json:"split"`
	Files       int    `json:"files"`
	NumExamples *int64 `json:"num_examples,omitempty"`
}

func runSplits(ctx context.Context, opts *Options) error {
	d, err := resolve(ctx, opts)
	if err != nil {
		return err
	}
	splits, err := d.Splits(opts.Config)
	if err != nil {
		return err
	}
	data := []splitRow{}
	var rows [][]string
	for _, s := range splits {
		r := splitRow{Split: s.Name, Files: len(s.Files)}
		ex := ""
		if s.NumExamples >= 0 {
			n := s.NumExamples
			r.NumExamples, ex = &n, strconv.FormatInt(n, 10)
		}
		data = append(data, r)
		rows = append(rows, []string{s.Name, strconv.Itoa(r.Files), ex})
	}
	return opts.Printer().Table([]string{"SPLIT", "FILES", "EXAMPLES"}, rows, data)
}

// NewFilesCmd returns `hf datasets files`.
func NewFilesCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := command(opts, "files <repo-id>", "List the data files of a config and split",
		"  $ hf datasets files acme/squad --split train\n  $ hf datasets files acme/multi --config fr --split test --format json", runF, runFiles)
	cmd.Flags().StringVar(&opts.Config, "config", "", "config `name` (default: the dataset's default config)")
	cmd.Flags().StringVar(&opts.Split, "split", "train", "split `name`")
	return cmd
}

func runFiles(ctx context.Context, opts *Options) error {
	d, err := resolve(ctx, opts)
	if err != nil {
		return err
	}
	files, err := d.DataFiles(opts.Config, opts.Split)
	if err != nil {
		return err
	}
	rows := make([][]string, len(files))
	for i, f := range files {
		rows[i] = []string{f}
	}
	data := struct {
		Dataset string   `json:"dataset"`
		Commit  string   `json:"commit"`
		Config  string   `json:"config"`
		Split   string   `json:"split"`
		Loader  string   `json:"loader"`
		Files   []string `json:"files"`
	}{d.ID, d.Commit, configName(d, opts.Config), opts.Split, d.Layout.Loader, append([]string{}, files...)}
	return opts.Printer().Table([]string{"FILE"}, rows, data)
}

func configName(d *hfhub.Dataset, name string) string {
	if name == "" {
		return d.Layout.Default
	}
	return name
}

// NewParquetCmd returns `hf datasets parquet`.
func NewParquetCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "parquet <repo-id>",
		Short: "List the parquet export of a dataset (refs/convert/parquet)",
		Long: `List the files of the parquet export the dataset viewer made on the
refs/convert/parquet ref. Download one with
` + "`hf download --repo-type dataset --revision refs/convert/parquet <repo-id> <path>`" + `.`,
		Example: "  $ hf datasets parquet acme/squad\n  $ hf datasets parquet acme/squad --config default --split train --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runParquet(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Config, "config", "", "only this config")
	cmd.Flags().StringVar(&opts.Split, "split", "", "only this split")
	return cmd
}

func runParquet(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	files, err := c.DatasetParquetFiles(ctx, opts.RepoID, &hfhub.ParquetOptions{Config: opts.Config, Split: opts.Split})
	if err != nil {
		return err
	}
	var rows [][]string
	for _, f := range files {
		split := f.Split
		if f.Partial {
			split += " (partial)"
		}
		rows = append(rows, []string{f.Path, f.Config, split, fmt.Sprint(f.Size)})
	}
	if files == nil {
		files = []hfhub.ParquetFile{}
	}
	return opts.Printer().Table([]string{"PATH", "CONFIG", "SPLIT", "SIZE"}, rows, files)
}

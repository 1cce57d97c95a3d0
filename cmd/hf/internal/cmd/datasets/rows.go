package datasets

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/dataset/rows"
	"github.com/hfhub-go/hfhub/viewer"
)

// RowsOptions is everything `hf datasets rows` needs: the viewer's
// options (used with --viewer) and the local reader's.
type RowsOptions struct {
	ViewerOptions
	// Viewer asks the dataset viewer instead of reading the files.
	Viewer bool
	// Revision is the branch, tag or commit read (local reads only).
	Revision string
	// Limit is how many rows to print; 0 prints every row.
	Limit int64
	// Columns keeps only these columns, in this order.
	Columns []string
	// Format is table, json, jsonl or csv.
	Format string
	// SkipBad skips rows that do not parse, and says how many.
	SkipBad bool
}

const rowsLong = `Print rows of a dataset split, read by hfhub itself from the dataset's data
files (Parquet, JSON Lines, JSON, CSV/TSV, text; .gz, .zst, .xz, .bz2): the
files are not downloaded whole. Cached files are read from the cache; the
others over HTTP Range requests, and for Parquet only the footer, the row
groups and the column chunks needed. Configs and splits are resolved as
the datasets library does; a dataset whose files are not in those formats
(image folders, archives) is read from its Parquet export
(refs/convert/parquet) when it has one.

Without --config, the default config; without --split, "train" when the
config has it, else its first split. --format jsonl and csv stream every
row as it is read (use --limit 0 for the whole split); table and json
collect them first.

With --viewer, the rows come from the dataset viewer API instead (the
service behind the Hub's dataset preview, or any server speaking it, such
as hf serve): --offset and --length page through it, at most 100 rows.
` + "Its address is derived from the Hub endpoint; --viewer-endpoint overrides it."

// NewRowsCmd returns `hf datasets rows`.
func NewRowsCmd(f *cmdutil.Factory, runF func(context.Context, *RowsOptions) error) *cobra.Command {
	opts := &RowsOptions{ViewerOptions: ViewerOptions{Printer: f.Printer, Client: f.Client}}
	var columns string
	cmd := &cobra.Command{
		Use:   "rows <repo-id>",
		Short: "Print rows of a dataset split",
		Long:  rowsLong,
		Example: "  $ hf datasets rows stanfordnlp/imdb --split test --limit 5\n" +
			"  $ hf datasets rows acme/reviews --columns text,label --limit 0 --format jsonl > train.jsonl\n" +
			"  $ hf datasets rows stanfordnlp/imdb --config plain_text --viewer --offset 100 --length 10",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if columns != "" {
				for _, c := range strings.Split(columns, ",") {
					if c = strings.TrimSpace(c); c != "" {
						opts.Columns = append(opts.Columns, c)
					}
				}
			}
			if err := checkRowsFlags(cmd, opts); err != nil {
				return err
			}
			// --format here shadows the global flag: hand it to the printer.
			if cmd.Flags().Changed("format") {
				printer := f.Printer
				json := opts.Format == "json"
				opts.Printer = func() *cmdutil.Printer {
					p := printer()
					p.Format = cmdutil.FormatTable
					if json {
						p.Format = cmdutil.FormatJSON
					}
					return p
				}
			} else if f.Printer().IsJSON() {
				opts.Format = "json"
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Viewer {
				return runViewerRows(cmd.Context(), &opts.ViewerOptions)
			}
			return runRows(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Config, "config", "", "config (subset) `name` (default: the dataset's default config)")
	fl.StringVar(&opts.Split, "split", "", "split `name` (default: train, or the config's first split)")
	fl.StringVar(&opts.Revision, "revision", "", "branch, tag or commit to read (default: main)")
	fl.Int64Var(&opts.Limit, "limit", 100, "number of rows to print; 0 for all")
	fl.IntVar(&opts.Offset, "offset", 0, "index of the first row")
	fl.StringVar(&columns, "columns", "", "comma-separated column `names` to print, in this order")
	fl.StringVar(&opts.Format, "format", "table", "output `format`: table, json, jsonl or csv")
	fl.BoolVar(&opts.SkipBad, "skip-bad", false, "skip rows that do not parse (and count them) instead of failing")
	fl.BoolVar(&opts.Viewer, "viewer", false, "ask the dataset viewer API instead of reading the files")
	fl.IntVar(&opts.Length, "length", viewer.MaxPageLength, "with --viewer: number of rows, at most 100")
	fl.StringVar(&opts.ViewerEndpoint, "viewer-endpoint", "", "with --viewer: dataset viewer `URL` (default: derived from the Hub endpoint)")
	return cmd
}

func checkRowsFlags(cmd *cobra.Command, opts *RowsOptions) error {
	if opts.Offset < 0 {
		return cmdutil.FlagErrorf("--offset %d: must be 0 or more", opts.Offset)
	}
	switch opts.Format {
	case "table", "human", "auto", "json", "jsonl", "csv":
	default:
		return cmdutil.FlagErrorf("--format %q: use table, json, jsonl or csv", opts.Format)
	}
	fl := cmd.Flags()
	if opts.Viewer {
		for _, name := range []string{"limit", "columns", "revision", "skip-bad"} {
			if fl.Changed(name) {
				return cmdutil.FlagErrorf("--%s reads the files; it does not apply with --viewer (use --offset and --length)", name)
			}
		}
		if opts.Format == "jsonl" || opts.Format == "csv" {
			return cmdutil.FlagErrorf("--format %s: with --viewer, use table or json", opts.Format)
		}
		if opts.Length < 1 || opts.Length > viewer.MaxPageLength {
			return cmdutil.FlagErrorf("--length %d: must be between 1 and %d (the viewer's page size)", opts.Length, viewer.MaxPageLength)
		}
		return nil
	}
	for _, name := range []string{"length", "viewer-endpoint"} {
		if fl.Changed(name) {
			return cmdutil.FlagErrorf("--%s applies to the dataset viewer: add --viewer, or use --limit", name)
		}
	}
	if opts.Limit < 0 {
		return cmdutil.FlagErrorf("--limit %d: must be 0 (all rows) or more", opts.Limit)
	}
	return nil
}

func runRows(ctx context.Context, opts *RowsOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	var skipped atomic.Int64
	s, err := c.LoadDataset(ctx, opts.RepoID, opts.Config, opts.Split, &hfhub.LoadOptions{
		Revision: opts.Revision, Columns: opts.Columns, SkipBad: opts.SkipBad, Skipped: &skipped})
	if err != nil {
		return err
	}
	s = s.Skip(int64(opts.Offset))
	if opts.Limit > 0 {
		s = s.Take(opts.Limit)
	}
	p := opts.Printer()
	p.Infof("%s, config %s, split %s (%s at %s)", opts.RepoID, s.Config, s.Split, plural(len(s.Files), "file"), short(s.Revision))
	w := newRowWriter(opts, s, p)
	n := 0
	for r, err := range s.Rows(ctx) {
		if err != nil {
			if errors.Is(err, rows.ErrNoColumn) {
				return cmdutil.NewError(cmdutil.ExitUsage, "check --columns", err)
			}
			if errors.Is(err, rows.ErrCorrupt) {
				return cmdutil.NewError(cmdutil.ExitError, "the file is malformed; --skip-bad skips such rows of line-based files", err)
			}
			return err
		}
		if err := w.row(opts.Offset+n, r); err != nil {
			return err
		}
		n++
	}
	if k := skipped.Load(); k > 0 {
		p.Warnf("skipped %s that did not parse", plural(int(k), "row"))
	}
	return w.done()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func short(rev string) string {
	if len(rev) == 40 {
		return rev[:8]
	}
	return rev
}

// rowWriter prints rows in one of the formats.
type rowWriter struct {
	opts    *RowsOptions
	s       *hfhub.DatasetStream
	p       *cmdutil.Printer
	csv     *csv.Writer
	enc     *json.Encoder
	columns []string
	table   [][]string
	all     []rows.Row
}

func newRowWriter(opts *RowsOptions, s *hfhub.DatasetStream, p *cmdutil.Printer) *rowWriter {
	w := &rowWriter{opts: opts, s: s, p: p}
	switch opts.Format {
	case "csv":
		w.csv = csv.NewWriter(p.Writer())
	case "jsonl":
		w.enc = json.NewEncoder(p.Writer())
		w.enc.SetEscapeHTML(false)
	}
	return w
}

func (w *rowWriter) row(index int, r rows.Row) error {
	if w.columns == nil {
		w.columns = append([]string{}, r.Columns()...)
		if w.csv != nil {
			if err := w.csv.Write(w.columns); err != nil {
				return err
			}
		}
	}
	switch {
	case w.csv != nil:
		rec := make([]string, len(w.columns))
		for i, c := range w.columns {
			v, _ := r.Get(c)
			rec[i] = csvCell(v)
		}
		return w.csv.Write(rec)
	case w.enc != nil:
		return w.enc.Encode(r)
	case w.opts.Format == "json":
		w.all = append(w.all, r)
	default:
		line := []string{strconv.Itoa(index)}
		for _, c := range w.columns {
			v, _ := r.Get(c)
			b, _ := json.Marshal(rows.JSONValue(v))
			line = append(line, cell(b))
		}
		w.table = append(w.table, line)
	}
	return nil
}

func (w *rowWriter) done() error {
	switch {
	case w.csv != nil:
		w.csv.Flush()
		return w.csv.Error()
	case w.enc != nil:
		return nil
	case w.opts.Format == "json":
		doc := struct {
			Dataset  string     `json:"dataset"`
			Config   string     `json:"config"`
			Split    string     `json:"split"`
			Revision string     `json:"revision"`
			Offset   int        `json:"offset"`
			Files    []string   `json:"files"`
			Columns  []string   `json:"columns"`
			Rows     []rows.Row `json:"rows"`
		}{w.s.ID, w.s.Config, w.s.Split, w.s.Revision, w.opts.Offset, w.s.Files, w.columns, w.all}
		if doc.Rows == nil {
			doc.Rows = []rows.Row{}
		}
		if doc.Columns == nil {
			doc.Columns = []string{}
		}
		return w.p.JSON(doc)
	}
	return w.p.Table(append([]string{"ROW"}, w.columns...), w.table, nil)
}

// csvCell renders a cell for CSV: null empty, strings as they are,
// anything else as compact JSON.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	b, _ := json.Marshal(rows.JSONValue(v))
	return string(b)
}

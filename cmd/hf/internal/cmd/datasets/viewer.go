package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/viewer"
)

// ViewerCmds returns `hf datasets rows|search`, the verbs that read rows
// through the dataset viewer API. The `hf datasets` group adds them next
// to the discovery verbs.
func ViewerCmds(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{NewRowsCmd(f, nil), NewSearchCmd(f, nil)}
}

// ViewerOptions is everything `hf datasets rows` and `hf datasets search`
// need. Flags write into it; tests build it.
type ViewerOptions struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	RepoID, Config, Split string
	// Query is the text to search for (search only).
	Query string
	// Offset is the index of the first row; Length how many rows, 1 to
	// viewer.MaxPageLength.
	Offset, Length int
	// ViewerEndpoint is the dataset viewer's URL; "" derives it from the
	// Hub endpoint (hfhub.Client.Viewer).
	ViewerEndpoint string
}

const viewerLong = `The rows come from the dataset viewer API (the service behind the Hub's
dataset preview), which serves the dataset's parquet export: nothing is
downloaded into the cache. Its address is derived from the Hub endpoint
(https://datasets-server.huggingface.co for the public Hub,
datasets-server.<host> for another Hub); --viewer-endpoint overrides it.

Without --config, the dataset's only config is used (the viewer is asked
for the list); without --split, "train" when the config has it, else its
first split. Cells are printed as JSON values, strings unquoted with tabs
and newlines escaped; --format json prints the viewer's features and rows.`

// viewerCommand wires the shared parts of the viewer verbs.
func viewerCommand(f *cmdutil.Factory, use, short, long, example string, runF, run func(context.Context, *ViewerOptions) error) (*cobra.Command, *ViewerOptions) {
	opts := &ViewerOptions{Printer: f.Printer, Client: f.Client}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		Example: example,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if opts.Offset < 0 {
				return cmdutil.FlagErrorf("--offset %d: must be 0 or more", opts.Offset)
			}
			if opts.Length < 1 || opts.Length > viewer.MaxPageLength {
				return cmdutil.FlagErrorf("--length %d: must be between 1 and %d (the viewer's page size)", opts.Length, viewer.MaxPageLength)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Config, "config", "", "config (subset) `name` (default: the dataset's only config)")
	fl.StringVar(&opts.Split, "split", "", "split `name` (default: train, or the config's first split)")
	fl.IntVar(&opts.Offset, "offset", 0, "index of the first row")
	fl.IntVar(&opts.Length, "length", viewer.MaxPageLength, "number of rows, at most 100")
	fl.StringVar(&opts.ViewerEndpoint, "viewer-endpoint", "", "dataset viewer `URL` (default: derived from the Hub endpoint)")
	return cmd, opts
}

// NewSearchCmd returns `hf datasets search`.
func NewSearchCmd(f *cmdutil.Factory, runF func(context.Context, *ViewerOptions) error) *cobra.Command {
	cmd, opts := viewerCommand(f, "search <repo-id>", "Search the text of a dataset split (dataset viewer)",
		"Show the rows of a dataset split whose text columns match --query (full-text\nsearch by the dataset viewer; not every dataset supports it).\n\n"+viewerLong,
		"  $ hf datasets search stanfordnlp/imdb --config plain_text --split train --query \"hello world\"\n"+
			"  $ hf datasets search stanfordnlp/imdb --query horse --length 10 --format json",
		func(ctx context.Context, o *ViewerOptions) error {
			if strings.TrimSpace(o.Query) == "" {
				return cmdutil.FlagErrorf("--query is required: the text to search for")
			}
			if runF != nil {
				return runF(ctx, o)
			}
			return runSearch(ctx, o)
		}, nil)
	cmd.Flags().StringVar(&opts.Query, "query", "", "`text` to search for (required)")
	return cmd
}

// viewerClient returns the dataset viewer client of opts.
func viewerClient(opts *ViewerOptions) (*viewer.Client, error) {
	c, err := opts.Client()
	if err != nil {
		return nil, err
	}
	if opts.ViewerEndpoint != "" {
		u, err := url.Parse(opts.ViewerEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, cmdutil.FlagErrorf("--viewer-endpoint %q: want an http or https URL", opts.ViewerEndpoint)
		}
		return c.ViewerAt(opts.ViewerEndpoint), nil
	}
	return c.Viewer(), nil
}

// pickSplit fills in opts.Config and opts.Split when they are empty, from
// the viewer's list of splits.
func pickSplit(ctx context.Context, v *viewer.Client, opts *ViewerOptions) error {
	if opts.Config != "" && opts.Split != "" {
		return nil
	}
	list, err := v.Splits(ctx, opts.RepoID, opts.Config)
	if err != nil {
		return viewerError(v, fmt.Errorf("listing the configs and splits (pass --config and --split to skip this): %w", err))
	}
	if opts.Config == "" {
		var configs []string
		for _, s := range list.Splits {
			if !slices.Contains(configs, s.Config) {
				configs = append(configs, s.Config)
			}
		}
		switch len(configs) {
		case 0:
			return cmdutil.Errorf(cmdutil.ExitNotFound, "", "dataset %s: the dataset viewer lists no config", opts.RepoID)
		case 1:
			opts.Config = configs[0]
		default:
			return cmdutil.FlagErrorf("--config is required: %s has configs %s", opts.RepoID, strings.Join(configs, ", "))
		}
	}
	if opts.Split == "" {
		var splits []string
		for _, s := range list.Splits {
			if s.Config == opts.Config {
				splits = append(splits, s.Split)
			}
		}
		switch {
		case len(splits) == 0:
			return cmdutil.Errorf(cmdutil.ExitNotFound, "check --config", "dataset %s: the dataset viewer lists no split for config %q", opts.RepoID, opts.Config)
		case slices.Contains(splits, "train"):
			opts.Split = "train"
		default:
			opts.Split = splits[0]
		}
	}
	return nil
}

func runViewerRows(ctx context.Context, opts *ViewerOptions) error {
	v, err := viewerClient(opts)
	if err != nil {
		return err
	}
	if err := pickSplit(ctx, v, opts); err != nil {
		return err
	}
	page, err := v.Rows(ctx, opts.RepoID, opts.Config, opts.Split, opts.Offset, opts.Length)
	if err != nil {
		return viewerError(v, err)
	}
	return printRows(opts, page, "rows")
}

func runSearch(ctx context.Context, opts *ViewerOptions) error {
	v, err := viewerClient(opts)
	if err != nil {
		return err
	}
	if err := pickSplit(ctx, v, opts); err != nil {
		return err
	}
	page, err := v.Search(ctx, opts.RepoID, opts.Config, opts.Split, opts.Query, opts.Offset, opts.Length)
	if err != nil {
		return viewerError(v, err)
	}
	return printRows(opts, page, "matching rows")
}

// rowsDoc is the --format json document of rows and search.
type rowsDoc struct {
	Dataset string `json:"dataset"`
	Config  string `json:"config"`
	Split   string `json:"split"`
	Query   string `json:"query,omitempty"`
	Offset  int    `json:"offset"`
	// NumRowsTotal counts the rows of the split (rows) or the matches
	// (search).
	NumRowsTotal int64            `json:"num_rows_total"`
	Partial      bool             `json:"partial"`
	Features     []viewer.Feature `json:"features"`
	Rows         []viewer.Row     `json:"rows"`
}

func printRows(opts *ViewerOptions, page *viewer.Rows, what string) error {
	p := opts.Printer()
	doc := rowsDoc{
		Dataset: opts.RepoID, Config: opts.Config, Split: opts.Split, Query: opts.Query,
		Offset: opts.Offset, NumRowsTotal: page.NumRowsTotal, Partial: page.Partial,
		Features: page.Features, Rows: page.Rows,
	}
	if doc.Features == nil {
		doc.Features = []viewer.Feature{}
	}
	if doc.Rows == nil {
		doc.Rows = []viewer.Row{}
	}
	for i := range doc.Rows {
		if doc.Rows[i].TruncatedCells == nil {
			doc.Rows[i].TruncatedCells = []string{}
		}
	}
	columns := columnNames(page)
	headers := append([]string{"ROW"}, columns...)
	rows := make([][]string, 0, len(page.Rows))
	for _, r := range page.Rows {
		line := make([]string, 0, len(headers))
		line = append(line, strconv.FormatInt(r.Index, 10))
		for _, c := range columns {
			line = append(line, cell(r.Row[c]))
		}
		rows = append(rows, line)
	}
	p.Infof("%s %s, config %s, split %s: %s", opts.RepoID, what, opts.Config, opts.Split, pageRange(opts.Offset, len(page.Rows), page.NumRowsTotal))
	if page.Partial {
		p.Warnf("the viewer covers only the first part of this split (partial parquet export)")
	}
	return p.Table(headers, rows, doc)
}

// pageRange describes which rows of how many a page holds.
func pageRange(offset, n int, total int64) string {
	if n == 0 {
		return fmt.Sprintf("none from offset %d of %d", offset, total)
	}
	return fmt.Sprintf("%d to %d of %d", offset, offset+n-1, total)
}

// columnNames returns the columns in feature order, or, when the viewer
// sent no features, the keys of the rows in name order.
func columnNames(page *viewer.Rows) []string {
	if len(page.Features) > 0 {
		fs := slices.Clone(page.Features)
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Index < fs[j].Index })
		names := make([]string, len(fs))
		for i, f := range fs {
			names[i] = f.Name
		}
		return names
	}
	var names []string
	for _, r := range page.Rows {
		for k := range r.Row {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	return names
}

// cellEscaper keeps a cell on one line and in one column.
var cellEscaper = strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n", "\r", "\\r")

// cell renders one JSON value for a table: strings unquoted and escaped,
// null and missing values empty, anything else as compact JSON.
func cell(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return cellEscaper.Replace(s)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return cellEscaper.Replace(string(raw))
	}
	return cellEscaper.Replace(b.String())
}

// viewerError gives a dataset viewer error the exit code and hint of its
// category.
func viewerError(v *viewer.Client, err error) error {
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, viewer.ErrNotFound):
		return cmdutil.NewError(cmdutil.ExitNotFound, "check the dataset id, --config and --split; private and gated datasets need a token", err)
	case errors.Is(err, viewer.ErrUnauthorized):
		return cmdutil.NewError(cmdutil.ExitAuth, "set HF_TOKEN, pass --token or run `hf auth login`", err)
	case errors.Is(err, viewer.ErrInvalidRequest):
		return cmdutil.NewError(cmdutil.ExitUsage, "check --config, --split, --offset and --length", err)
	case errors.Is(err, viewer.ErrNotReady):
		return cmdutil.NewError(cmdutil.ExitNetwork, "the viewer is still processing this dataset; try again in a few minutes", err)
	case errors.Is(err, viewer.ErrNotSupported):
		return cmdutil.NewError(cmdutil.ExitError, "the dataset viewer cannot serve this dataset; list its data files with `hf datasets files`", err)
	case errors.Is(err, viewer.ErrServer):
		if ve, ok := errors.AsType[*viewer.Error](err); ok && ve.CauseMessage != "" {
			return cmdutil.NewError(cmdutil.ExitError, "the error is in the dataset's own files (see the cause); its authors can fix it", err)
		}
		return cmdutil.NewError(cmdutil.ExitNetwork, "the dataset viewer failed; try again later", err)
	}
	if cmdutil.IsNetworkError(err) {
		return cmdutil.NewError(cmdutil.ExitNetwork, "check your network connection and --viewer-endpoint (now "+v.Endpoint()+")", err)
	}
	return err
}

package repolist

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// DefaultLimit is how many repos `ls` lists without --limit, as in the
// Python CLI.
const DefaultLimit = 30

// ListOptions is everything `hf <noun> ls` needs.
type ListOptions struct {
	IO      *cmdutil.IOStreams
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	Type   hfhub.RepoType
	RepoID string // set: list the files of this repo instead

	Search, Author, Sort, Expand, NumParameters string
	Filter                                      []string
	Limit                                       int
	Direction                                   int

	// Models only.
	PipelineTag              string
	Library, Apps, Providers []string
	Gated, NoGated, Warm     bool

	FilesOptions // with RepoID
}

// NewListCmd returns `hf <noun> ls` for repos of type rt. A non-nil runF
// runs instead of the command's own run function.
func NewListCmd(f *cmdutil.Factory, rt hfhub.RepoType, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Printer: f.Printer, Client: f.Client, Type: rt}
	noun := rt.Plural()
	cmd := &cobra.Command{
		Use:     "ls [<repo-id>]",
		Aliases: []string{"list"},
		Short:   fmt.Sprintf("List %s on the Hub, or the files of one %s repo", noun, rt),
		Long: fmt.Sprintf(`Without an argument, list %[1]s on the Hub (the first %[2]d unless --limit
says otherwise), filtered and sorted by the flags. With a repo id, list the
files of that repo (-R for the whole tree).

Differs from the Python CLI: --human-readable has no -h shorthand (that is
--help here).`, noun, DefaultLimit),
		Example: fmt.Sprintf("  $ hf %[1]s ls --search bert --sort downloads --limit 5\n  $ hf %[1]s ls --author acme --format json\n  $ hf %[1]s ls acme/some-repo -R", noun),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.RepoID = args[0]
				for _, name := range []string{"search", "author", "filter", "sort", "limit", "expand", "num-parameters", "direction",
					"pipeline-tag", "library", "gated", "no-gated", "apps", "inference-provider", "warm"} {
					if cmd.Flags().Changed(name) {
						return cmdutil.FlagErrorf("--%s cannot be used when listing the files of a repo", name)
					}
				}
			} else {
				for _, name := range []string{"recursive", "revision", "human-readable", "tree"} {
					if cmd.Flags().Changed(name) {
						return cmdutil.FlagErrorf("--%s is only for listing the files of a repo: give a repo id", name)
					}
				}
				if opts.Limit < 0 {
					return cmdutil.FlagErrorf("--limit must be 0 (everything) or more, not %d", opts.Limit)
				}
				if opts.Gated && opts.NoGated {
					return cmdutil.FlagErrorf("--gated and --no-gated contradict each other: give one")
				}
				if opts.Warm && len(opts.Providers) > 0 {
					return cmdutil.FlagErrorf("--warm cannot be used with --inference-provider")
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Search, "search", "", "only repos whose id contains this `text`")
	fl.StringVar(&opts.Author, "author", "", "only repos of this user or `organization`")
	fl.StringArrayVar(&opts.Filter, "filter", nil, "only repos with this `tag` (repeatable)")
	fl.StringVar(&opts.Sort, "sort", "", "sort by `key`: downloads, likes, trending_score, last_modified or created_at")
	fl.IntVar(&opts.Direction, "direction", 0, "with --sort: -1 descending (the Hub's default), 1 ascending")
	fl.IntVar(&opts.Limit, "limit", DefaultLimit, "list at most `n` repos (0: all)")
	fl.StringVar(&opts.Expand, "expand", "", "comma-separated `properties` to return (only those and id)")
	if rt == hfhub.RepoModel {
		fl.StringVar(&opts.NumParameters, "num-parameters", "", "filter by parameter `range`, e.g. min:6B,max:128B")
		fl.StringVar(&opts.PipelineTag, "pipeline-tag", "", "only models of this `task`, e.g. text-generation")
		fl.StringArrayVar(&opts.Library, "library", nil, "only models of this `library`, e.g. transformers (repeatable; hf only)")
		fl.BoolVar(&opts.Gated, "gated", false, "only gated models")
		fl.BoolVar(&opts.NoGated, "no-gated", false, "only models that are not gated")
		fl.StringArrayVar(&opts.Apps, "apps", nil, "only models this `app` can run, e.g. vllm, llama.cpp (repeatable)")
		fl.StringArrayVar(&opts.Providers, "inference-provider", nil, "only models this inference `provider` serves (repeatable)")
		fl.BoolVar(&opts.Warm, "warm", false, "only models some inference provider serves now")
	}
	addFilesFlags(cmd, &opts.FilesOptions)
	return cmd
}

func runList(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.RepoID != "" {
		fo := opts.FilesOptions
		fo.Printer, fo.Type, fo.RepoID = opts.Printer, opts.Type, opts.RepoID
		return listFiles(ctx, c, &fo)
	}
	lo := hfhub.ListOptions{
		Search: opts.Search, Author: opts.Author, Filter: opts.Filter,
		Sort: opts.Sort, Direction: opts.Direction, Limit: opts.Limit,
	}
	if opts.Expand != "" {
		lo.Expand = splitComma(opts.Expand)
	}
	p := opts.Printer()
	var rows [][]string
	var docs []json.RawMessage
	var headers []string
	add := func(raw json.RawMessage, v any, row []string) error {
		if raw == nil {
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			raw = b
		}
		docs = append(docs, raw)
		rows = append(rows, row)
		return nil
	}
	switch opts.Type {
	case hfhub.RepoDataset:
		headers = []string{"ID", "DOWNLOADS", "LIKES", "PRIVATE", "LAST MODIFIED"}
		err = each(c.ListDatasets(ctx, &hfhub.ListDatasetsOptions{ListOptions: lo}), func(d *hfhub.DatasetInfo) error {
			return add(d.Raw, d, []string{d.ID, num(d.Downloads), num(d.Likes), yes(d.Private), p.Time(deref(d.LastModified))})
		})
	case hfhub.RepoSpace:
		headers = []string{"ID", "SDK", "LIKES", "PRIVATE", "LAST MODIFIED"}
		err = each(c.ListSpaces(ctx, &hfhub.ListSpacesOptions{ListOptions: lo}), func(s *hfhub.SpaceInfo) error {
			return add(s.Raw, s, []string{s.ID, s.SDK, num(s.Likes), yes(s.Private), p.Time(deref(s.LastModified))})
		})
	default:
		headers = []string{"ID", "DOWNLOADS", "LIKES", "PIPELINE", "LAST MODIFIED"}
		mo := &hfhub.ListModelsOptions{ListOptions: lo, NumParameters: opts.NumParameters,
			PipelineTag: opts.PipelineTag, Library: opts.Library, Apps: opts.Apps, InferenceProvider: opts.Providers}
		switch {
		case opts.Gated:
			mo.Gated = new(true)
		case opts.NoGated:
			mo.Gated = new(false)
		}
		if opts.Warm {
			mo.Inference = "warm"
		}
		err = each(c.ListModels(ctx, mo), func(m *hfhub.ModelInfo) error {
			return add(m.Raw, m, []string{m.ID, num(m.Downloads), num(m.Likes), m.PipelineTag, p.Time(deref(m.LastModified))})
		})
	}
	if err != nil {
		return err
	}
	if docs == nil {
		docs = []json.RawMessage{}
	}
	if len(rows) == 0 {
		p.Infof("No %s found.", opts.Type.Plural())
	}
	return p.Table(headers, rows, docs)
}

// each ranges over seq and calls fn for each item, stopping at the first
// error.
func each[T any](seq iter.Seq2[T, error], fn func(T) error) error {
	for v, err := range seq {
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func num(n int64) string { return strconv.FormatInt(n, 10) }

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

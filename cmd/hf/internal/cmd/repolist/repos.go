package repolist

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// ReposOptions is everything `hf repos ls` needs.
type ReposOptions struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	Namespace, Type, Search string
	Limit                   int
}

// RepoRow is one repo of `hf repos ls --format json`.
type RepoRow struct {
	ID           string     `json:"id"`
	Type         string     `json:"type"`
	Private      bool       `json:"private"`
	LastModified *time.Time `json:"last_modified,omitempty"`
}

// NewReposListCmd returns `hf repos ls`: the models, datasets and Spaces
// of a namespace. A non-nil runF runs instead of the command's own run.
func NewReposListCmd(f *cmdutil.Factory, runF func(context.Context, *ReposOptions) error) *cobra.Command {
	opts := &ReposOptions{Printer: f.Printer, Client: f.Client}
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List the repos of a user or organization (models, datasets, Spaces)",
		Long: `List the models, datasets and Spaces of --namespace (default: you), most
recently changed first. Differs from the Python CLI: no storage columns and no
--explore (the listings hf reads carry no storage figures); buckets are listed
by the buckets commands.`,
		Example: "  $ hf repos ls\n  $ hf repos ls --namespace acme --type dataset --search bert",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Type != "" {
				if _, err := cmdutil.ParseRepoType(opts.Type); err != nil {
					return err
				}
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must be 0 (everything) or more, not %d", opts.Limit)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRepos(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Namespace, "namespace", "", "user or `organization` (default: the token's user)")
	// Not RepoTypeFlag: here the type filters, and no type means all.
	fl.StringVar(&opts.Type, "type", "", "only repos of this `type`: model, dataset or space (also --repo-type)")
	cmdutil.AliasRepoType(fl)
	fl.StringVar(&opts.Search, "search", "", "only repos whose id contains this `text`")
	fl.IntVar(&opts.Limit, "limit", 100, "list at most `n` repos (0: all)")
	return cmd
}

func runRepos(ctx context.Context, opts *ReposOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ns := opts.Namespace
	if ns == "" {
		me, err := c.WhoAmI(ctx)
		if err != nil {
			return err
		}
		ns = me.Name
	}
	lo := hfhub.ListOptions{Author: ns, Search: opts.Search, Sort: "lastModified"}
	var out []RepoRow
	add := func(t hfhub.RepoType, id string, private bool, mod *time.Time) {
		out = append(out, RepoRow{ID: id, Type: t.String(), Private: private, LastModified: mod})
	}
	want := func(t hfhub.RepoType) bool { return opts.Type == "" || strings.HasPrefix(opts.Type, t.String()) }
	if want(hfhub.RepoModel) {
		if err := each(c.ListModels(ctx, &hfhub.ListModelsOptions{ListOptions: lo}), func(m *hfhub.ModelInfo) error {
			add(hfhub.RepoModel, m.ID, m.Private, m.LastModified)
			return nil
		}); err != nil {
			return err
		}
	}
	if want(hfhub.RepoDataset) {
		if err := each(c.ListDatasets(ctx, &hfhub.ListDatasetsOptions{ListOptions: lo}), func(d *hfhub.DatasetInfo) error {
			add(hfhub.RepoDataset, d.ID, d.Private, d.LastModified)
			return nil
		}); err != nil {
			return err
		}
	}
	if want(hfhub.RepoSpace) {
		if err := each(c.ListSpaces(ctx, &hfhub.ListSpacesOptions{ListOptions: lo}), func(s *hfhub.SpaceInfo) error {
			add(hfhub.RepoSpace, s.ID, s.Private, s.LastModified)
			return nil
		}); err != nil {
			return err
		}
	}
	sortByModified(out)
	total := len(out)
	if opts.Limit > 0 && len(out) > opts.Limit {
		out = out[:opts.Limit]
	}
	if out == nil {
		out = []RepoRow{}
	}
	p := opts.Printer()
	rows := make([][]string, 0, len(out))
	for _, r := range out {
		vis := "public"
		if r.Private {
			vis = "private"
		}
		rows = append(rows, []string{r.ID, r.Type, p.Time(deref(r.LastModified)), vis})
	}
	if len(rows) == 0 {
		p.Infof("No repos found for %s.", ns)
	}
	if err := p.Table([]string{"ID", "TYPE", "UPDATED", "VISIBILITY"}, rows, out); err != nil {
		return err
	}
	if total > len(out) {
		p.Infof("Showing %d of %d repos. Use --limit 0 to list all.", len(out), total)
	}
	return nil
}

// sortByModified puts the most recently changed repos first (stable).
func sortByModified(rs []RepoRow) {
	slices.SortStableFunc(rs, func(a, b RepoRow) int {
		return deref(b.LastModified).Compare(deref(a.LastModified))
	})
}

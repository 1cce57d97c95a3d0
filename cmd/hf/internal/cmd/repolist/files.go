package repolist

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// FilesOptions is what listing the files of one repo needs.
type FilesOptions struct {
	Printer func() *cmdutil.Printer

	Type          hfhub.RepoType
	RepoID        string
	Path          string // folder to list; empty: the root
	Revision      string
	Recursive     bool
	HumanReadable bool
	Tree          bool // --tree: drawn as a tree
}

func addFilesFlags(cmd *cobra.Command, o *FilesOptions) {
	fl := cmd.Flags()
	fl.BoolVarP(&o.Recursive, "recursive", "R", false, "list files in every folder")
	fl.StringVar(&o.Revision, "revision", "", "branch, tag or commit to list (default: the main branch)")
	fl.BoolVar(&o.HumanReadable, "human-readable", false, "show sizes as 1.2K, 3.0M, 1.2G (decimal units)")
	fl.BoolVar(&o.Tree, "tree", false, "draw the files as a tree (not with --format json)")
}

// NewTreeCmd returns `hf repo tree`: the files of one repo of any type.
func NewTreeCmd(f *cmdutil.Factory, runF func(context.Context, *FilesOptions) error) *cobra.Command {
	opts := &FilesOptions{Printer: f.Printer}
	var repoType string
	cmd := &cobra.Command{
		Use:   "tree <repo-id> [<path>]",
		Short: "List the files and folders of a repo",
		Long: `List the files and folders of a repo at a revision, or of one folder of it.
Same output as ` + "`hf models ls <repo-id>`" + `, for any --repo-type (hf only; the Python
CLI lists files with ` + "`hf models|datasets|spaces ls <repo-id>`" + `).`,
		Example: "  $ hf repo tree acme/tiny-model\n  $ hf repo tree acme/squad data -R --repo-type dataset --format json",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := cmdutil.ParseRepoType(repoType)
			if err != nil {
				return err
			}
			opts.Type, opts.RepoID = rt, args[0]
			if len(args) == 2 {
				opts.Path = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			return listFiles(cmd.Context(), c, opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &repoType)
	addFilesFlags(cmd, opts)
	return cmd
}

// listFiles prints the tree of one repo: SIZE, DATE and PATH columns
// (folders end in "/"), paths only with --quiet, the entries with
// --format json.
func listFiles(ctx context.Context, c *hfhub.Client, opts *FilesOptions) error {
	p := opts.Printer()
	if opts.Tree && p.IsJSON() {
		return cmdutil.FlagErrorf("--tree cannot be used with --format json")
	}
	entries := []*hfhub.TreeEntry{}
	var rows [][]string
	hasDirs := false
	seq := c.ListRepoTree(ctx, opts.RepoID, &hfhub.ListRepoTreeOptions{
		RepoType: opts.Type, Revision: opts.Revision, Path: opts.Path,
		Recursive: opts.Recursive, Expand: true,
	})
	for e, err := range seq {
		if err != nil {
			return err
		}
		entries = append(entries, e)
		date := ""
		if e.LastCommit != nil {
			date = p.Time(e.LastCommit.Date)
		}
		if e.IsDir() {
			hasDirs = true
			rows = append(rows, []string{e.Path + "/", "", date})
			continue
		}
		size := fmt.Sprint(e.Size)
		if opts.HumanReadable {
			size = cmdutil.HumanSize(e.Size)
		}
		rows = append(rows, []string{e.Path, size, date})
	}
	if len(rows) == 0 {
		p.Infof("(empty)")
	}
	if opts.Tree {
		items := make([]cmdutil.TreeItem, 0, len(entries))
		for i, e := range entries {
			it := cmdutil.TreeItem{Path: e.Path, Dir: e.IsDir()}
			if !p.Quiet && !it.Dir {
				it.Size, it.Date = rows[i][1], rows[i][2]
			}
			items = append(items, it)
		}
		for _, line := range cmdutil.RenderTree(items) {
			p.Line("%s", line)
		}
	} else if err := p.Table([]string{"PATH", "SIZE", "LAST COMMIT"}, rows, entries); err != nil {
		return err
	}
	if hasDirs && !opts.Recursive {
		p.Infof("Use -R to list files recursively.")
	}
	return nil
}

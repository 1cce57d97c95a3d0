package repowrite

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// RefOptions is everything the branch and tag verbs need.
type RefOptions struct {
	F        *cmdutil.Factory
	RepoID   string
	Name     string
	RepoType string
	Revision string
	Message  string
	ExistOK  bool
	Yes      bool
}

// NewBranchCmd returns `hf repo branch` with create and delete.
func NewBranchCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "branch <command>", Short: "Create or delete branches"}
	cmd.AddCommand(newBranchCreateCmd(f, nil), newBranchDeleteCmd(f, nil))
	return cmd
}

// refVerb is a branch or tag verb on <repo-id> <name>.
func refVerb(opts *RefOptions, runF func(context.Context, *RefOptions) error, act func(context.Context, *hfhub.Client, hfhub.RepoType) error) verb[RefOptions] {
	return verb[RefOptions]{opts: opts, repoType: &opts.RepoType, runF: runF, act: act,
		args: func(args []string) { opts.RepoID, opts.Name = args[0], args[1] }}
}

func newBranchCreateCmd(f *cmdutil.Factory, runF func(context.Context, *RefOptions) error) *cobra.Command {
	opts := &RefOptions{F: f}
	cmd := refVerb(opts, runF, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
		if err := c.CreateBranch(ctx, opts.RepoID, opts.Name, &hfhub.CreateBranchOptions{RepoType: rt, Revision: opts.Revision, ExistOK: opts.ExistOK}); err != nil {
			return err
		}
		return done(f.Printer(), "Created branch "+opts.Name, map[string]any{"repo_id": opts.RepoID, "branch": opts.Name})
	}).install(f, &cobra.Command{
		Use:     "create <repo-id> <branch>",
		Short:   "Create a branch",
		Example: "  $ hf repo branch create acme/model dev\n  $ hf repo branch create acme/model fix --revision v1.0",
		Args:    cobra.ExactArgs(2),
	})
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "where the branch starts (default: the head of main)")
	cmd.Flags().BoolVar(&opts.ExistOK, "exist-ok", false, "succeed if the branch already exists")
	return cmd
}

func newBranchDeleteCmd(f *cmdutil.Factory, runF func(context.Context, *RefOptions) error) *cobra.Command {
	opts := &RefOptions{F: f}
	v := refVerb(opts, runF, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
		if err := c.DeleteBranch(ctx, opts.RepoID, opts.Name, &hfhub.RepoOptions{RepoType: rt}); err != nil {
			return err
		}
		return done(f.Printer(), "Deleted branch "+opts.Name, map[string]any{"repo_id": opts.RepoID, "deleted_branch": opts.Name})
	})
	v.yes = &opts.Yes
	v.ask = func(hfhub.RepoType) string { return "Delete branch " + opts.Name + " of " + opts.RepoID + "?" }
	return v.install(f, &cobra.Command{
		Use:   "delete <repo-id> <branch>",
		Short: "Delete a branch",
		Long: `Delete a branch; commits only it reached are lost. hf asks first on a
terminal; -y (--yes) skips the question and is needed in a script (the Python
CLI deletes a branch without asking).`,
		Example: "  $ hf repos branch delete acme/model dev --yes",
		Args:    cobra.ExactArgs(2),
	})
}

// NewTagCmd returns `hf repo tag` with create, list and delete.
func NewTagCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "tag <command>", Short: "Create, list or delete tags"}
	cmd.AddCommand(newTagCreateCmd(f, nil), newTagListCmd(f, nil), newTagDeleteCmd(f, nil))
	return cmd
}

func newTagCreateCmd(f *cmdutil.Factory, runF func(context.Context, *RefOptions) error) *cobra.Command {
	opts := &RefOptions{F: f}
	cmd := refVerb(opts, runF, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
		if err := c.CreateTag(ctx, opts.RepoID, opts.Name, &hfhub.CreateTagOptions{RepoType: rt, Revision: opts.Revision, Message: opts.Message, ExistOK: opts.ExistOK}); err != nil {
			return err
		}
		return done(f.Printer(), "Created tag "+opts.Name, map[string]any{"repo_id": opts.RepoID, "tag": opts.Name})
	}).install(f, &cobra.Command{
		Use:     "create <repo-id> <tag>",
		Short:   "Tag a revision",
		Example: "  $ hf repo tag create acme/model v1.0\n  $ hf repo tag create acme/model v1.1 --revision dev -m 'second release'",
		Args:    cobra.ExactArgs(2),
	})
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "revision to tag (default: the head of main)")
	cmd.Flags().StringVarP(&opts.Message, "message", "m", "", "tag message")
	cmd.Flags().BoolVar(&opts.ExistOK, "exist-ok", false, "succeed if the tag already exists")
	return cmd
}

func newTagListCmd(f *cmdutil.Factory, runF func(context.Context, *RefOptions) error) *cobra.Command {
	opts := &RefOptions{F: f}
	return verb[RefOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.RepoID = args[0] },
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			refs, err := c.ListRepoRefs(ctx, opts.RepoID, &hfhub.ListRepoRefsOptions{RepoType: rt})
			if err != nil {
				return err
			}
			rows := make([][]string, 0, len(refs.Tags))
			for _, t := range refs.Tags {
				rows = append(rows, []string{t.Name, t.TargetCommit})
			}
			tags := refs.Tags
			if tags == nil {
				tags = []hfhub.GitRef{}
			}
			return f.Printer().Table([]string{"TAG", "COMMIT"}, rows, tags)
		},
	}.install(f, &cobra.Command{
		Use:     "list <repo-id>",
		Aliases: []string{"ls"},
		Short:   "List the tags of a repo",
		Example: "  $ hf repo tag list acme/model",
		Args:    cobra.ExactArgs(1),
	})
}

func newTagDeleteCmd(f *cmdutil.Factory, runF func(context.Context, *RefOptions) error) *cobra.Command {
	opts := &RefOptions{F: f}
	v := refVerb(opts, runF, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
		if err := c.DeleteTag(ctx, opts.RepoID, opts.Name, &hfhub.RepoOptions{RepoType: rt}); err != nil {
			return err
		}
		return done(f.Printer(), "Deleted tag "+opts.Name, map[string]any{"repo_id": opts.RepoID, "deleted_tag": opts.Name})
	})
	v.yes = &opts.Yes
	v.ask = func(hfhub.RepoType) string { return "Delete tag " + opts.Name + " of " + opts.RepoID + "?" }
	cmd := v.install(f, &cobra.Command{
		Use:     "delete <repo-id> <tag>",
		Short:   "Delete a tag",
		Example: "  $ hf repo tag delete acme/model v1.0 --yes",
		Args:    cobra.ExactArgs(2),
	})
	return cmd
}

package repowrite

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// DeleteOptions is everything `hf repo delete` needs.
type DeleteOptions struct {
	F         *cmdutil.Factory
	RepoID    string
	RepoType  string
	MissingOK bool
	Yes       bool
}

// NewDeleteCmd returns `hf repo delete`.
func NewDeleteCmd(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	cmd := verb[DeleteOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.RepoID = args[0] },
		yes:  &opts.Yes,
		ask: func(rt hfhub.RepoType) string {
			return "Permanently delete " + rt.String() + " " + opts.RepoID + " and its whole history?"
		},
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			if err := c.DeleteRepo(ctx, opts.RepoID, &hfhub.DeleteRepoOptions{RepoType: rt, MissingOK: opts.MissingOK}); err != nil {
				return err
			}
			return done(f.Printer(), "Deleted "+rt.String()+" "+opts.RepoID, map[string]any{"deleted": opts.RepoID, "repo_type": rt.String()})
		},
	}.install(f, &cobra.Command{
		Use:   "delete <repo-id>",
		Short: "Delete a repo and its history (cannot be undone)",
		Long: `Delete a repo and its whole history; this cannot be undone. hf asks first on
a terminal; -y (--yes) skips the question, and is needed when stdin is not a
terminal (a script).`,
		Example: "  $ hf repos delete acme/old-model\n  $ hf repos delete acme/old-data --type dataset --missing-ok --yes",
		Args:    cobra.ExactArgs(1),
	})
	cmd.Flags().BoolVar(&opts.MissingOK, "missing-ok", false, "succeed if the repo does not exist")
	return cmd
}

// MoveOptions is everything `hf repo move` needs.
type MoveOptions struct {
	F        *cmdutil.Factory
	From, To string
	RepoType string
}

// NewMoveCmd returns `hf repo move`.
func NewMoveCmd(f *cmdutil.Factory, runF func(context.Context, *MoveOptions) error) *cobra.Command {
	opts := &MoveOptions{F: f}
	return verb[MoveOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.From, opts.To = args[0], args[1] },
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			if err := c.MoveRepo(ctx, opts.From, opts.To, &hfhub.RepoOptions{RepoType: rt}); err != nil {
				return err
			}
			return done(f.Printer(), c.RepoURL(rt, opts.To), map[string]any{"from": opts.From, "to": opts.To, "url": c.RepoURL(rt, opts.To)})
		},
	}.install(f, &cobra.Command{
		Use:     "move <from-id> <to-id>",
		Short:   "Rename a repo or move it to another namespace",
		Long:    "Rename a repo or move it to another namespace. Old URLs keep redirecting to the new id.",
		Example: "  $ hf repo move acme/model acme/model-v2",
		Args:    cobra.ExactArgs(2),
	})
}

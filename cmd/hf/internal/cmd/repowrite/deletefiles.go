package repowrite

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// DeleteFilesOptions is everything `hf repo delete-files` needs.
type DeleteFilesOptions struct {
	F                    *cmdutil.Factory
	RepoID               string
	Patterns             []string
	RepoType, Revision   string
	Message, Description string
	CreatePR             bool
}

// NewDeleteFilesCmd returns `hf repo delete-files`.
func NewDeleteFilesCmd(f *cmdutil.Factory, runF func(context.Context, *DeleteFilesOptions) error) *cobra.Command {
	opts := &DeleteFilesOptions{F: f}
	cmd := verb[DeleteFilesOptions]{opts: opts, repoType: &opts.RepoType, runF: runF,
		args: func(args []string) { opts.RepoID, opts.Patterns = args[0], args[1:] },
		act: func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType) error {
			info, err := c.DeleteFiles(ctx, opts.RepoID, opts.Patterns, &hfhub.CommitOptions{
				RepoType: rt, Revision: opts.Revision, Message: opts.Message, Description: opts.Description, CreatePR: opts.CreatePR,
			})
			if err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(info)
			}
			if info.PullRequestURL != "" {
				p.Line("%s", info.PullRequestURL)
				return nil
			}
			p.Line("%s", info.URL)
			return nil
		},
	}.install(f, &cobra.Command{
		Use:   "delete-files <repo-id> <pattern>...",
		Short: "Delete files from a repo in one commit",
		Long: `Delete files in one commit. Each pattern is a path, a folder ending in "/", or
an fnmatch glob ("*.bin", "logs/*"); a pattern that matches nothing is an error
and then nothing is deleted.`,
		Example: "  $ hf repo delete-files acme/model old.bin 'logs/*'\n  $ hf repo delete-files acme/data tmp/ --repo-type dataset --create-pr",
		Args:    cobra.MinimumNArgs(2),
	})
	fl := cmd.Flags()
	fl.StringVar(&opts.Revision, "revision", "", "branch to commit to (default main)")
	fl.StringVar(&opts.Message, "commit-message", "", "commit title")
	fl.StringVar(&opts.Description, "commit-description", "", "commit description")
	fl.BoolVar(&opts.CreatePR, "create-pr", false, "open a pull request instead of committing to the branch")
	return cmd
}

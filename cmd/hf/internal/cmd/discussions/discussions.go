// Package discussions implements `hf discussions`: list, read, open,
// comment on, close, reopen, rename and merge discussions and pull
// requests, and show a pull request's diff. Names and flags follow the
// Python CLI's `hf discussions`.
package discussions

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf discussions` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "discussions <command>",
		Aliases: []string{"discussion"},
		Short:   "Manage discussions and pull requests on the Hub",
		Long: "Manage discussions and pull requests on the Hub.\n\n" +
			"A pull request is the ref refs/pr/N: open one with changes by uploading with --create-pr\n" +
			"(or `hf discussions create --pull-request`, then upload with --revision refs/pr/N),\n" +
			"review it with `info` and `diff`, and merge it with `merge`.",
	}
	cmd.AddCommand(newListCmd(f), newInfoCmd(f), newCreateCmd(f), newCommentCmd(f), newEditCmd(f),
		newStatusCmd(f, "close", hfhub.DiscussionClosed), newStatusCmd(f, "reopen", hfhub.DiscussionOpen),
		newRenameCmd(f), newMergeCmd(f), newDiffCmd(f))
	return cmd
}

// verb is what every verb shares: the repo id, the number (when the verb
// takes one) and the repo type.
type verb struct {
	f        *cmdutil.Factory
	repoID   string
	num      int
	repoType string
}

// install makes act the run function of cmd: it takes <repo-id> and, with
// withNum, <num> (a positive integer), parses --type (alias --repo-type)
// and builds the client.
func (v *verb) install(cmd *cobra.Command, withNum bool, nargs int, act func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, args []string) error) *cobra.Command {
	cmdutil.RepoTypeFlag(cmd, &v.repoType)
	cmd.Args = cobra.ExactArgs(nargs)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		v.repoID = args[0]
		if withNum {
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 1 {
				return cmdutil.FlagErrorf("%q is not a discussion number: use a positive integer (see `hf discussions list %s`)", args[1], v.repoID)
			}
			v.num = n
		}
		rt, err := cmdutil.ParseRepoType(v.repoType)
		if err != nil {
			return err
		}
		c, err := v.f.Client()
		if err != nil {
			return err
		}
		return act(cmd.Context(), c, rt, args)
	}
	return cmd
}

// bodyFlags adds --body and --body-file (a path, or - for stdin).
type bodyFlags struct {
	body, file string
}

func (b *bodyFlags) add(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&b.body, "body", "", what+" (Markdown)")
	cmd.Flags().StringVar(&b.file, "body-file", "", "read "+what+" from a file (- for stdin)")
}

// read returns the text of --body or --body-file ("" when neither was given).
func (b *bodyFlags) read(in io.Reader) (string, error) {
	switch {
	case b.body != "" && b.file != "":
		return "", cmdutil.FlagErrorf("--body and --body-file are exclusive: pass one")
	case b.file == "-":
		data, err := io.ReadAll(in)
		return string(data), err
	case b.file != "":
		data, err := os.ReadFile(b.file)
		if err != nil {
			return "", cmdutil.Errorf(cmdutil.ExitError, "check the --body-file path", "read --body-file: %v", err)
		}
		return string(data), nil
	}
	return b.body, nil
}

// required is read for verbs that need a text.
func (b *bodyFlags) required(in io.Reader) (string, error) {
	s, err := b.read(in)
	if err == nil && s == "" {
		err = cmdutil.FlagErrorf("pass the text with --body or --body-file")
	}
	return s, err
}

func kind(d *hfhub.Discussion) string {
	if d.IsPullRequest {
		return "pull request"
	}
	return "discussion"
}

func numRef(num int, repo string) string { return fmt.Sprintf("#%d in %s", num, repo) }

package discussions

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func newCreateCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	var title string
	var body bodyFlags
	var pr bool
	cmd := v.install(&cobra.Command{
		Use:   "create <repo-id> --title TITLE",
		Short: "Open a discussion or pull request on a repo",
		Example: "  $ hf discussions create username/my-model --title \"Bug report\"\n" +
			"  $ hf discussions create username/my-model --title \"Feature request\" --body \"Please add X\"\n" +
			"  $ hf discussions create username/my-model --title \"Fix typo\" --pull-request",
	}, false, 1, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		if title == "" {
			return cmdutil.FlagErrorf("--title is required")
		}
		desc, err := body.read(f.IO.In)
		if err != nil {
			return err
		}
		d, err := c.CreateDiscussion(ctx, v.repoID, title, &hfhub.CreateDiscussionOptions{RepoType: rt, Description: desc, PullRequest: pr})
		if err != nil {
			return err
		}
		data := map[string]any{"num": d.Num, "url": d.URL, "ref": nil}
		if d.IsPullRequest {
			data["ref"] = d.GitReference()
		}
		return f.Printer().Result(fmt.Sprintf("Created %s #%d on %s: %s", kind(&d.Discussion), d.Num, v.repoID, d.URL), data)
	})
	cmd.Flags().StringVar(&title, "title", "", "the title (3 to 200 characters)")
	body.add(cmd, "the description")
	cmd.Flags().BoolVar(&pr, "pull-request", false, "open a (draft) pull request instead of a discussion")
	cmd.Flags().BoolVar(&pr, "pr", false, "alias of --pull-request")
	return cmd
}

func newCommentCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	var body bodyFlags
	cmd := v.install(&cobra.Command{
		Use:     "comment <repo-id> <num>",
		Short:   "Comment on a discussion or pull request",
		Example: "  $ hf discussions comment username/my-model 5 --body \"Thanks for reporting!\"",
	}, true, 2, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		text, err := body.required(f.IO.In)
		if err != nil {
			return err
		}
		ev, err := c.CommentDiscussion(ctx, v.repoID, v.num, text, &hfhub.RepoOptions{RepoType: rt})
		if err != nil {
			return err
		}
		return f.Printer().Result("Commented on "+numRef(v.num, v.repoID), map[string]any{"num": v.num, "repo": v.repoID, "comment_id": ev.ID})
	})
	body.add(cmd, "the comment")
	return cmd
}

func newEditCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	var body bodyFlags
	cmd := v.install(&cobra.Command{
		Use:     "edit <repo-id> <num> <comment-id>",
		Short:   "Edit a comment on a discussion or pull request",
		Example: "  $ hf discussions edit username/my-model 5 6579ab... --body \"Updated comment.\"",
	}, true, 3, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, args []string) error {
		text, err := body.required(f.IO.In)
		if err != nil {
			return err
		}
		if _, err := c.EditDiscussionComment(ctx, v.repoID, v.num, args[2], text, &hfhub.RepoOptions{RepoType: rt}); err != nil {
			return err
		}
		return f.Printer().Result("Edited comment "+args[2]+" on "+numRef(v.num, v.repoID), map[string]any{"num": v.num, "repo": v.repoID, "comment_id": args[2]})
	})
	body.add(cmd, "the new comment")
	return cmd
}

// newStatusCmd returns close or reopen.
func newStatusCmd(f *cmdutil.Factory, name, status string) *cobra.Command {
	v := &verb{f: f}
	var comment string
	var yes bool
	done := map[string]string{"close": "Closed", "reopen": "Reopened"}[name]
	cmd := v.install(&cobra.Command{
		Use:   name + " <repo-id> <num>",
		Short: done[:len(done)-1] + " a discussion or pull request",
		Example: "  $ hf discussions " + name + " username/my-model 5 --yes\n" +
			"  $ hf discussions " + name + " username/my-model 5 --comment \"...\" -y",
	}, true, 2, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		if err := cmdutil.Confirm(f.IO, yes, fmt.Sprintf("%s #%d on %s?", name, v.num, v.repoID)); err != nil {
			return err
		}
		if _, err := c.ChangeDiscussionStatus(ctx, v.repoID, v.num, status, &hfhub.ChangeDiscussionStatusOptions{RepoType: rt, Comment: comment}); err != nil {
			return err
		}
		return f.Printer().Result(done+" "+numRef(v.num, v.repoID), map[string]any{"num": v.num, "repo": v.repoID, "status": status})
	})
	cmd.Flags().StringVar(&comment, "comment", "", "a comment to post with the change")
	cmdutil.YesFlag(cmd, &yes)
	return cmd
}

func newRenameCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	return v.install(&cobra.Command{
		Use:     "rename <repo-id> <num> <new-title>",
		Short:   "Rename a discussion or pull request",
		Example: "  $ hf discussions rename username/my-model 5 \"Updated title\"",
	}, true, 3, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, args []string) error {
		if _, err := c.RenameDiscussion(ctx, v.repoID, v.num, args[2], &hfhub.RepoOptions{RepoType: rt}); err != nil {
			return err
		}
		return f.Printer().Result("Renamed "+numRef(v.num, v.repoID), map[string]any{"num": v.num, "repo": v.repoID, "title": args[2]})
	})
}

func newMergeCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	var comment string
	var yes bool
	cmd := v.install(&cobra.Command{
		Use:     "merge <repo-id> <num>",
		Short:   "Merge a pull request",
		Example: "  $ hf discussions merge username/my-model 5 --yes\n  $ hf discussions merge username/my-model 5 --comment \"Merging, thanks!\" -y",
	}, true, 2, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		if err := cmdutil.Confirm(f.IO, yes, fmt.Sprintf("merge #%d on %s?", v.num, v.repoID)); err != nil {
			return err
		}
		if err := c.MergePullRequest(ctx, v.repoID, v.num, &hfhub.MergePullRequestOptions{RepoType: rt, Comment: comment}); err != nil {
			return err
		}
		return f.Printer().Result("Merged "+numRef(v.num, v.repoID), map[string]any{"num": v.num, "repo": v.repoID})
	})
	cmd.Flags().StringVar(&comment, "comment", "", "a comment to post with the merge")
	cmdutil.YesFlag(cmd, &yes)
	return cmd
}

package discussions

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	var status, kindFlag, author string
	var limit int
	cmd := v.install(&cobra.Command{
		Use:     "list <repo-id>",
		Aliases: []string{"ls"},
		Short:   "List discussions and pull requests on a repo",
		Example: "  $ hf discussions list username/my-model\n" +
			"  $ hf discussions list username/my-model --kind pull_request --status merged\n" +
			"  $ hf discussions list username/my-dataset --repo-type dataset --status closed\n" +
			"  $ hf discussions list username/my-model --author alice --format json",
	}, false, 1, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		opts := &hfhub.ListDiscussionsOptions{RepoType: rt, Author: author}
		switch status {
		case "open", "closed":
			opts.DiscussionStatus = status
		case "all", "merged", "draft": // merged and draft are filtered here: the Hub filters open/closed only
		default:
			return cmdutil.FlagErrorf("--status %q: use open, closed, merged, draft or all", status)
		}
		switch kindFlag {
		case "all":
		case "discussion", "pull_request":
			opts.DiscussionType = kindFlag
		default:
			return cmdutil.FlagErrorf("--kind %q: use discussion, pull_request or all", kindFlag)
		}
		if limit < 0 {
			return cmdutil.FlagErrorf("--limit must not be negative")
		}
		p := f.Printer()
		list := []*hfhub.Discussion{}
		var rows [][]string
		for d, err := range c.ListDiscussions(ctx, v.repoID, opts) {
			if err != nil {
				return err
			}
			if (status == "merged" || status == "draft") && d.Status != status {
				continue
			}
			list = append(list, d)
			rows = append(rows, []string{strconv.Itoa(d.Num), d.Title, kind(d), d.Status, d.Author, p.Time(d.CreatedAt)})
			if limit > 0 && len(list) >= limit {
				break
			}
		}
		return p.Table([]string{"NUM", "TITLE", "KIND", "STATUS", "AUTHOR", "CREATED"}, rows, list)
	})
	cmd.Flags().StringVarP(&status, "status", "s", "open", "filter by status: open, closed, merged, draft or all")
	cmd.Flags().StringVarP(&kindFlag, "kind", "k", "all", "filter by kind: discussion, pull_request or all")
	cmd.Flags().StringVar(&author, "author", "", "only those opened by this user")
	cmd.Flags().IntVar(&limit, "limit", 30, "stop after this many (0: all)")
	return cmd
}

func newInfoCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	return v.install(&cobra.Command{
		Use:     "info <repo-id> <num>",
		Short:   "Show a discussion or pull request with its timeline",
		Example: "  $ hf discussions info username/my-model 5\n  $ hf discussions info username/my-model 5 --format json",
	}, true, 2, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		d, err := c.DiscussionDetails(ctx, v.repoID, v.num, &hfhub.RepoOptions{RepoType: rt})
		if err != nil {
			return err
		}
		p := f.Printer()
		fields := [][2]string{
			{"num", strconv.Itoa(d.Num)}, {"title", d.Title}, {"kind", kind(&d.Discussion)}, {"status", d.Status},
			{"author", d.Author}, {"created_at", p.Time(d.CreatedAt)}, {"url", d.URL},
		}
		if d.IsPullRequest {
			fields = append(fields, [2]string{"ref", d.GitReference()}, [2]string{"target_branch", d.TargetBranch})
			if d.MergeCommitOID != "" {
				fields = append(fields, [2]string{"merge_commit", d.MergeCommitOID})
			}
			if len(d.ConflictingFiles) > 0 {
				fields = append(fields, [2]string{"conflicting_files", strings.Join(d.ConflictingFiles, ", ")})
			}
		}
		if p.IsJSON() {
			return p.JSON(d)
		}
		if err := p.Fields(fields, d); err != nil {
			return err
		}
		for _, e := range d.Events {
			p.Line("\n%s  %s  %s  %s", p.Time(e.CreatedAt), e.Author, e.Type, e.ID)
			switch e.Type {
			case hfhub.EventComment:
				switch {
				case e.Hidden:
					p.Line("  (hidden)")
				default:
					for _, l := range strings.Split(strings.TrimRight(e.Content, "\n"), "\n") {
						p.Line("  %s", l)
					}
				}
			case hfhub.EventStatusChange:
				p.Line("  status: %s", e.NewStatus)
			case hfhub.EventCommit:
				p.Line("  commit %s: %s", e.OID, e.Summary)
			case hfhub.EventTitleChange:
				p.Line("  title: %q -> %q", e.OldTitle, e.NewTitle)
			}
		}
		return nil
	})
}

func newDiffCmd(f *cmdutil.Factory) *cobra.Command {
	v := &verb{f: f}
	return v.install(&cobra.Command{
		Use:     "diff <repo-id> <num>",
		Short:   "Show the diff of a pull request",
		Example: "  $ hf discussions diff username/my-model 5",
	}, true, 2, func(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, _ []string) error {
		d, err := c.DiscussionDetails(ctx, v.repoID, v.num, &hfhub.RepoOptions{RepoType: rt})
		if err != nil {
			return err
		}
		if !d.IsPullRequest {
			return cmdutil.Errorf(cmdutil.ExitError, "only pull requests have a diff", "#%d of %s is a discussion", d.Num, v.repoID)
		}
		p := f.Printer()
		if p.IsJSON() {
			return p.JSON(map[string]any{"num": d.Num, "diff": d.Diff})
		}
		if d.Diff == "" {
			p.Line("No diff available.")
			return nil
		}
		_, err = f.IO.Out.Write([]byte(d.Diff))
		return err
	})
}

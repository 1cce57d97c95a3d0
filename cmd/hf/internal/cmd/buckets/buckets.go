// Package buckets implements `hf buckets`.
package buckets

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns `hf buckets` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "buckets",
		Short: "Manage buckets (mutable storage without history)",
		Long: `Create, list, inspect, rename and delete buckets. Reading a bucket's files
goes through the library (Client.OpenBucketFS, DownloadBucketFiles); adding
new content needs a Xet upload, which hf does not make yet.`,
	}
	cmd.AddCommand(newCreate(f), newList(f), newInfo(f), newRemove(f), newMove(f))
	return cmd
}

func newCreate(f *cmdutil.Factory) *cobra.Command {
	var private, existOK bool
	cmd := &cobra.Command{
		Use:     "create <bucket-id>",
		Short:   "Create a bucket",
		Example: `  $ hf buckets create acme/logs --private`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			u, err := c.CreateBucket(cmd.Context(), args[0], &hfhub.CreateBucketOptions{Private: private, ExistOK: existOK})
			if err != nil {
				return err
			}
			return f.Printer().Fields([][2]string{{"url", u}}, map[string]string{"url": u})
		},
	}
	cmd.Flags().BoolVar(&private, "private", false, "make the bucket private")
	cmd.Flags().BoolVar(&existOK, "exist-ok", false, "succeed if the bucket exists")
	return cmd
}

func newList(f *cmdutil.Factory) *cobra.Command {
	var search string
	cmd := &cobra.Command{
		Use:     "ls [<namespace>]",
		Aliases: []string{"list"},
		Short:   "List the buckets of a namespace (default: yours)",
		Example: `  $ hf buckets ls acme --search logs`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			ns := ""
			if len(args) == 1 {
				ns = args[0]
			}
			pr := f.Printer()
			var rows [][]string
			list := []*hfhub.BucketInfo{}
			for b, err := range c.ListBuckets(cmd.Context(), ns, search) {
				if err != nil {
					return err
				}
				list = append(list, b)
				rows = append(rows, []string{b.ID, strconv.FormatBool(b.Private), strconv.Itoa(b.TotalFiles), pr.Size(b.Size), pr.Time(b.CreatedAt)})
			}
			return pr.Table([]string{"ID", "PRIVATE", "FILES", "SIZE", "CREATED"}, rows, list)
		},
	}
	cmd.Flags().StringVar(&search, "search", "", "only buckets whose id contains this `text`")
	return cmd
}

func newInfo(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "info <bucket-id>",
		Short:   "Show a bucket",
		Example: `  $ hf buckets info acme/logs`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			b, err := c.BucketInfo(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			pr := f.Printer()
			return pr.Fields([][2]string{{"id", b.ID}, {"private", strconv.FormatBool(b.Private)}, {"files", strconv.Itoa(b.TotalFiles)}, {"size", pr.Size(b.Size)}, {"created", pr.Time(b.CreatedAt)}}, b)
		},
	}
}

func newRemove(f *cmdutil.Factory) *cobra.Command {
	var missingOK bool
	cmd := &cobra.Command{
		Use:     "delete <bucket-id>",
		Short:   "Delete a bucket and its files",
		Example: `  $ hf buckets delete acme/old-logs`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			if err := c.DeleteBucket(cmd.Context(), args[0], missingOK); err != nil {
				return err
			}
			return f.Printer().Fields([][2]string{{"deleted", args[0]}}, map[string]string{"deleted": args[0]})
		},
	}
	cmd.Flags().BoolVar(&missingOK, "missing-ok", false, "succeed if the bucket does not exist")
	return cmd
}

func newMove(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "move <from-id> <to-id>",
		Short:   "Rename a bucket or move it to another namespace",
		Example: `  $ hf buckets move acme/logs acme/archive`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			if err := c.MoveBucket(cmd.Context(), args[0], args[1]); err != nil {
				return err
			}
			return f.Printer().Fields([][2]string{{"moved", args[0]}, {"to", args[1]}}, map[string]string{"from": args[0], "to": args[1]})
		},
	}
}

package upload

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// LargeFolderOptions is everything `hf upload-large-folder` needs.
type LargeFolderOptions struct {
	F *cmdutil.Factory

	RepoID, Folder     string
	RepoType, Revision string
	Private            bool
	Include, Exclude   []string
	Workers            int
	NoBars             bool // --no-bars: no progress bars
}

// NewLargeFolderCmd returns `hf upload-large-folder`. A non-nil runF runs
// instead of the upload.
func NewLargeFolderCmd(f *cmdutil.Factory, runF func(context.Context, *LargeFolderOptions) error) *cobra.Command {
	opts := &LargeFolderOptions{F: f}
	cmd := &cobra.Command{
		Use:   "upload-large-folder <repo-id> <local-path>",
		Short: "Upload a very large folder in resumable, batched commits",
		Long: `Upload a folder of any size as a series of commits. The upload can be stopped
(Ctrl-C) or can crash at any point: run the same command again and it resumes,
skipping files already hashed, uploaded or committed. Its state lives in
<local-path>/.cache/huggingface/upload/.

Files are hashed and uploaded in parallel (--num-workers), committed in batches,
and commits are paced to stay within the Hub's rate limits (429 answers are
waited out). The repo is created if it does not exist.`,
		Example: `  $ hf upload-large-folder acme/big-dataset ./data --repo-type dataset
  $ hf upload-large-folder acme/model ./checkpoints --include '*.safetensors' --num-workers 8`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID, opts.Folder = args[0], args[1]
			if _, err := cmdutil.ParseRepoType(opts.RepoType); err != nil {
				return err
			}
			if opts.Workers < 0 {
				return cmdutil.FlagErrorf("--num-workers must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLargeFolder(cmd.Context(), opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &opts.RepoType)
	fl := cmd.Flags()
	fl.StringVar(&opts.Revision, "revision", "", "`branch` to commit to (default main)")
	fl.BoolVar(&opts.Private, "private", false, "create the repo private if it does not exist")
	fl.StringArrayVar(&opts.Include, "include", nil, "upload only files matching this `glob` (repeatable)")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "skip files matching this `glob` (repeatable)")
	fl.IntVar(&opts.Workers, "num-workers", 0, "files hashed and uploaded at once (default: CPUs - 2, at least 2)")
	fl.BoolVar(&opts.NoBars, "no-bars", false, "show no progress bars (as HF_HUB_DISABLE_PROGRESS_BARS=1)")
	return cmd
}

func runLargeFolder(ctx context.Context, opts *LargeFolderOptions) error {
	rt, _ := hfhub.ParseRepoType(opts.RepoType)
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	if opts.NoBars {
		opts.F.IO.SetProgressDisabled(true)
	}
	p := opts.F.Progress()
	res, err := c.UploadLargeFolder(ctx, opts.RepoID, opts.Folder, &hfhub.UploadLargeFolderOptions{
		RepoType: rt, Revision: opts.Revision, Private: opts.Private,
		AllowPatterns: opts.Include, IgnorePatterns: opts.Exclude, Workers: opts.Workers,
		Progress: p.Observer(),
	})
	p.Wait()
	if err != nil {
		return err
	}
	pr := opts.F.Printer()
	if pr.IsJSON() {
		return pr.JSON(res)
	}
	return pr.Fields([][2]string{
		{"files", fmt.Sprint(res.Files)},
		{"committed now", fmt.Sprint(res.Committed)},
		{"already done", fmt.Sprint(res.AlreadyDone)},
		{"commits", fmt.Sprint(len(res.Commits))},
	}, res)
}

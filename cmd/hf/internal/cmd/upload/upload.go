// Package upload implements `hf upload` and `hf upload-large-folder`.
package upload

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf upload` needs.
type Options struct {
	F *cmdutil.Factory

	RepoID, LocalPath, PathInRepo string
	RepoType, Revision            string
	Private, CreatePR             bool
	Include, Exclude, Delete      []string
	Message, Description          string
	Every                         float64 // --every: minutes between scheduled commits; 0: one upload
}

// NewCmd returns `hf upload`. A non-nil runF runs instead of the upload, so
// tests can check flag parsing without a server.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "upload <repo-id> [<local-path>] [<path-in-repo>]",
		Short: "Upload a file or a folder to a repo on the Hub",
		Long: `Upload a file or a folder in one commit. <local-path> defaults to the current
folder; <path-in-repo> defaults to the file's name for a file and the repo root
for a folder. The repo is created if it does not exist (private with
--private), and so is the --revision branch.

Files the Hub already has unchanged are skipped. Big files go through Git LFS,
uploaded in parallel parts straight from disk. --include, --exclude and
--delete take fnmatch globs on paths relative to the folder ("*" also matches
"/"); .git/ and .cache/huggingface/ are never uploaded.

With --every N, hf keeps running and commits every N minutes the files whose
size or modification time changed since the last commit (never deleting
remote files, as Python's CommitScheduler); Ctrl-C stops it after one last
commit of what changed.`,
		Example: `  $ hf upload acme/model ./weights            # a folder to the repo root
  $ hf upload acme/model model.safetensors       # one file
  $ hf upload acme/data ./data train --repo-type dataset --include '*.parquet'
  $ hf upload acme/model . --delete '*' --commit-message "mirror"
  $ hf upload acme/logs ./logs --every 10       # commit what changed every 10 minutes`,
		Args: cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID, opts.LocalPath = args[0], "."
			if len(args) > 1 {
				opts.LocalPath = args[1]
			}
			if len(args) > 2 {
				opts.PathInRepo = args[2]
			}
			if _, err := cmdutil.ParseRepoType(opts.RepoType); err != nil {
				return err
			}
			if cmd.Flags().Changed("every") && opts.Every <= 0 {
				return cmdutil.FlagErrorf("--every must be a positive number of minutes, not %v", opts.Every)
			}
			if opts.Every > 0 && opts.CreatePR {
				return cmdutil.FlagErrorf("--every and --create-pr cannot be combined: scheduled commits go to a branch")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &opts.RepoType)
	fl := cmd.Flags()
	fl.StringVar(&opts.Revision, "revision", "", "`branch` to commit to (created if missing; default main)")
	fl.BoolVar(&opts.Private, "private", false, "create the repo private if it does not exist")
	fl.StringArrayVar(&opts.Include, "include", nil, "upload only files matching this `glob` (repeatable)")
	fl.StringArrayVar(&opts.Exclude, "exclude", nil, "skip files matching this `glob` (repeatable)")
	fl.StringArrayVar(&opts.Delete, "delete", nil, "delete remote files matching this `glob` that are not uploaded (repeatable)")
	fl.StringVar(&opts.Message, "commit-message", "", "commit title")
	fl.StringVar(&opts.Description, "commit-description", "", "commit description")
	fl.BoolVar(&opts.CreatePR, "create-pr", false, "open a pull request instead of committing to the branch")
	fl.Float64Var(&opts.Every, "every", 0, "keep running and commit what changed every `minutes` (Ctrl-C stops)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	rt, _ := hfhub.ParseRepoType(opts.RepoType)
	st, err := os.Stat(opts.LocalPath)
	if err != nil {
		return cmdutil.NewError(cmdutil.ExitUsage, "give an existing file or folder as <local-path>", err)
	}
	if !st.IsDir() && (len(opts.Include) > 0 || len(opts.Exclude) > 0 || len(opts.Delete) > 0) {
		return cmdutil.FlagErrorf("--include, --exclude and --delete apply to folders, and %s is a file", opts.LocalPath)
	}
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	if err := ensureRepo(ctx, c, opts.RepoID, rt, opts.Private, opts.Revision, opts.CreatePR); err != nil {
		return err
	}
	if opts.Every > 0 {
		return runEvery(ctx, c, rt, st.IsDir(), opts)
	}
	p := opts.F.Progress()
	copts := hfhub.CommitOptions{
		RepoType: rt, Revision: opts.Revision, Message: opts.Message, Description: opts.Description,
		CreatePR: opts.CreatePR, Progress: p.Observer(),
	}
	var info *hfhub.CommitInfo
	if st.IsDir() {
		info, err = c.UploadFolder(ctx, opts.RepoID, opts.LocalPath, &hfhub.UploadFolderOptions{
			CommitOptions: copts, PathInRepo: opts.PathInRepo,
			AllowPatterns: opts.Include, IgnorePatterns: opts.Exclude, DeletePatterns: opts.Delete,
		})
	} else {
		inRepo := opts.PathInRepo
		if inRepo == "" {
			inRepo = filepath.Base(opts.LocalPath)
		}
		info, err = c.UploadFile(ctx, opts.RepoID, opts.LocalPath, inRepo, &copts)
	}
	p.Wait()
	if err != nil {
		return err
	}
	return printCommit(opts.F.Printer(), info)
}

// ensureRepo creates the repo (and the branch) when missing, as the Python
// hf upload does.
func ensureRepo(ctx context.Context, c *hfhub.Client, id string, rt hfhub.RepoType, private bool, revision string, createPR bool) error {
	sdk := ""
	if rt == hfhub.RepoSpace {
		sdk = "static"
	}
	if _, err := c.CreateRepo(ctx, id, &hfhub.CreateRepoOptions{RepoType: rt, Private: private, ExistOK: true, SpaceSDK: sdk}); err != nil {
		return err
	}
	if revision != "" && revision != hfhub.DefaultRevision && !createPR && !strings.HasPrefix(revision, "refs/pr/") {
		err := c.CreateBranch(ctx, id, revision, &hfhub.CreateBranchOptions{RepoType: rt, ExistOK: true})
		if err != nil && !errors.Is(err, hfhub.ErrBadRequest) { // a tag or commit: the commit will say so
			return err
		}
	}
	return nil
}

func printCommit(p *cmdutil.Printer, info *hfhub.CommitInfo) error {
	if p.IsJSON() {
		return p.JSON(info)
	}
	switch {
	case info.Empty:
		p.Infof("Nothing to commit: the Hub already has these files (head %s)", info.OID)
		p.Line("%s", info.RepoURL)
	case info.PullRequestURL != "":
		p.Infof("Opened pull request #%d (commit %s)", info.PullRequestNum, info.OID)
		p.Line("%s", info.PullRequestURL)
	default:
		p.Infof("Committed %s", info.OID)
		p.Line("%s", info.URL)
	}
	return nil
}

// runEvery is `hf upload --every`: scheduled commits until Ctrl-C.
func runEvery(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, isDir bool, opts *Options) error {
	pr := opts.F.Printer()
	eo := &hfhub.UploadEveryOptions{
		UploadFolderOptions: hfhub.UploadFolderOptions{
			CommitOptions: hfhub.CommitOptions{RepoType: rt, Revision: opts.Revision, Message: opts.Message, Description: opts.Description},
			PathInRepo:    opts.PathInRepo, AllowPatterns: opts.Include, IgnorePatterns: opts.Exclude,
		},
		Every: time.Duration(opts.Every * float64(time.Minute)),
	}
	folder := opts.LocalPath
	if !isDir {
		// One file: watch its folder for that name; it keeps its name.
		folder = filepath.Dir(opts.LocalPath)
		name := filepath.Base(opts.LocalPath)
		dir, dest := path.Split(opts.PathInRepo)
		if dest != "" && dest != name {
			pr.Warnf("scheduled uploads keep the file's name: it goes to %s, not %s", path.Join(dir, name), opts.PathInRepo)
		}
		eo.PathInRepo, eo.AllowPatterns = dir, []string{literalGlob(name)}
	}
	if len(opts.Delete) > 0 {
		pr.Warnf("--delete is ignored with --every: scheduled commits only add files")
	}
	eo.OnRound = func(info *hfhub.CommitInfo, err error) {
		switch {
		case err != nil:
			pr.Warnf("scheduled commit failed (next try in %v): %v", eo.Every, err)
		case info != nil && !info.Empty:
			pr.Infof("Committed %s", info.OID)
			if !pr.IsJSON() {
				pr.Line("%s", info.URL)
			}
		}
	}
	pr.Infof("Scheduling commits every %v minutes to %s. Ctrl-C stops after a last commit.", opts.Every, opts.RepoID)
	if err := c.UploadEvery(ctx, opts.RepoID, folder, eo); err != nil {
		return err
	}
	pr.Infof("Stopped scheduled commits.")
	return nil
}

// literalGlob escapes the fnmatch specials of a file name.
func literalGlob(name string) string {
	return strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]").Replace(name)
}

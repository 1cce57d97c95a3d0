package cache

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	hfcache "github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// VerifyOptions is everything `hf cache verify` needs.
type VerifyOptions struct {
	Common
	RepoID   string
	RepoType string
	Revision string
	// Repair re-downloads the bad files (needs the Hub).
	Repair bool
	// LocalDir verifies a --local-dir download against the Hub instead.
	LocalDir string
	// FailOnMissing and FailOnExtra also compare with the Hub's file list.
	FailOnMissing, FailOnExtra bool
}

// NewVerifyCmd returns `hf cache verify`.
func NewVerifyCmd(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "verify <repo-id>",
		Short: "Check cached files against their hashes",
		Long: `Recompute the sha256 of LFS blobs and the git sha1 of regular blobs of a
cached repo and compare them with their names (files cached without symlinks
are checked against the tree cache when there is one). Reports checksum
mismatches, missing blobs and dangling symlinks and exits with status 1 if
there is any. With --repair the bad files are downloaded again from the Hub
at their exact cached commit (into the same cache) and checked again; the exit
status is then 1 only if a file could not be repaired.`,
		Example: "  $ hf cache verify openai-community/gpt2\n  $ hf cache verify openai-community/gpt2 --repair\n  $ hf cache verify ibm/duorc --repo-type dataset --revision main",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			rt, err := cmdutil.ParseRepoType(opts.RepoType)
			if err != nil {
				return err
			}
			opts.RepoType = rt.String()
			if opts.LocalDir != "" && cmd.Flags().Changed("cache-dir") {
				return cmdutil.FlagErrorf("--local-dir and --cache-dir cannot be used together: give one")
			}
			if opts.LocalDir != "" && opts.Repair {
				return cmdutil.FlagErrorf("--repair is for the cache; download into --local-dir again instead")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVerify(cmd, opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &opts.RepoType)
	cmd.Flags().StringVar(&opts.Revision, "revision", "", "check only this `revision` (commit hash or ref); default: every cached revision")
	cmd.Flags().BoolVar(&opts.Repair, "repair", false, "download bad or missing files again (from the Hub, at their cached commit)")
	cmd.Flags().StringVar(&opts.LocalDir, "local-dir", "", "verify the files of this `folder` (a --local-dir download) against the Hub instead of the cache")
	cmd.Flags().BoolVar(&opts.FailOnMissing, "fail-on-missing-files", false, "also fail if files of the Hub revision are missing locally (asks the Hub)")
	cmd.Flags().BoolVar(&opts.FailOnExtra, "fail-on-extra-files", false, "also fail if local files are not in the Hub revision (asks the Hub)")
	addCacheDirFlag(cmd, &opts.Common)
	return cmd
}

func runVerify(cmd *cobra.Command, opts *VerifyOptions) error {
	if opts.LocalDir != "" {
		return verifyLocalDir(cmd.Context(), opts)
	}
	ca, err := opts.Open()
	if err != nil {
		return err
	}
	vo := &hfcache.VerifyOptions{Revision: opts.Revision}
	if opts.Repair {
		cl, err := opts.Client()
		if err != nil {
			return err
		}
		vo.Repair = cl.Refetcher(ca.Dir)
	}
	res, err := ca.Verify(cmd.Context(), opts.RepoType, opts.RepoID, vo)
	if errors.Is(err, hfcache.ErrNotCached) { // "<repo> is not in the cache at <dir>", exit 3
		return cmdutil.NewError(cmdutil.ExitNotFound, "`hf cache ls --revisions` lists what is cached; `hf download` adds to it", err)
	}
	if err != nil {
		return err
	}
	p := opts.Printer()
	rows := make([][]string, 0, len(res.Problems))
	for _, pr := range res.Problems {
		detail := pr.BlobPath
		if pr.Kind == hfcache.ChecksumMismatch {
			detail = fmt.Sprintf("expected %s, got %s", pr.Expected, pr.Actual)
		}
		row := []string{pr.Commit + "/" + pr.Filename, string(pr.Kind), detail}
		if opts.Repair {
			row = append(row, repairStatus(pr))
		}
		rows = append(rows, row)
	}
	header := []string{"FILE", "PROBLEM", "DETAIL"}
	if opts.Repair {
		header = append(header, "REPAIR")
	}
	var remote []*remoteCheck
	remoteFailed := false
	if opts.FailOnMissing || opts.FailOnExtra {
		cl, err := opts.Client()
		if err != nil {
			return err
		}
		rt, _ := hfhub.ParseRepoType(opts.RepoType)
		for _, commit := range res.Revisions {
			dir, err := ca.SnapshotDir(opts.RepoType, opts.RepoID, commit)
			if err != nil {
				return err
			}
			r, err := compareWithHub(cmd.Context(), cl, rt, opts.RepoID, commit, dir)
			if err != nil {
				return err
			}
			r.Mismatches = []mismatch{} // checked above, offline
			remote = append(remote, r)
			remoteFailed = reportRemote(p, r, opts.FailOnMissing, opts.FailOnExtra) || remoteFailed
		}
	}
	if p.IsJSON() {
		var doc any = res
		if remote != nil {
			doc = map[string]any{"cache": res, "remote": remote}
		}
		if err := p.JSON(doc); err != nil {
			return err
		}
	} else {
		if len(rows) > 0 {
			if err := p.Table(header, rows, res); err != nil {
				return err
			}
		}
		for _, u := range res.Unverifiable {
			p.Warnf("%s: no known hash (cached without symlinks and no tree cache); not checked", u)
		}
		problems := "no problems"
		if n := len(res.Problems); n > 0 {
			problems = cmdutil.Plural(n, "problem", "problems")
		}
		p.Infof("Checked %s (%s, %s) in %s of %s: %s.",
			cmdutil.Plural(res.Files, "file", "files"), cmdutil.Plural(res.Blobs, "blob", "blobs"), cmdutil.HumanSize(res.Bytes),
			cmdutil.Plural(len(res.Revisions), "revision", "revisions"), repoName(opts.RepoType, opts.RepoID), problems)
	}
	if opts.Repair && len(res.Problems) > 0 && !p.IsJSON() {
		p.Infof("Problems repaired: %d of %d.", repaired(res), len(res.Problems))
	}
	if !res.OK() || remoteFailed { // a problem left unrepaired
		return cmdutil.NewError(cmdutil.ExitError, "", fmt.Errorf("%w", cmdutil.ErrSilent))
	}
	return nil
}

// verifyLocalDir is `hf cache verify --local-dir`: the folder against the
// Hub's tree at --revision (default main), as the Python CLI.
func verifyLocalDir(ctx context.Context, opts *VerifyOptions) error {
	if st, err := os.Stat(opts.LocalDir); err != nil || !st.IsDir() {
		return cmdutil.Errorf(cmdutil.ExitNotFound, "give the folder a download wrote with --local-dir", "%s is not a folder", opts.LocalDir)
	}
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	rt, _ := hfhub.ParseRepoType(opts.RepoType)
	rev := opts.Revision
	if rev == "" {
		rev = hfhub.DefaultRevision
	}
	r, err := compareWithHub(ctx, cl, rt, opts.RepoID, rev, opts.LocalDir)
	if err != nil {
		return err
	}
	p := opts.Printer()
	failed := reportRemote(p, r, opts.FailOnMissing, opts.FailOnExtra)
	if p.IsJSON() {
		if err := p.JSON(r); err != nil {
			return err
		}
	}
	if failed {
		return cmdutil.NewError(cmdutil.ExitError, "", fmt.Errorf("%w", cmdutil.ErrSilent))
	}
	return nil
}

// repoName names a repo as people write it: "org/name" for a model,
// "dataset org/name" for the other types.
func repoName(repoType, repoID string) string {
	if repoType == "" || repoType == "model" {
		return repoID
	}
	return repoType + " " + repoID
}

// repairStatus is the REPAIR column: "repaired" or why not.
func repairStatus(pr hfcache.Problem) string {
	switch {
	case pr.Repaired:
		return "repaired"
	case pr.RepairError != "":
		return "failed: " + pr.RepairError
	}
	return "not attempted"
}

func repaired(res *hfcache.VerifyResult) int {
	n := 0
	for _, pr := range res.Problems {
		if pr.Repaired {
			n++
		}
	}
	return n
}

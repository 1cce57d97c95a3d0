// Package mountcmd implements `hf mount` and `hf unmount`.
package mountcmd

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hfuri"
	"github.com/hfhub-go/hfhub/mount"
)

// Options is everything `hf mount` needs.
type Options struct {
	F *cmdutil.Factory

	Repo, Dir  string
	RepoType   string
	ReadAhead  int64
	AllowOther bool
	// Ready, if set, is called once the file system is mounted (tests).
	Ready func(*mount.Server)
}

// NewCmd returns `hf mount`. A non-nil runF runs instead, for flag tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "mount <repo>[@<revision>][/<path>] <dir>",
		Short: "Mount a repo revision as a read-only folder (FUSE, Linux)",
		Long: `Mount one commit of a repository at DIR, read-only, until Ctrl-C, ` + "`hf unmount DIR`" + `
or ` + "`fusermount3 -u DIR`" + `. The repo is "org/name", "datasets/org/name" or an hf://
URI, with an optional @revision (resolved once: the mount shows one commit)
and a folder. Listing and stat download nothing; files are read lazily with
Range requests (a cached file is read from the cache), with a read-ahead
window that grows while reads are sequential, up to --read-ahead.

Needs /dev/fuse and fusermount3 (Debian/Ubuntu: apt-get install fuse3).`,
		Example: `  $ hf mount openai-community/gpt2 /mnt/gpt2
  $ hf mount datasets/acme/data@v1.0/train ./train
  $ hf unmount /mnt/gpt2`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Repo, opts.Dir = args[0], args[1]
			if _, err := cmdutil.ParseRepoType(opts.RepoType); err != nil {
				return err
			}
			if opts.ReadAhead < 0 {
				return cmdutil.FlagErrorf("--read-ahead must not be negative")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmdutil.RepoTypeFlag(cmd, &opts.RepoType)
	cmd.Flags().Int64Var(&opts.ReadAhead, "read-ahead", hfhub.DefaultReadAhead, "largest read-ahead window of sequential reads, in `bytes`")
	cmd.Flags().BoolVar(&opts.AllowOther, "allow-other", false, "let other users read the mount (needs user_allow_other in /etc/fuse.conf)")
	return cmd
}

// parseRepo reads "org/name[@rev][/path]", a type-prefixed id or an hf://
// URI; --type applies when no type is written.
func parseRepo(s, flagType string) (hfuri.URI, error) {
	u, err := hfuri.ParsePath(s)
	if err != nil {
		return u, cmdutil.NewError(cmdutil.ExitUsage, "", err)
	}
	if u.IsBucket() {
		return u, cmdutil.Errorf(cmdutil.ExitUsage, "", "%s is a bucket: hf mount mounts repository revisions only", s)
	}
	_, _, typed := hfuri.SplitTypePrefix(strings.TrimPrefix(s, hfuri.Scheme))
	if !typed && flagType != "" {
		rt, _ := hfhub.ParseRepoType(flagType)
		u.RepoType = rt.URIType()
	}
	return u, nil
}

func run(ctx context.Context, opts *Options) error {
	u, err := parseRepo(opts.Repo, opts.RepoType)
	if err != nil {
		return err
	}
	if err := mount.Available(); err != nil {
		return cmdutil.NewError(cmdutil.ExitError, "", err)
	}
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	pr := opts.F.Printer()
	// The FS outlives the command's context until unmounted: reads in
	// flight are cancelled when the mount ends.
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	fsys, err := c.OpenFS(fctx, u.ID, &hfhub.FSOptions{RepoType: hfhub.URIRepoType(u), Revision: u.Revision, ReadAhead: opts.ReadAhead})
	if err != nil {
		return err
	}
	var root fs.FS = fsys
	if u.Path != "" {
		if root, err = fsys.Sub(u.Path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return cmdutil.Errorf(cmdutil.ExitNotFound, "", "%s has no folder %s", fsys, u.Path)
			}
			return cmdutil.NewError(cmdutil.ExitUsage, "", err)
		}
	}
	srv, err := mount.Mount(opts.Dir, root, &mount.Options{Name: "hf:" + u.ID, AllowOther: opts.AllowOther})
	if err != nil {
		return err
	}
	shown := hfhub.RepoURI(hfhub.URIRepoType(u), u.ID, fsys.Commit(), u.Path).String()
	pr.Infof("Mounted %s at %s (read-only). Press Ctrl-C or run `hf unmount %s` to unmount.", shown, opts.Dir, opts.Dir)
	if opts.Ready != nil {
		opts.Ready(srv)
	}
	done := make(chan struct{})
	go func() { srv.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		if err := srv.Unmount(); err != nil {
			pr.Warnf("unmounting %s: %v (close the files open on it, then run `hf unmount %s`)", opts.Dir, err, opts.Dir)
		}
		<-done
	}
	return pr.Fields([][2]string{{"unmounted", opts.Dir}, {"source", shown}}, map[string]string{"dir": opts.Dir, "source": shown})
}

// NewUnmountCmd returns `hf unmount`.
func NewUnmountCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "unmount <dir>",
		Short:   "Unmount a folder mounted by hf mount",
		Long:    "Unmount a folder mounted by `hf mount` (as `fusermount3 -u DIR` does); the `hf mount` process then exits.",
		Example: `  $ hf unmount /mnt/gpt2`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mount.Unmount(args[0]); err != nil {
				return cmdutil.NewError(cmdutil.ExitError, "", err)
			}
			return f.Printer().Fields([][2]string{{"unmounted", args[0]}}, map[string]string{"dir": args[0]})
		},
	}
}

// Package cp implements `hf cp`.
package cp

import (
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hfuri"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// Options is everything `hf cp` needs.
type Options struct {
	F *cmdutil.Factory

	Source, Dest string
	Message      string
}

// NewCmd returns `hf cp`. A non-nil runF runs instead, for flag tests.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "cp <source> [<dest>]",
		Short: "Copy one file between local paths and repos",
		Long: `Copy one file: from a repository (hf://acme/model/config.json,
hf://datasets/acme/data@v1/train.csv) to a local path or "-" (stdout), from a
local file or "-" (stdin) to a repository path, or from one repository to
another. A destination ending in "/" (or an existing local folder) keeps the
source's file name; without a destination, the file goes to the current
folder. An upload is one commit; a copy inside one repository is made on the
Hub (LFS files are not sent again). Reads go through the cache: a cached
file is not downloaded again. For folders, use hf sync.`,
		Example: `  $ hf cp hf://acme/model/config.json
  $ hf cp hf://datasets/acme/data/train.csv ./data/
  $ hf cp hf://acme/model/config.json - | jq .
  $ hf cp ./model.safetensors hf://acme/model/
  $ echo hi | hf cp - hf://acme/model/notes/hi.txt
  $ hf cp hf://acme/model/config.json hf://acme/other/config.json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			if len(args) == 2 {
				opts.Dest = args[1]
			}
			srcHF, dstHF := hfuri.IsURI(opts.Source), hfuri.IsURI(opts.Dest)
			switch {
			case !srcHF && !dstHF && opts.Dest == "":
				return cmdutil.FlagErrorf("missing destination: give an hf:// URI to upload %s to", opts.Source)
			case !srcHF && !dstHF:
				return cmdutil.FlagErrorf("one of source and destination must be an hf:// URI (use cp between local paths)")
			case opts.Source == "-" && opts.Dest == "-":
				return cmdutil.FlagErrorf("cannot copy stdin to stdout")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Message, "commit-message", "", "commit title of an upload (default \"Upload NAME with hf cp\")")
	return cmd
}

func parse(s string) (hfuri.URI, error) {
	u, err := hfuri.Parse(s)
	if err != nil {
		return u, cmdutil.NewError(cmdutil.ExitUsage, "", err)
	}
	if u.IsBucket() {
		return u, cmdutil.Errorf(cmdutil.ExitUsage, "read bucket files with the library (Client.DownloadBucketFiles); uploads to buckets need Xet uploads, not in hf yet", "%s is a bucket: hf cp copies repository files only", s)
	}
	return u, nil
}

func run(ctx context.Context, opts *Options) error {
	c, err := opts.F.Client()
	if err != nil {
		return err
	}
	pr := opts.F.Printer()
	var src io.Reader
	var srcURI hfuri.URI
	name := ""
	if hfuri.IsURI(opts.Source) {
		if srcURI, err = parse(opts.Source); err != nil {
			return err
		}
		if srcURI.Path == "" || srcURI.Dir || strings.HasSuffix(opts.Source, "/") {
			return cmdutil.Errorf(cmdutil.ExitUsage, "copy folders with hf sync", "%s names no file", opts.Source)
		}
		fsys, err := c.OpenFS(ctx, srcURI.ID, &hfhub.FSOptions{RepoType: hfhub.URIRepoType(srcURI), Revision: srcURI.Revision})
		if err != nil {
			return err
		}
		f, err := fsys.OpenFile(srcURI.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		src, name = f, path.Base(srcURI.Path)
		srcURI.Revision = fsys.Commit()
	} else if opts.Source == "-" {
		src = os.Stdin
	} else {
		fi, err := os.Stat(opts.Source)
		switch {
		case err != nil:
			return cmdutil.Errorf(cmdutil.ExitNotFound, "check the path", "source %s: %v", opts.Source, err)
		case fi.IsDir():
			return cmdutil.Errorf(cmdutil.ExitUsage, "copy folders with hf sync", "%s is a folder", opts.Source)
		}
		name = filepath.Base(opts.Source)
	}

	if !hfuri.IsURI(opts.Dest) { // download
		if opts.Dest == "-" {
			_, err := io.Copy(pr.Writer(), src)
			return err
		}
		dst := opts.Dest
		if dst == "" {
			dst = name
		} else if fi, err := os.Stat(dst); err == nil && fi.IsDir() || strings.HasSuffix(dst, "/") || strings.HasSuffix(dst, string(filepath.Separator)) {
			dst = filepath.Join(dst, name)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := fsutil.WriteAtomic(dst, 0o644, "", func(w io.Writer) error { _, err := io.Copy(w, src); return err }); err != nil {
			return err
		}
		return pr.Fields([][2]string{{"downloaded", opts.Source}, {"to", dst}}, map[string]string{"src": opts.Source, "dst": dst})
	}

	dst, err := parse(opts.Dest)
	if err != nil {
		return err
	}
	remote := dst.Path
	switch {
	case remote == "" || dst.Dir || strings.HasSuffix(opts.Dest, "/"):
		if name == "" {
			return cmdutil.Errorf(cmdutil.ExitUsage, "write the full destination path, e.g. hf://acme/model/notes.txt", "an upload from stdin needs a file name in %s", opts.Dest)
		}
		remote = path.Join(remote, name)
	}
	var op hfhub.CommitOperation
	switch {
	case srcURI.ID == dst.ID && srcURI.RepoType == dst.RepoType && srcURI.Kind == dst.Kind:
		op = hfhub.CopyPath(srcURI.Path, remote, srcURI.Revision)
	case opts.Source != "-" && !hfuri.IsURI(opts.Source):
		op = hfhub.AddFromPath(remote, opts.Source)
	default:
		op = hfhub.AddFromReader(remote, src)
	}
	msg := opts.Message
	if msg == "" {
		msg = "Upload " + remote + " with hf cp"
	}
	p := opts.F.Progress()
	info, err := c.CreateCommit(ctx, dst.ID, []hfhub.CommitOperation{op}, &hfhub.CommitOptions{
		RepoType: hfhub.URIRepoType(dst), Revision: dst.Revision, Message: msg, Progress: p.Observer(),
	})
	p.Wait()
	if err != nil {
		return err
	}
	to := hfhub.RepoURI(hfhub.URIRepoType(dst), dst.ID, dst.Revision, remote).String()
	return pr.Fields([][2]string{{"uploaded", opts.Source}, {"to", to}, {"commit", info.URL}},
		map[string]any{"src": opts.Source, "dst": to, "commit": info})
}

package hfhub

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// withDefaultMessage returns a copy of opts with Message set to msg when
// empty.
func withDefaultMessage(opts *CommitOptions, msg string) *CommitOptions {
	o := CommitOptions{}
	if opts != nil {
		o = *opts
	}
	if strings.TrimSpace(o.Message) == "" {
		o.Message = msg
	}
	return &o
}

// UploadFile uploads the local file localPath to pathInRepo in one commit
// (message "Upload <path> with huggingface_hub" unless opts has one), like
// upload_file in Python. Big files go through LFS, read from disk in
// parallel parts. See [Client.CreateCommit] for the errors.
func (c *Client) UploadFile(ctx context.Context, id, localPath, pathInRepo string, opts *CommitOptions) (*CommitInfo, error) {
	st, err := os.Stat(localPath)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", localPath, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file: use UploadFolder for folders", ErrValidation, localPath)
	}
	opts = withDefaultMessage(opts, "Upload "+pathInRepo+" with huggingface_hub")
	return c.CreateCommit(ctx, id, []CommitOperation{AddFromPath(pathInRepo, localPath)}, opts)
}

// UploadFolderOptions configures [Client.UploadFolder]. A nil pointer
// uploads every file (minus DefaultIgnorePatterns) to the root of main.
type UploadFolderOptions struct {
	CommitOptions
	// PathInRepo is the folder of the repo the files go to ("" = root).
	PathInRepo string
	// AllowPatterns, if set, uploads only the files matching one of them;
	// IgnorePatterns skips matching files. Patterns are fnmatch globs on
	// the path relative to the folder ("*" also matches "/"; "dir/" means
	// everything under dir). DefaultIgnorePatterns always apply.
	AllowPatterns, IgnorePatterns []string
	// DeletePatterns deletes the remote files under PathInRepo that match
	// (relative to PathInRepo) and are not re-uploaded, in the same commit;
	// ".gitattributes" is never deleted. ["*"] mirrors the folder exactly.
	DeletePatterns []string
}

// UploadFolder uploads the files of a local folder in one commit, like
// upload_folder in Python: files pass AllowPatterns, IgnorePatterns and
// DefaultIgnorePatterns; remote files matching DeletePatterns are deleted.
// Unchanged files are skipped by the Hub's preupload answer; when nothing
// changes no commit is made (CommitInfo.Empty). Symbolic links to files are
// followed. See [Client.CreateCommit] for the errors.
func (c *Client) UploadFolder(ctx context.Context, id, folder string, opts *UploadFolderOptions) (*CommitInfo, error) {
	if opts == nil {
		opts = &UploadFolderOptions{}
	}
	base, err := normalizeFolderInRepo(opts.PathInRepo)
	if err != nil {
		return nil, err
	}
	files, err := listLocalFiles(folder, opts.AllowPatterns, opts.IgnorePatterns)
	if err != nil {
		return nil, fmt.Errorf("upload folder %s: %w", folder, err)
	}
	var adds []CommitOperation
	added := map[string]bool{}
	for _, rel := range files {
		p := path.Join(base, rel)
		adds = append(adds, AddFromPath(p, filepath.Join(folder, filepath.FromSlash(rel))))
		added[p] = true
	}
	var ops []CommitOperation
	if len(opts.DeletePatterns) > 0 {
		rev := opts.Revision
		if opts.CreatePR {
			rev = "" // a PR starts from main
		}
		remote, err := c.ListRepoFiles(ctx, id, &RepoOptions{RepoType: opts.RepoType, Revision: rev})
		if err != nil {
			return nil, fmt.Errorf("upload folder %s: list remote files to delete: %w", folder, err)
		}
		del := globCompileAll(opts.DeletePatterns)
		for _, f := range remote {
			rel, ok := f, true
			if base != "" {
				rel, ok = strings.CutPrefix(f, base+"/")
			}
			if ok && f != GitattributesName && !added[f] && globMatchAny(del, rel) {
				ops = append(ops, DeletePath(f))
			}
		}
	}
	ops = append(ops, adds...)
	copts := withDefaultMessage(&opts.CommitOptions, "Upload folder using huggingface_hub")
	if len(ops) == 0 {
		if err := ValidateRepoID(id); err != nil {
			return nil, err
		}
		cm := &commitRun{c: c, id: id, opts: copts, rev: revOrDefault(copts.Revision)}
		return cm.emptyCommit(ctx)
	}
	return c.CreateCommit(ctx, id, ops, copts)
}

// normalizeFolderInRepo cleans a folder path in the repo ("" = root).
func normalizeFolderInRepo(p string) (string, error) {
	p = strings.Trim(strings.ReplaceAll(p, "\\", "/"), "/")
	if p == "" || p == "." {
		return "", nil
	}
	return normalizeRepoPath(p, false)
}

// listLocalFiles returns the slash-separated paths, relative to dir, of
// the regular files under dir (following symbolic links to files) that pass
// the patterns and [DefaultIgnorePatterns], sorted.
func listLocalFiles(dir string, allow, ignore []string) ([]string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a folder: use UploadFile for files", ErrValidation, dir)
	}
	al, ig := globCompileAll(allow), globCompileAll(append(slices.Clone(DefaultIgnorePatterns), ignore...))
	var out []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil || rel == "." {
			return rerr
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if globMatchAny(ig, rel) && (rel == ".git" || strings.HasSuffix(rel, "/.git") || strings.HasSuffix(rel, ".cache/huggingface")) {
				return filepath.SkipDir // never descend into git metadata or upload state
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if t, err := os.Stat(p); err != nil || !t.Mode().IsRegular() {
				return nil // dangling link or link to a folder: skipped
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if globKeep(rel, al, ig) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// DeleteFile deletes one file in a commit ("Delete <path> with
// huggingface_hub" unless opts has a message). A missing file is
// [ErrEntryNotFound].
func (c *Client) DeleteFile(ctx context.Context, id, pathInRepo string, opts *CommitOptions) (*CommitInfo, error) {
	opts = withDefaultMessage(opts, "Delete "+pathInRepo+" with huggingface_hub")
	return c.CreateCommit(ctx, id, []CommitOperation{DeletePath(strings.TrimSuffix(pathInRepo, "/"))}, opts)
}

// DeleteFolder deletes a folder and everything in it in one commit. A
// missing folder is [ErrEntryNotFound].
func (c *Client) DeleteFolder(ctx context.Context, id, pathInRepo string, opts *CommitOptions) (*CommitInfo, error) {
	p := strings.TrimSuffix(pathInRepo, "/")
	opts = withDefaultMessage(opts, "Delete folder "+p+" with huggingface_hub")
	return c.CreateCommit(ctx, id, []CommitOperation{DeletePath(p + "/")}, opts)
}

// DeleteFiles deletes, in one commit, the files that patterns name: exact
// paths, folders ("dir/") and fnmatch globs ("*.bin", "logs/*") matched
// against the files at opts.Revision. A pattern that matches nothing is
// [ErrEntryNotFound] and nothing is deleted.
func (c *Client) DeleteFiles(ctx context.Context, id string, patterns []string, opts *CommitOptions) (*CommitInfo, error) {
	if len(patterns) == 0 {
		return nil, fmt.Errorf("%w: no path or pattern to delete", ErrValidation)
	}
	o := withDefaultMessage(opts, "Delete files "+strings.Join(patterns, " ")+" with huggingface_hub")
	remote, err := c.ListRepoFiles(ctx, id, &RepoOptions{RepoType: o.RepoType, Revision: o.Revision})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ops []CommitOperation
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "/")
		n := 0
		for _, f := range remote {
			if f == pat || MatchPattern(pat, f) {
				n++
				if !seen[f] {
					seen[f] = true
					ops = append(ops, DeletePath(f))
				}
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("delete files in %s: %w: nothing matches %q at revision %s", id, ErrEntryNotFound, pat, revOrDefault(o.Revision))
		}
	}
	return c.CreateCommit(ctx, id, ops, o)
}

package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ImportOptions configures [Store.ImportFolder].
type ImportOptions struct {
	// Create makes the repository (with these options) if it does not exist.
	Create *CreateOptions
	// Title of the commit ("" = "Import folder").
	Title string
	// Author of the commit ("" = "system").
	Author string
}

// ImportFolder makes the main branch of a repository hold the files of a
// local folder: files are added or replaced, files missing from the folder
// are deleted (except .gitattributes, kept unless the folder has its own).
// Folders named .git and .cache/huggingface are skipped, symbolic links are
// followed only to regular files. When the folder already matches the head
// nothing is committed: it returns the head and changed=false.
func (s *Store) ImportFolder(ctx context.Context, t RepoType, id, dir string, opts ImportOptions) (commitID string, changed bool, err error) {
	if _, err := s.Repo(t, id); errors.Is(err, ErrRepoNotFound) && opts.Create != nil {
		if _, err := s.CreateRepo(ctx, t, id, *opts.Create); err != nil && !errors.Is(err, ErrRepoExists) {
			return "", false, err
		}
	} else if err != nil {
		return "", false, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", false, fmt.Errorf("store: import %s: %w", dir, err)
	}
	defer root.Close()
	local := map[string]Blob{}
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || p == ".cache/huggingface" || strings.HasSuffix(p, "/.cache/huggingface") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := root.Stat(p) // os.Root refuses links that leave dir
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if err := ValidatePath(p); err != nil {
			return nil // not representable in a repository
		}
		f, err := root.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := s.PutBlob(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		local[p] = b
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("store: import %s: %w", dir, err)
	}
	head, err := s.Resolve(t, id, DefaultBranch)
	if err != nil {
		return "", false, err
	}
	var ops []Op
	for p, b := range local {
		if f, ok := head.File(p); ok && f.SHA256 == b.SHA256 {
			continue
		}
		ops = append(ops, Op{Kind: OpAdd, Path: p, SHA256: b.SHA256})
	}
	for _, f := range head.Files() {
		if _, ok := local[f.Path]; !ok && f.Path != ".gitattributes" {
			ops = append(ops, Op{Kind: OpDelete, Path: f.Path})
		}
	}
	if len(ops) == 0 {
		return head.ID, false, nil
	}
	title := opts.Title
	if title == "" {
		title = "Import folder"
	}
	res, err := s.Commit(ctx, t, id, CommitRequest{ParentCommit: head.ID, Title: title, Author: opts.Author, Ops: ops})
	if err != nil {
		return "", false, err
	}
	return res.Commit.ID, true, nil
}

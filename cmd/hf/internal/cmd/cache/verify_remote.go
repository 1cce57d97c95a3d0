package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// remoteCheck is how a folder (a --local-dir, or a cached snapshot)
// compares with the Hub's tree at a revision, as the Python CLI's verify.
type remoteCheck struct {
	Revision   string     `json:"revision"`
	Path       string     `json:"path"`
	Checked    int        `json:"checked"`
	Mismatches []mismatch `json:"mismatches"`
	Missing    []string   `json:"missing_paths"` // on the Hub, not in the folder
	Extra      []string   `json:"extra_paths"`   // in the folder, not on the Hub
}

type mismatch struct {
	Path      string `json:"path"`
	Algorithm string `json:"algorithm"` // sha256 (LFS) or git-sha1
	Expected  string `json:"expected"`
	Actual    string `json:"actual"`
}

// compareWithHub hashes the files under dir (skipping .git/ and
// .cache/huggingface/, hf's local-dir metadata) and compares them with the
// tree of id at rev (recursive listing).
func compareWithHub(ctx context.Context, c *hfhub.Client, rt hfhub.RepoType, id, rev, dir string) (*remoteCheck, error) {
	remote := map[string]*hfhub.TreeEntry{}
	for e, err := range c.ListRepoTree(ctx, id, &hfhub.ListRepoTreeOptions{RepoType: rt, Revision: rev, Recursive: true}) {
		if err != nil {
			return nil, err
		}
		if !e.IsDir() {
			remote[e.Path] = e
		}
	}
	res := &remoteCheck{Revision: rev, Path: dir, Mismatches: []mismatch{}, Missing: []string{}, Extra: []string{}}
	local := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == ".cache/huggingface" {
				return filepath.SkipDir
			}
			return nil
		}
		local[rel] = true
		e, ok := remote[rel]
		if !ok {
			res.Extra = append(res.Extra, rel)
			return nil
		}
		algo, want := "git-sha1", e.OID
		if e.LFS != nil {
			algo, want = "sha256", e.LFS.OID
		}
		got, err := hashFile(ctx, p, algo)
		if err != nil {
			return err
		}
		res.Checked++
		if got != want {
			res.Mismatches = append(res.Mismatches, mismatch{Path: rel, Algorithm: algo, Expected: want, Actual: got})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p := range remote {
		if !local[p] {
			res.Missing = append(res.Missing, p)
		}
	}
	slices.Sort(res.Missing)
	return res, nil
}

// hashFile returns the sha256 or the git blob id of a file (following a
// cache symlink to its blob).
func hashFile(ctx context.Context, path, algo string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	var h hash.Hash = sha256.New()
	if algo == "git-sha1" {
		h = gitblob.NewHash(st.Size())
	}
	if _, err := io.Copy(h, ctxio.NewReader(ctx, f)); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// reportRemote prints a remote comparison the way the Python CLI does and
// returns whether it failed: mismatches always fail; missing and extra
// files fail only with their --fail-on flag (else one warning each).
func reportRemote(p *cmdutil.Printer, r *remoteCheck, failMissing, failExtra bool) bool {
	failed := len(r.Mismatches) > 0 || (failMissing && len(r.Missing) > 0) || (failExtra && len(r.Extra) > 0)
	if p.IsJSON() {
		return failed
	}
	var rows [][]string
	for _, m := range r.Mismatches {
		rows = append(rows, []string{m.Path, "checksum_mismatch", fmt.Sprintf("expected %s (%s), got %s", m.Expected, m.Algorithm, m.Actual)})
	}
	list := func(paths []string, fail bool, kind, warn string) {
		if len(paths) == 0 {
			return
		}
		if !fail {
			p.Warnf("%s %s; use --fail-on-%s-files to list them and fail", cmdutil.Plural(len(paths), "file", "files"), warn, kind)
			return
		}
		for _, x := range paths {
			rows = append(rows, []string{x, kind, ""})
		}
	}
	list(r.Missing, failMissing, "missing", "on the Hub are missing here")
	list(r.Extra, failExtra, "extra", "here are not on the Hub")
	if len(rows) > 0 {
		_ = p.Table([]string{"FILE", "PROBLEM", "DETAIL"}, rows, r)
	}
	if !failed {
		p.Infof("Verified %s in %s against the Hub at %s: all checksums match.", cmdutil.Plural(r.Checked, "file", "files"), r.Path, shortRev(r.Revision))
	}
	return failed
}

func shortRev(rev string) string {
	if hfhub.IsCommitHash(rev) {
		return rev[:12]
	}
	return strings.TrimSpace(rev)
}

package hfhub

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/hfuri"
	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// SyncOptions configures [Client.PlanSync] and [Client.Sync], with the
// flags of Python's sync_bucket (`hf sync`). A nil pointer syncs every file,
// comparing sizes and contents, and deletes nothing.
type SyncOptions struct {
	// Delete removes destination files that the source does not have.
	Delete bool
	// IgnoreTimes compares sizes only (for a repository: no content hash).
	IgnoreTimes bool
	// IgnoreSizes compares contents only (repositories keep no
	// modification times to compare).
	IgnoreSizes bool
	// Existing only updates files the destination has (creates none);
	// IgnoreExisting only creates files the destination lacks.
	Existing, IgnoreExisting bool
	// Include and Exclude select files by path relative to the synced
	// folder (Python fnmatch: "*" matches "/" too). FilterRules come first
	// (first match decides), then Exclude, then Include; with Include set,
	// a path matching none is left out.
	Include, Exclude []string
	FilterRules      []SyncFilterRule
	// Message is the commit title when the destination is a repository
	// (default "Sync with hf sync").
	Message string
	// Workers is how many files are transferred at once (default 8).
	Workers int
	// Progress receives per-file transfer events.
	Progress ProgressObserver
}

// SyncFilterRule is one line of a filter file: Include (a "+" line, or no
// sign) or exclude (a "-" line) files matching Pattern.
type SyncFilterRule struct {
	Include bool
	Pattern string
}

// ParseSyncFilters reads a filter file (`--filter-from`): "+ PATTERN" and
// "- PATTERN" lines, a bare pattern meaning "+"; blank lines and "#"
// comments are skipped.
func ParseSyncFilters(r io.Reader) ([]SyncFilterRule, error) {
	var out []SyncFilterRule
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "-"):
			out = append(out, SyncFilterRule{Pattern: strings.TrimSpace(line[1:])})
		case strings.HasPrefix(line, "+"):
			out = append(out, SyncFilterRule{Include: true, Pattern: strings.TrimSpace(line[1:])})
		default:
			out = append(out, SyncFilterRule{Include: true, Pattern: line})
		}
	}
	return out, sc.Err()
}

func (o *SyncOptions) selects(p string) bool {
	for _, r := range o.FilterRules {
		if MatchPattern(r.Pattern, p) {
			return r.Include
		}
	}
	for _, pat := range o.Exclude {
		if MatchPattern(pat, p) {
			return false
		}
	}
	for _, pat := range o.Include {
		if MatchPattern(pat, p) {
			return true
		}
	}
	return len(o.Include) == 0
}

// Sync actions.
const (
	SyncUpload   = "upload"   // the destination is remote: the file is sent
	SyncDownload = "download" // the destination is local: the file is fetched
	SyncDelete   = "delete"
	SyncSkip     = "skip"
)

// SyncOp is one line of a [SyncPlan] (the JSON of Python's plan files).
type SyncOp struct {
	Action      string `json:"action"`
	Path        string `json:"path"` // relative to the synced folders
	Size        int64  `json:"size"`
	Reason      string `json:"reason"`
	LocalMtime  string `json:"local_mtime,omitempty"`
	RemoteMtime string `json:"remote_mtime,omitempty"`
}

// SyncPlan is what a sync will do, computed before anything changes.
type SyncPlan struct {
	Source, Dest string
	Timestamp    time.Time
	Operations   []SyncOp
	// src and dst are the sides as compared (nil for a plan read back):
	// applying the plan then commits on top of the compared commit.
	src, dst *syncEnd
}

// SyncSummary counts a plan's operations.
type SyncSummary struct {
	Uploads   int   `json:"uploads"`
	Downloads int   `json:"downloads"`
	Deletes   int   `json:"deletes"`
	Skips     int   `json:"skips"`
	TotalSize int64 `json:"total_size"` // bytes to transfer
}

// Summary counts the plan's operations.
func (p *SyncPlan) Summary() SyncSummary {
	var s SyncSummary
	for _, op := range p.Operations {
		switch op.Action {
		case SyncUpload:
			s.Uploads++
			s.TotalSize += op.Size
		case SyncDownload:
			s.Downloads++
			s.TotalSize += op.Size
		case SyncDelete:
			s.Deletes++
		case SyncSkip:
			s.Skips++
		}
	}
	return s
}

// Changes reports whether applying the plan would change anything.
func (p *SyncPlan) Changes() bool {
	s := p.Summary()
	return s.Uploads+s.Downloads+s.Deletes > 0
}

type planHeader struct {
	Type      string      `json:"type"`
	Source    string      `json:"source"`
	Dest      string      `json:"dest"`
	Timestamp string      `json:"timestamp"`
	Summary   SyncSummary `json:"summary"`
}

type planLine struct {
	Type string `json:"type"`
	SyncOp
}

// WriteTo writes the plan as JSON lines, in the format of Python's plan
// files: a header, then one line per operation.
func (p *SyncPlan) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	enc := json.NewEncoder(cw)
	if err := enc.Encode(planHeader{Type: "header", Source: p.Source, Dest: p.Dest, Timestamp: p.Timestamp.Format(time.RFC3339Nano), Summary: p.Summary()}); err != nil {
		return cw.n, err
	}
	for _, op := range p.Operations {
		if err := enc.Encode(planLine{Type: "operation", SyncOp: op}); err != nil {
			return cw.n, err
		}
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// ReadSyncPlan reads a plan written by [SyncPlan.WriteTo] (or by Python's
// `hf buckets sync --plan`).
func ReadSyncPlan(r io.Reader) (*SyncPlan, error) {
	dec := json.NewDecoder(r)
	var h planHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: sync plan: %v", ErrValidation, err)
	}
	if h.Type != "header" {
		return nil, fmt.Errorf("%w: sync plan: the first line is not a header", ErrValidation)
	}
	p := &SyncPlan{Source: h.Source, Dest: h.Dest}
	p.Timestamp, _ = time.Parse(time.RFC3339Nano, h.Timestamp)
	for {
		var l planLine
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%w: sync plan: %v", ErrValidation, err)
		}
		if l.Type != "operation" {
			continue
		}
		if !fs.ValidPath(l.Path) || l.Path == "." {
			return nil, fmt.Errorf("%w: sync plan: invalid path %q", ErrValidation, l.Path)
		}
		switch l.Action {
		case SyncUpload, SyncDownload, SyncDelete, SyncSkip:
		default:
			return nil, fmt.Errorf("%w: sync plan: unknown action %q for %s", ErrValidation, l.Action, l.Path)
		}
		p.Operations = append(p.Operations, l.SyncOp)
	}
	return p, nil
}

// syncEnd is one side of a sync: a local folder or a repository folder.
type syncEnd struct {
	arg    string
	local  string // absolute folder; "" for a remote side
	uri    hfuri.URI
	fs     *FS    // remote: the revision as listed
	parent string // remote: the commit a sync to it builds on
	root   fs.FS  // the synced folder (local: os.DirFS)
	files  map[string]syncFile
}

type syncFile struct {
	size  int64
	mtime time.Time // local files only
	etag  string    // remote files only
}

func (e *syncEnd) remote() bool { return e.local == "" }

// openSyncEnd opens side s. A remote destination's folder may be missing
// (it is created); a remote source's may not.
func (c *Client) openSyncEnd(ctx context.Context, s string, dest bool) (*syncEnd, error) {
	e := &syncEnd{arg: s, files: map[string]syncFile{}}
	if !hfuri.IsURI(s) {
		abs, err := filepath.Abs(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrValidation, s, err)
		}
		fi, err := os.Stat(abs)
		switch {
		case err == nil && !fi.IsDir():
			return nil, fmt.Errorf("%w: %s is a file: hf sync takes folders (copy one file with hf cp)", ErrValidation, s)
		case errors.Is(err, fs.ErrNotExist) && dest:
			if err := os.MkdirAll(abs, 0o755); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, fmt.Errorf("%w: source folder %s: %v", ErrValidation, s, err)
		}
		e.local, e.root = abs, os.DirFS(abs)
		return e, e.listLocal()
	}
	u, err := hfuri.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrValidation, err)
	}
	if u.IsBucket() {
		return nil, fmt.Errorf("%w: %s is a bucket: Sync takes local and repository folders only (read a bucket with OpenBucketFS)", ErrValidation, s)
	}
	e.uri = u
	rt := URIRepoType(u)
	e.fs, err = c.OpenFS(ctx, u.ID, &FSOptions{RepoType: rt, Revision: u.Revision})
	if err != nil {
		return nil, err
	}
	e.root, e.parent = e.fs, e.fs.Commit()
	if u.Path != "" {
		n, err := e.fs.lookup("sync", u.Path)
		switch {
		case err == nil && !n.dir:
			return nil, fmt.Errorf("%w: %s is a file: hf sync takes folders (copy one file with hf cp)", ErrValidation, s)
		case err != nil && !dest:
			return nil, fmt.Errorf("%w: %s has no folder %s", ErrEntryNotFound, RepoURI(rt, u.ID, e.fs.Commit(), "").String(), u.Path)
		case err != nil:
			return e, nil // a new folder of the destination
		}
		if e.root, err = e.fs.Sub(u.Path); err != nil {
			return nil, err
		}
	}
	return e, fs.WalkDir(e.root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e.files[p] = syncFile{size: info.Size(), etag: info.Sys().(string)}
		return nil
	})
}

func (e *syncEnd) listLocal() error {
	return filepath.WalkDir(e.local, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".cache" && filepath.Dir(p) == e.local {
				return filepath.SkipDir // local-dir download metadata, never synced
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symlinks, sockets...: not synced
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(e.local, p)
		e.files[filepath.ToSlash(rel)] = syncFile{size: info.Size(), mtime: info.ModTime()}
		return nil
	})
}

// PlanSync compares the folders src and dst (each a local path or an hf://
// repository URI, at least one remote) and returns what [Client.Sync]
// would do, changing nothing. Files are compared by size, then by content:
// a local file's sha256 (or git blob id) against the remote etag, two
// remote files by etag (repositories keep no modification times, so
// IgnoreSizes compares contents only). Each side is listed once.
func (c *Client) PlanSync(ctx context.Context, src, dst string, opts *SyncOptions) (*SyncPlan, error) {
	plan, s, d, err := c.planSync(ctx, src, dst, opts)
	if err != nil {
		return nil, err
	}
	plan.src, plan.dst = s, d
	return plan, nil
}

func (c *Client) planSync(ctx context.Context, src, dst string, opts *SyncOptions) (*SyncPlan, *syncEnd, *syncEnd, error) {
	o := SyncOptions{}
	if opts != nil {
		o = *opts
	}
	switch {
	case o.IgnoreTimes && o.IgnoreSizes:
		return nil, nil, nil, fmt.Errorf("%w: --ignore-times and --ignore-sizes exclude each other", ErrValidation)
	case o.Existing && o.IgnoreExisting:
		return nil, nil, nil, fmt.Errorf("%w: --existing and --ignore-existing exclude each other", ErrValidation)
	case !hfuri.IsURI(src) && !hfuri.IsURI(dst):
		return nil, nil, nil, fmt.Errorf("%w: both %s and %s are local: one side must be an hf:// URI (use rsync or cp -r between local folders)", ErrValidation, src, dst)
	}
	s, err := c.openSyncEnd(ctx, src, false)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := c.openSyncEnd(ctx, dst, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if d.remote() && !IsCommitHash(d.fs.Commit()) {
		return nil, nil, nil, fmt.Errorf("%w: %s: cannot commit to a bucket this way", ErrValidation, dst)
	}
	if d.remote() && IsCommitHash(d.uri.Revision) {
		return nil, nil, nil, fmt.Errorf("%w: %s names a commit: a sync commits to a branch (write @main or another branch)", ErrValidation, dst)
	}
	action := SyncDownload
	if d.remote() {
		action = SyncUpload
	}
	plan := &SyncPlan{Source: src, Dest: dst, Timestamp: time.Now().UTC()}
	paths := map[string]bool{}
	for p := range s.files {
		if o.selects(p) {
			paths[p] = true
		}
	}
	for p := range d.files {
		if o.selects(p) {
			paths[p] = true
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	slices.Sort(sorted)
	for _, p := range sorted {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		sf, inSrc := s.files[p]
		df, inDst := d.files[p]
		op := SyncOp{Path: p, Size: sf.size}
		switch {
		case inSrc && !inDst && o.Existing:
			op.Action, op.Reason = SyncSkip, "new file (--existing)"
		case inSrc && !inDst:
			op.Action, op.Reason = action, "new file"
		case !inSrc && o.Delete:
			op.Action, op.Reason, op.Size = SyncDelete, "not in source (--delete)", df.size
		case !inSrc:
			continue
		case o.IgnoreExisting:
			op.Action, op.Reason = SyncSkip, "exists on receiver (--ignore-existing)"
		default:
			same, reason, err := sameFile(s, d, p, sf, df, &o)
			if err != nil {
				return nil, nil, nil, err
			}
			op.Action, op.Reason = SyncSkip, reason
			if !same {
				op.Action = action
			}
		}
		for _, f := range []struct {
			e  *syncEnd
			f  syncFile
			ok bool
		}{{s, sf, inSrc}, {d, df, inDst}} {
			if f.ok && !f.e.remote() {
				op.LocalMtime = f.f.mtime.UTC().Format(time.RFC3339Nano)
			}
		}
		plan.Operations = append(plan.Operations, op)
	}
	return plan, s, d, nil
}

// sameFile compares p on both sides and says why it is (not) transferred.
func sameFile(s, d *syncEnd, p string, sf, df syncFile, o *SyncOptions) (bool, string, error) {
	sizeDiffers := sf.size != df.size
	if o.IgnoreTimes {
		if sizeDiffers {
			return false, "size differs", nil
		}
		return true, "same size", nil
	}
	if sizeDiffers && !o.IgnoreSizes {
		return false, "size differs", nil
	}
	var eq bool
	var err error
	switch {
	case s.remote() && d.remote():
		eq = sf.etag == df.etag
	case s.remote():
		eq, err = localMatches(filepath.Join(d.local, filepath.FromSlash(p)), sf.etag)
	default:
		eq, err = localMatches(filepath.Join(s.local, filepath.FromSlash(p)), df.etag)
	}
	if err != nil {
		return false, "", err
	}
	if !eq {
		return false, "content differs", nil
	}
	return true, "identical", nil
}

// localMatches reports whether the local file has the content named by
// etag: a sha256 (LFS) or a git blob id.
func localMatches(p, etag string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	var h hash.Hash
	switch len(etag) {
	case 64:
		h = sha256.New()
	case 40:
		h = gitblob.NewHash(fi.Size())
	default:
		return false, nil // unknown kind of id: send the file again
	}
	if _, err := io.Copy(h, f); err != nil {
		return false, fmt.Errorf("hashing %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)) == strings.ToLower(etag), nil
}

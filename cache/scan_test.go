package cache

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixture is a cache with one healthy repo, one written without symlinks and
// one broken repo, plus junk the scan must tolerate.
type fixture struct {
	dir                    string
	a, duorc, gpt2, kernel *pyRepo
	cfg, weights, okBlob   string // etags
	cfgData, weightsData   []byte
	orphan                 string
}

func buildFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	fx := &fixture{dir: dir}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "CACHEDIR.TAG"), []byte(CacheDirTagSignature+"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".DS_Store"), nil, 0o644))
	must(os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("stray"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, ".locks", "models--org--a"), 0o755))
	must(os.WriteFile(filepath.Join(dir, ".locks", "models--org--a", "x.lock"), nil, 0o644))
	must(os.MkdirAll(filepath.Join(dir, "not-a-repo"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "models--nosnap", "blobs"), 0o755))

	// models--org--a: two revisions sharing config.json; nested ref; tree
	// cache; .no_exist; a partial download; an orphan blob.
	a := addRepo(t, dir, "models--org--a")
	fx.a = a
	fx.cfgData = []byte(`{"model_type":"bert"}`)
	fx.weightsData = []byte(strings.Repeat("w", 100))
	fx.cfg = a.blob(fx.cfgData, false, t0.Add(5*time.Hour), t0.Add(1*time.Hour))
	fx.weights = a.blob(fx.weightsData, true, t0.Add(3*time.Hour), t0.Add(2*time.Hour))
	fx.orphan = a.blob([]byte("orphan!"), false, t0, t0)
	a.link(commitA, "config.json", fx.cfg)
	a.link(commitA, "sub/dir/w.bin", fx.weights)
	a.link(commitB, "config.json", fx.cfg)
	a.ref("main", commitB)
	a.ref("refs/pr/1", commitA)
	a.write("trees/"+commitB+".json", []byte(`{"format_version":1,"files":{}}`))
	a.write(".no_exist/"+commitB+"/missing.json", nil)
	inc := a.write("blobs/"+fx.weights+".0123abcd.incomplete", []byte("12345"))
	setTimes(t, inc, t0, t0)
	setTimes(t, a.snapshotDir(commitA), t0.Add(-time.Hour), t0.Add(-time.Hour))
	setTimes(t, a.snapshotDir(commitB), t0.Add(10*time.Hour), t0.Add(10*time.Hour))

	// datasets--ibm--duorc: written without symlinks, two revisions.
	d := addRepo(t, dir, "datasets--ibm--duorc")
	fx.duorc = d
	setTimes(t, d.write("snapshots/"+commitC+"/data.csv", []byte("a,b\n1,2\n")), t0, t0.Add(4*time.Hour))
	setTimes(t, d.write("snapshots/"+commitD+"/data.csv", []byte("a,b\n1,2\n3,4\n")), t0, t0.Add(6*time.Hour))
	d.ref("main", commitD)
	d.ref("v1", commitC)

	// models--gpt2 (legacy id): missing blob, stray file in snapshots/, empty
	// ref, ref to a missing snapshot, detached empty revision.
	g := addRepo(t, dir, "models--gpt2")
	fx.gpt2 = g
	fx.okBlob = g.blob([]byte("ok"), false, t0, t0)
	g.link(commitE, "ok.txt", fx.okBlob)
	g.link(commitE, "gone.bin", strings.Repeat("9", 64))
	g.write("snapshots/README", []byte("stray"))
	g.ref("main", commitE)
	g.ref("empty", "")
	g.ref("v2", commitB) // no such snapshot in gpt2
	g.mkdir("snapshots/" + commitD)
	setTimes(t, g.snapshotDir(commitD), t0.Add(-48*time.Hour), t0.Add(-48*time.Hour))

	// kernels--ns--k: accepted (Python reports it as corrupted).
	k := addRepo(t, dir, "kernels--ns--k")
	fx.kernel = k
	return fx
}

func TestScanReport(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rep.Repos {
		ids = append(ids, r.CacheID())
	}
	if want := []string{"dataset/ibm/duorc", "kernel/ns/k", "model/gpt2", "model/org/a"}; !slices.Equal(ids, want) {
		t.Fatalf("repos = %v, want %v", ids, want)
	}

	a := rep.Repo("model", "org/a")
	if a.Path != fx.a.dir || a.Type != "model" || a.ID != "org/a" {
		t.Errorf("repo a = %+v", a)
	}
	wantSize := int64(len(fx.cfgData) + len(fx.weightsData))
	if a.SizeOnDisk != wantSize || a.NumFiles != 2 {
		t.Errorf("repo a size %d files %d, want %d and 2 (each blob once; orphan not counted)", a.SizeOnDisk, a.NumFiles, wantSize)
	}
	if !a.LastAccessed.Equal(t0.Add(5*time.Hour)) || !a.LastModified.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("repo a times: accessed %v modified %v", a.LastAccessed, a.LastModified)
	}
	if want := map[string]string{"main": commitB, "refs/pr/1": commitA}; len(a.Refs) != 2 || a.Refs["main"] != commitB || a.Refs["refs/pr/1"] != commitA {
		t.Errorf("refs = %v, want %v", a.Refs, want)
	}
	if len(a.Revisions) != 2 {
		t.Fatalf("revisions = %d", len(a.Revisions))
	}
	ra, rb := a.Revisions[0], a.Revisions[1]
	if ra.Commit != commitA || ra.NumFiles != 2 || ra.SizeOnDisk != wantSize || !slices.Equal(ra.Refs, []string{"refs/pr/1"}) {
		t.Errorf("revision A = commit %s files %d size %d refs %v", ra.Commit, ra.NumFiles, ra.SizeOnDisk, ra.Refs)
	}
	if !ra.LastModified.Equal(t0.Add(2*time.Hour)) || !ra.LastUsed.Equal(t0.Add(5*time.Hour)) {
		t.Errorf("revision A times: modified %v used %v", ra.LastModified, ra.LastUsed)
	}
	if rb.Commit != commitB || rb.NumFiles != 1 || rb.SizeOnDisk != int64(len(fx.cfgData)) || !slices.Equal(rb.Refs, []string{"main"}) {
		t.Errorf("revision B = %+v", rb)
	}
	if !rb.LastUsed.Equal(t0.Add(10*time.Hour)) || rb.SnapshotPath != fx.a.snapshotDir(commitB) {
		t.Errorf("revision B used %v path %s", rb.LastUsed, rb.SnapshotPath)
	}
	w := ra.Files[1]
	if w.Name != "w.bin" || w.Filename != "sub/dir/w.bin" || w.BlobPath != fx.a.blobPath(fx.weights) ||
		w.Path != filepath.Join(fx.a.snapshotDir(commitA), "sub", "dir", "w.bin") || w.SizeOnDisk != 100 ||
		!w.BlobLastAccessed.Equal(t0.Add(3*time.Hour)) || !w.BlobLastModified.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("file = %+v", w)
	}

	d := rep.Repo("dataset", "ibm/duorc")
	if d.NumFiles != 2 || d.SizeOnDisk != 8+12 || len(d.Revisions) != 2 {
		t.Errorf("duorc = files %d size %d revisions %d", d.NumFiles, d.SizeOnDisk, len(d.Revisions))
	}
	if f := d.Revisions[0].Files[0]; f.BlobPath != f.Path || f.SizeOnDisk != 8 {
		t.Errorf("no-symlink file = %+v", f)
	}

	g := rep.Repo("model", "gpt2")
	if len(g.Revisions) != 2 || g.NumFiles != 1 || g.SizeOnDisk != 2 {
		t.Fatalf("gpt2 = revisions %d files %d size %d", len(g.Revisions), g.NumFiles, g.SizeOnDisk)
	}
	if det := g.Revisions[0]; det.Commit != commitD || len(det.Refs) != 0 || det.NumFiles != 0 || !det.LastModified.Equal(t0.Add(-48*time.Hour)) {
		t.Errorf("detached revision = %+v", det)
	}
	if e := g.Revisions[1]; !slices.Equal(e.Missing, []string{"gone.bin"}) || e.NumFiles != 1 {
		t.Errorf("revision E missing %v files %d", e.Missing, e.NumFiles)
	}
	if len(g.Refs) != 1 || g.Refs["main"] != commitE {
		t.Errorf("gpt2 refs = %v", g.Refs)
	}

	if k := rep.Repo("kernel", "ns/k"); k == nil || k.SizeOnDisk != 0 || len(k.Revisions) != 0 {
		t.Errorf("kernel repo = %+v", k)
	}
	if want := wantSize + 20 + 2; rep.SizeOnDisk != want {
		t.Errorf("total size = %d, want %d", rep.SizeOnDisk, want)
	}
	if len(rep.IncompleteFiles) != 1 || rep.IncompleteFiles[0].Size != 5 || rep.IncompleteFiles[0].RepoID != "org/a" {
		t.Errorf("incomplete = %+v", rep.IncompleteFiles)
	}

	wantWarn := map[string]string{
		filepath.Join(fx.dir, "notes.txt"):                      "stray file",
		filepath.Join(fx.dir, "not-a-repo"):                     "not a repo folder",
		filepath.Join(fx.dir, "models--nosnap"):                 "no snapshots/",
		filepath.Join(fx.gpt2.dir, "snapshots", "README"):       "stray file in snapshots/",
		filepath.Join(fx.gpt2.snapshotDir(commitE), "gone.bin"): "blob missing",
		filepath.Join(fx.gpt2.dir, "refs", "empty"):             "empty ref",
		filepath.Join(fx.gpt2.dir, "refs", "v2"):                "has no snapshot",
	}
	if len(rep.Warnings) != len(wantWarn) {
		t.Errorf("got %d warnings, want %d: %v", len(rep.Warnings), len(wantWarn), rep.Warnings)
	}
	for _, w := range rep.Warnings {
		if frag, ok := wantWarn[w.Path]; !ok || !strings.Contains(w.Message, frag) {
			t.Errorf("unexpected warning %v", w)
		}
	}
}

func TestScanMissingCache(t *testing.T) {
	c := mustOpen(t, filepath.Join(t.TempDir(), "nope"), nil)
	if _, err := c.Scan(t.Context()); !errors.Is(err, ErrCacheNotFound) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Scan(missing) = %v, want ErrCacheNotFound", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f, nil); err == nil {
		t.Error("Open(file) succeeded")
	}
}

func TestFormatAndParseSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 519: "519B", 999: "999B", 1000: "1.0K", 42_200: "42.2K", 1_300_000_000: "1.3G", 999_949: "999.9K", 999_999: "1.0M", 2_000_000_000_000_000_000: "2.0E"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
	for in, want := range map[string]int64{"50G": 50e9, "1.5TB": 15e11, "800m": 8e8, "10GiB": 10 << 30, "1048576": 1 << 20, "2 KB": 2000, "9007199254740993": 9007199254740993} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "G", "-1G", "ten"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
}

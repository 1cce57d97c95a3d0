package cache

import (
	"cmp"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// pyScan is what testdata/pyscan.py prints: the Python client's own
// scan_cache_dir result.
type pyScan struct {
	Delete *struct {
		Repos     []string `json:"repos"`
		Snapshots []string `json:"snapshots"`
		Refs      []string `json:"refs"`
		Blobs     []string `json:"blobs"`
		Freed     int64    `json:"expected_freed_size"`
	} `json:"delete"`
	SizeOnDisk int64    `json:"size_on_disk"`
	Warnings   []string `json:"warnings"`
	Repos      []struct {
		Type         string            `json:"repo_type"`
		ID           string            `json:"repo_id"`
		SizeOnDisk   int64             `json:"size_on_disk"`
		NumFiles     int               `json:"nb_files"`
		LastAccessed float64           `json:"last_accessed"`
		LastModified float64           `json:"last_modified"`
		Refs         map[string]string `json:"refs"`
		Revisions    []struct {
			Commit       string   `json:"commit_hash"`
			SizeOnDisk   int64    `json:"size_on_disk"`
			NumFiles     int      `json:"nb_files"`
			Refs         []string `json:"refs"`
			LastModified float64  `json:"last_modified"`
			Files        [][3]any `json:"files"`
		} `json:"revisions"`
	} `json:"repos"`
}

// runPyScan runs the Python client's scan_cache_dir (from the source tree in
// HFHUB_PY_SRC, e.g. a huggingface_hub checkout's src/) on dir.
func runPyScan(t *testing.T, dir string, deleteCommits ...string) *pyScan {
	t.Helper()
	src := os.Getenv("HFHUB_PY_SRC")
	if src == "" {
		t.Skip("set HFHUB_PY_SRC to a huggingface_hub source tree (its src/ folder) to compare with the Python scanner")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	out, err := exec.CommandContext(t.Context(), py, append([]string{filepath.Join("testdata", "pyscan.py"), src, dir}, deleteCommits...)...).Output()
	if err != nil {
		t.Fatalf("pyscan.py: %v", err)
	}
	var res pyScan
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

func sameTime(py float64, got time.Time) bool {
	return math.Abs(py-float64(got.UnixNano())/1e9) < 1e-5
}

// comparePy checks every field Python reports for the repos it accepts.
func comparePy(t *testing.T, py *pyScan, rep *Report) {
	t.Helper()
	for _, pr := range py.Repos {
		r := rep.Repo(pr.Type, pr.ID)
		if r == nil {
			t.Errorf("Python lists %s/%s, we do not", pr.Type, pr.ID)
			continue
		}
		if r.SizeOnDisk != pr.SizeOnDisk || r.NumFiles != pr.NumFiles || len(r.Refs) != len(pr.Refs) {
			t.Errorf("%s: size %d files %d refs %v; Python %d %d %v", r.CacheID(), r.SizeOnDisk, r.NumFiles, r.Refs, pr.SizeOnDisk, pr.NumFiles, pr.Refs)
		}
		if !sameTime(pr.LastAccessed, r.LastAccessed) || !sameTime(pr.LastModified, r.LastModified) {
			t.Errorf("%s: times %v %v; Python %f %f", r.CacheID(), r.LastAccessed, r.LastModified, pr.LastAccessed, pr.LastModified)
		}
		for k, v := range pr.Refs {
			if r.Refs[k] != v {
				t.Errorf("%s: ref %s = %s, Python %s", r.CacheID(), k, r.Refs[k], v)
			}
		}
		if len(r.Revisions) != len(pr.Revisions) {
			t.Errorf("%s: %d revisions, Python %d", r.CacheID(), len(r.Revisions), len(pr.Revisions))
			continue
		}
		for i, pv := range pr.Revisions {
			v := r.Revisions[i]
			if v.Commit != pv.Commit || v.SizeOnDisk != pv.SizeOnDisk || v.NumFiles != pv.NumFiles || !slices.Equal(v.Refs, pv.Refs) || !sameTime(pv.LastModified, v.LastModified) {
				t.Errorf("%s@%s: size %d files %d refs %v modified %v; Python %+v", r.CacheID(), v.Commit, v.SizeOnDisk, v.NumFiles, v.Refs, v.LastModified, pv)
			}
			var ours [][3]any
			for _, f := range v.Files {
				ours = append(ours, [3]any{f.Path, f.BlobPath, float64(f.SizeOnDisk)})
			}
			slices.SortFunc(ours, func(a, b [3]any) int { return cmp.Compare(a[0].(string), b[0].(string)) })
			if len(ours) != len(pv.Files) {
				t.Errorf("%s@%s: files %v, Python %v", r.CacheID(), v.Commit, ours, pv.Files)
				continue
			}
			for j := range ours {
				if ours[j] != pv.Files[j] {
					t.Errorf("%s@%s: file %v, Python %v", r.CacheID(), v.Commit, ours[j], pv.Files[j])
				}
			}
		}
	}
}

// TestPythonScannerAgreesOnPythonLayout: the fixture (written as Python
// writes caches, including broken repos) scanned by both.
func TestPythonScannerAgreesOnPythonLayout(t *testing.T) {
	fx := buildFixture(t)
	py := runPyScan(t, fx.dir)
	rep, err := mustOpen(t, fx.dir, nil).Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	comparePy(t, py, rep)
	// Python drops broken repos whole; we list them with warnings. Both
	// accept the two healthy ones.
	var ids []string
	for _, r := range py.Repos {
		ids = append(ids, r.Type+"/"+r.ID)
	}
	if want := []string{"dataset/ibm/duorc", "model/org/a"}; !slices.Equal(ids, want) {
		t.Errorf("Python accepted %v, want %v", ids, want)
	}
	if len(py.Warnings) == 0 {
		t.Error("Python found nothing wrong in the broken fixture")
	}
}

// TestPythonReadsWhatWeWrite: a cache written only through this package's
// API, with and without symlinks, is read identically by Python.
func TestPythonReadsWhatWeWrite(t *testing.T) {
	for _, noLinks := range []bool{false, true} {
		dir := t.TempDir()
		c := mustOpen(t, dir, &Options{DisableSymlinks: noLinks, GroupWritable: noLinks})
		if err := c.WriteCacheDirTag(); err != nil {
			t.Fatal(err)
		}
		write := func(commit, name string, data []byte, lfs bool) {
			etag := gitSHA1(data)
			if lfs {
				etag = sha256Hex(data)
			}
			blob, _ := c.BlobPath("dataset", "org/d", etag)
			newBlob := !exists(blob)
			if newBlob {
				tmp, err := c.CreateBlobTemp("dataset", "org/d", etag)
				if err != nil {
					t.Fatal(err)
				}
				tmp.Write(data)
				if err := c.Publish(tmp, blob); err != nil {
					t.Fatal(err)
				}
			}
			ptr, _ := c.SnapshotPath("dataset", "org/d", commit, name)
			if err := c.LinkSnapshot(blob, ptr, newBlob); err != nil {
				t.Fatal(err)
			}
		}
		write(commitA, "README.md", []byte("# d"), false)
		write(commitA, "data/train-00000.parquet", []byte("PAR1 train"), true)
		write(commitB, "README.md", []byte("# d"), false)
		for _, ref := range [][2]string{{"main", commitB}, {"refs/pr/1", commitA}, {"v1", commitA}} {
			if err := c.WriteRef("dataset", "org/d", ref[0], ref[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.MarkNoExist("dataset", "org/d", commitB, "missing.json"); err != nil {
			t.Fatal(err)
		}
		if err := c.WriteTree("dataset", "org/d", commitB, &Tree{Files: map[string]TreeFile{"README.md": {Size: 3, BlobID: gitSHA1([]byte("# d"))}}}); err != nil {
			t.Fatal(err)
		}
		py := runPyScan(t, dir)
		// Clients before 1.9.0 (which started writing CACHEDIR.TAG) report
		// the tag as a bad repo folder; newer ones skip it.
		py.Warnings = slices.DeleteFunc(py.Warnings, func(w string) bool { return strings.HasSuffix(w, CacheDirTagName) })
		rep, err := c.Scan(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(py.Warnings) != 0 || len(rep.Warnings) != 0 || len(py.Repos) != 1 {
			t.Fatalf("noLinks=%v: Python warnings %v, ours %v, repos %d", noLinks, py.Warnings, rep.Warnings, len(py.Repos))
		}
		comparePy(t, py, rep)
	}
}

// TestPythonDeleteStrategyAgrees: our delete plans equal Python's
// delete_revisions strategies on the healthy repos of the fixture.
func TestPythonDeleteStrategyAgrees(t *testing.T) {
	fx := buildFixture(t)
	rep, err := mustOpen(t, fx.dir, nil).Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, commits := range [][]string{{commitA}, {commitB}, {commitA, commitB}, {commitC}, {commitC, commitD}} {
		py := runPyScan(t, fx.dir, commits...)
		// Python only knows the repos it accepted: compare on those.
		var keep []*RepoInfo
		for _, r := range rep.Repos {
			if r.ID == "org/a" || r.ID == "ibm/duorc" {
				keep = append(keep, r)
			}
		}
		sub := &Report{Dir: rep.Dir, Repos: keep}
		plan := sub.PlanDeleteRevisions(commits...)
		sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
		d := py.Delete
		// Python 1.3.7 also lists regular files inside a removed snapshot
		// (caches without symlinks) as blobs, then warns that they are gone
		// when it gets to them; we count them but leave them to the
		// snapshot's removal (spec 4.6).
		d.Blobs = slices.DeleteFunc(d.Blobs, func(b string) bool {
			return slices.ContainsFunc(d.Snapshots, func(s string) bool { return isBelow(b, s) })
		})
		if !slices.Equal(sorted(plan.Repos), d.Repos) || !slices.Equal(sorted(plan.Snapshots), d.Snapshots) ||
			!slices.Equal(sorted(plan.Refs), d.Refs) || !slices.Equal(sorted(plan.Blobs), d.Blobs) || plan.ExpectedFreedSize != d.Freed {
			t.Errorf("delete %v:\n ours   %+v\n Python %+v", commits, plan, *d)
		}
	}
}

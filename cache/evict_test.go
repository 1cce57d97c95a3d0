package cache

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// evictFixture: three repos whose revisions were last used at known times.
//
//	model/org/old   rev A (used t0+1h) 100 B blob x, shared with rev B
//	                rev B (used t0+5h) blob x + 50 B blob y
//	model/org/mid   rev C (used t0+3h) 30 B
//	model/org/new   rev D (used t0+9h) 20 B
func evictFixture(t *testing.T) (string, map[string]*pyRepo) {
	dir := t.TempDir()
	old := addRepo(t, dir, "models--org--old")
	x := old.blob([]byte(strings.Repeat("x", 100)), true, t0, t0)
	y := old.blob([]byte(strings.Repeat("y", 50)), true, t0, t0)
	old.link(commitA, "x.bin", x)
	old.link(commitB, "x.bin", x)
	old.link(commitB, "y.bin", y)
	old.ref("main", commitB)
	old.ref("v1", commitA)
	mid := addRepo(t, dir, "models--org--mid")
	mid.link(commitC, "c.bin", mid.blob([]byte(strings.Repeat("c", 30)), true, t0, t0))
	mid.ref("main", commitC)
	nw := addRepo(t, dir, "models--org--new")
	nw.link(commitD, "d.bin", nw.blob([]byte(strings.Repeat("d", 20)), true, t0, t0))
	nw.ref("main", commitD)
	setTimes(t, old.snapshotDir(commitA), t0.Add(time.Hour), t0.Add(time.Hour))
	setTimes(t, old.snapshotDir(commitB), t0.Add(5*time.Hour), t0.Add(5*time.Hour))
	setTimes(t, mid.snapshotDir(commitC), t0.Add(3*time.Hour), t0.Add(3*time.Hour))
	setTimes(t, nw.snapshotDir(commitD), t0.Add(9*time.Hour), t0.Add(9*time.Hour))
	return dir, map[string]*pyRepo{"old": old, "mid": mid, "new": nw}
}

func evictedIDs(res *EvictResult) []string {
	var out []string
	for _, e := range res.Evicted {
		out = append(out, e.RepoID+"@"+e.Commit[:1])
	}
	return out
}

func TestEvictLRU(t *testing.T) {
	tests := []struct {
		name      string
		max       int64
		want      []string
		wantAfter int64
	}{
		{"fits: nothing", 200, nil, 200},
		{"shared blob: A frees nothing, B frees both", 150, []string{"org/old@a", "org/mid@c", "org/old@b"}, 20},
		{"shared blob: A then C", 170, []string{"org/old@a", "org/mid@c"}, 170},
		{"down to the newest", 20, []string{"org/old@a", "org/mid@c", "org/old@b"}, 20},
		{"zero budget empties the cache", 0, []string{"org/old@a", "org/mid@c", "org/old@b", "org/new@d"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, repos := evictFixture(t)
			c := mustOpen(t, dir, nil)
			dry, err := c.Evict(t.Context(), tt.max, &EvictOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(evictedIDs(dry), tt.want) || dry.SizeBefore != 200 || dry.SizeAfter != tt.wantAfter || !dry.DryRun {
				t.Fatalf("dry run = %v (after %d), want %v (after %d)", evictedIDs(dry), dry.SizeAfter, tt.want, tt.wantAfter)
			}
			if rep, _ := c.Scan(t.Context()); rep.SizeOnDisk != 200 {
				t.Fatal("dry run removed something")
			}
			res, err := c.Evict(t.Context(), tt.max, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(evictedIDs(res), tt.want) || len(res.Warnings) != 0 {
				t.Fatalf("evict = %v, warnings %v", evictedIDs(res), res.Warnings)
			}
			rep, err := c.Scan(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if rep.SizeOnDisk != tt.wantAfter || len(rep.Warnings) != 0 {
				t.Errorf("after eviction size %d (want %d), warnings %v", rep.SizeOnDisk, tt.wantAfter, rep.Warnings)
			}
			if slices.Contains(tt.want, "org/mid@c") && exists(repos["mid"].dir) {
				t.Error("evicting the last revision of a repo left its folder")
			}
			if slices.Contains(tt.want, "org/old@a") && exists(filepath.Join(repos["old"].dir, "refs", "v1")) {
				t.Error("evicted revision's ref left behind")
			}
		})
	}
}

func TestEvictHonoursTouch(t *testing.T) {
	dir, _ := evictFixture(t)
	c := mustOpen(t, dir, nil)
	if err := c.Touch("model", "org/mid", commitC); err != nil {
		t.Fatal(err)
	}
	res, err := c.Evict(t.Context(), 170, &EvictOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	// mid is now the most recently used: old@a, old@b, then new@d go first.
	if want := []string{"org/old@a", "org/old@b"}; !slices.Equal(evictedIDs(res), want) {
		t.Errorf("evicted %v, want %v", evictedIDs(res), want)
	}
}

// TestHelperProcess is not a test: the eviction test runs the test binary
// with HFHUB_CACHE_HELPER=lock to hold a lock from another process.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("HFHUB_CACHE_HELPER") != "lock" {
		t.Skip("helper process only")
	}
	c, err := Open(os.Getenv("HFHUB_CACHE_DIR"), nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	unlock, err := c.Lock(context.Background(), os.Getenv("HFHUB_CACHE_LOCK"))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
	_ = unlock()
	os.Exit(0)
}

func TestEvictLeavesBlobLockedByAnotherProcess(t *testing.T) {
	dir, repos := evictFixture(t)
	c := mustOpen(t, dir, nil)
	blobY := filepath.Join(repos["old"].dir, "blobs", sha256Hex([]byte(strings.Repeat("y", 50))))
	lock, _ := c.LockPath("model", "org/old", filepath.Base(blobY))

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "HFHUB_CACHE_HELPER=lock", "HFHUB_CACHE_DIR="+dir, "HFHUB_CACHE_LOCK="+lock)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	res, err := c.Evict(t.Context(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Busy, []string{"model/org/old@" + commitB}) {
		t.Errorf("busy = %v", res.Busy)
	}
	if !exists(blobY) || !exists(filepath.Join(repos["old"].snapshotDir(commitB), "y.bin")) {
		t.Error("eviction removed a blob (or its revision) another process had locked")
	}
	if exists(repos["mid"].dir) || exists(repos["new"].dir) || exists(repos["old"].snapshotDir(commitA)) {
		t.Error("unlocked revisions were not evicted")
	}
	if !exists(lock) {
		t.Error("eviction removed a lock file another process holds")
	}

	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	// Once released, the revision goes.
	res, err = c.Evict(t.Context(), 0, nil)
	if err != nil || len(res.Busy) != 0 || exists(blobY) {
		t.Errorf("after release: %+v, %v", res, err)
	}
}

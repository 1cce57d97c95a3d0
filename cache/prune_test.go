package cache

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	// A lock another holder has (another open file description: flock
	// excludes it exactly like another process) and one nobody holds.
	held, _ := c.LockPath("model", "org/a", "held")
	unlock, ok, err := c.TryLock(held)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer unlock()
	free := filepath.Join(fx.dir, ".locks", "models--org--a", "x.lock")

	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.PlanPrune(t.Context(), rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc := fx.a.blobPath(fx.weights + ".0123abcd.incomplete")
	if !slices.Equal(plan.Snapshots, []string{fx.gpt2.snapshotDir(commitD)}) || len(plan.Refs) != 0 ||
		!slices.Equal(plan.Blobs, []string{fx.a.blobPath(fx.orphan)}) ||
		!slices.Equal(plan.Incomplete, []string{inc}) ||
		!slices.Equal(plan.Locks, []string{free}) ||
		plan.ExpectedFreedSize != 7+5 {
		t.Fatalf("plan = %+v", plan)
	}
	// Someone starts downloading the partial blob between plan and execute:
	// it must be kept.
	busy, _ := c.LockPath("model", "org/a", fx.weights)
	unlockBusy, ok, err := c.TryLock(busy)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	res, err := c.Execute(t.Context(), plan)
	if err != nil {
		t.Fatal(err)
	}
	_ = unlockBusy()
	if !slices.Equal(res.Kept, []string{inc}) || !exists(inc) {
		t.Errorf("kept = %v (partial download exists: %v)", res.Kept, exists(inc))
	}
	if exists(fx.gpt2.snapshotDir(commitD)) || exists(fx.a.blobPath(fx.orphan)) || exists(free) || !exists(held) {
		t.Error("prune removed the wrong things")
	}
	if !exists(fx.a.blobPath(fx.cfg)) || !exists(fx.a.blobPath(fx.weights)) {
		t.Error("prune removed a referenced blob")
	}

	// OlderThan keeps recent partial downloads.
	fresh := fx.a.write("blobs/"+fx.weights+".ffffffff.incomplete", []byte("x"))
	rep, _ = c.Scan(t.Context())
	plan, _ = c.PlanPrune(t.Context(), rep, &PruneOptions{OlderThan: time.Hour})
	if slices.Contains(plan.Incomplete, fresh) {
		t.Error("OlderThan: fresh partial download planned for removal")
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(fresh, old, old); err != nil {
		t.Fatal(err)
	}
	plan, _ = c.PlanPrune(t.Context(), rep, &PruneOptions{OlderThan: time.Hour, KeepLocks: true})
	if !slices.Contains(plan.Incomplete, fresh) || len(plan.Locks) != 0 {
		t.Errorf("OlderThan/KeepLocks plan = %+v", plan)
	}
}

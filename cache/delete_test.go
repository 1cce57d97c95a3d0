package cache

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestPlanDeleteRevisionKeepsSharedBlobs(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	plan := rep.PlanDeleteRevisions(commitA, "f00d")
	if len(plan.Repos) != 0 ||
		!slices.Equal(plan.Snapshots, []string{fx.a.snapshotDir(commitA)}) ||
		!slices.Equal(plan.Refs, []string{filepath.Join(fx.a.dir, "refs", "refs", "pr", "1")}) ||
		!slices.Equal(plan.Blobs, []string{fx.a.blobPath(fx.weights)}) ||
		plan.ExpectedFreedSize != 100 {
		t.Fatalf("plan = %+v", plan)
	}
	if len(plan.Warnings) != 1 || plan.Warnings[0].Path != "f00d" {
		t.Errorf("warnings = %v", plan.Warnings)
	}
	if !slices.Equal(plan.Revisions, []string{"model/org/a@" + commitA}) {
		t.Errorf("revisions = %v", plan.Revisions)
	}
	res, err := c.Execute(t.Context(), plan)
	if err != nil || len(res.Warnings) != 0 || res.Removed != 3 || len(res.Kept) != 0 {
		t.Fatalf("Execute = %+v, %v", res, err)
	}
	if exists(fx.a.snapshotDir(commitA)) || exists(fx.a.blobPath(fx.weights)) || !exists(fx.a.blobPath(fx.cfg)) {
		t.Error("wrong files removed")
	}
	if exists(filepath.Join(fx.dir, ".locks", "models--org--a", fx.weights+".lock")) {
		t.Error("lock file taken for the deletion left behind")
	}
	rep2, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a := rep2.Repo("model", "org/a")
	if len(a.Revisions) != 1 || a.SizeOnDisk != int64(len(fx.cfgData)) || len(a.Refs) != 1 {
		t.Errorf("after delete: %+v", a)
	}
	for _, w := range rep2.Warnings {
		if filepath.Dir(w.Path) == fx.a.dir || w.Path == fx.a.dir {
			t.Errorf("delete left repo a inconsistent: %v", w)
		}
	}
	// Executing again: everything already gone becomes a warning.
	res, err = c.Execute(t.Context(), plan)
	if err != nil || len(res.Warnings) != 3 || res.Removed != 0 {
		t.Errorf("second Execute = %+v, %v", res, err)
	}
}

func TestPlanDeleteWholeRepo(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a := rep.Repo("model", "org/a")
	for _, targets := range [][]string{{commitA, commitB}, {"model/org/a"}, {"org/a"}, {"models--org--a"}} {
		plan, err := rep.PlanDelete(targets...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(plan.Repos, []string{fx.a.dir}) || len(plan.Snapshots)+len(plan.Blobs)+len(plan.Refs) != 0 || plan.ExpectedFreedSize != a.SizeOnDisk {
			t.Errorf("PlanDelete(%v) = %+v", targets, plan)
		}
	}
	plan, err := rep.PlanDelete("dataset/ibm/nope", "nobody/nothing")
	if err != nil || !plan.Empty() || len(plan.Warnings) != 2 {
		t.Errorf("unknown targets: %+v, %v", plan, err)
	}
	if _, err := rep.PlanDelete(" "); err == nil {
		t.Error("PlanDelete(empty) succeeded")
	}
	plan, _ = rep.PlanDelete("model/org/a")
	if _, err := c.Execute(t.Context(), plan); err != nil {
		t.Fatal(err)
	}
	if exists(fx.a.dir) || !exists(fx.duorc.dir) {
		t.Error("whole-repo delete removed the wrong folders")
	}
}

func TestPlanDeleteWithoutSymlinks(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Regular files in snapshots count towards the freed size but are not
	// blobs: they go with their snapshot folder.
	plan := rep.PlanDeleteRevisions(commitC)
	if len(plan.Blobs) != 0 || plan.ExpectedFreedSize != 8 || !slices.Equal(plan.Snapshots, []string{fx.duorc.snapshotDir(commitC)}) ||
		!slices.Equal(plan.Refs, []string{filepath.Join(fx.duorc.dir, "refs", "v1")}) {
		t.Fatalf("plan = %+v", plan)
	}
	if _, err := c.Execute(t.Context(), plan); err != nil {
		t.Fatal(err)
	}
	if exists(fx.duorc.snapshotDir(commitC)) || !exists(fx.duorc.snapshotDir(commitD)) {
		t.Error("wrong snapshot removed")
	}
}

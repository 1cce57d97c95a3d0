package cache

import (
	"slices"
	"strings"
	"testing"
)

// Keep protects a revision: eviction passes over it, goes on with newer
// ones, and never removes the protected revision's repo folder.
func TestEvictKeep(t *testing.T) {
	dir, repos := evictFixture(t)
	c := mustOpen(t, dir, nil)
	keep := func(repoType, repoID, commit string) bool {
		return repoType == "model" && repoID == "org/old" && commit == commitA
	}
	res, err := c.Evict(t.Context(), 0, &EvictOptions{Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	// A is kept, so B frees only y (x is shared with A); C and D go whole.
	if got, want := evictedIDs(res), []string{"org/mid@c", "org/old@b", "org/new@d"}; !slices.Equal(got, want) {
		t.Errorf("evicted %v, want %v", got, want)
	}
	if res.SizeAfter != 100 {
		t.Errorf("SizeAfter = %d, want 100 (rev A's blob)", res.SizeAfter)
	}
	old := repos["old"]
	if !exists(old.snapshotDir(commitA)) || !exists(old.blobPath(sha256Hex([]byte(strings.Repeat("x", 100))))) {
		t.Errorf("the kept revision lost files")
	}
	if exists(old.snapshotDir(commitB)) || exists(repos["mid"].dir) || exists(repos["new"].dir) {
		t.Errorf("unprotected revisions were not evicted")
	}
}

package cache

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// addExtracted gives buildCache's old.bin blob (1000 bytes, only in the
// detached commit A) an extracted folder of 2000 bytes and makes commit A
// the least recently used. It returns the folder.
func addExtracted(t *testing.T, dir string) string {
	t.Helper()
	repo := filepath.Join(dir, "models--org--a")
	ext := filepath.Join(repo, "extracted", strings.Repeat("2", 64))
	if err := os.MkdirAll(filepath.Join(ext, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"a.txt": 1500, "sub/b.txt": 500} {
		if err := os.WriteFile(filepath.Join(ext, name), []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(repo, "snapshots", commitA), old, old); err != nil {
		t.Fatal(err)
	}
	return ext
}

func TestLsStatsShowExtracted(t *testing.T) {
	dir := buildCache(t)
	addExtracted(t, dir)

	out, _, err := run(t, dir, "ls")
	if err != nil {
		t.Fatal(err)
	}
	if want := "model/org/a\t1506\t2000\t3\t"; !strings.HasPrefix(out, want) {
		t.Errorf("ls = %q, want prefix %q", out, want)
	}
	out, _, err = run(t, dir, "ls", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var ls struct {
		Size      *int64 `json:"size_on_disk"`
		Extracted *int64 `json:"extracted_size"`
		Repos     []struct {
			Size      int64  `json:"size_on_disk"`
			Extracted *int64 `json:"extracted_size"`
		} `json:"repos"`
	}
	if err := json.Unmarshal([]byte(out), &ls); err != nil {
		t.Fatal(err, out)
	}
	if ls.Size == nil || *ls.Size != 1506 || ls.Extracted == nil || *ls.Extracted != 2000 ||
		len(ls.Repos) != 1 || ls.Repos[0].Size != 1506 || ls.Repos[0].Extracted == nil || *ls.Repos[0].Extracted != 2000 {
		t.Errorf("ls json = %s", out)
	}

	out, _, err = run(t, dir, "stats", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err, out)
	}
	model, _ := st["by_type"].(map[string]any)["model"].(map[string]any)
	if st["size_on_disk"] != 1506.0 || st["extracted_size"] != 2000.0 || st["total_size"] != 3506.0 || model["extracted_size"] != 2000.0 {
		t.Errorf("stats json = %s", out)
	}
	out, _, err = run(t, dir, "stats")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"extracted_size\t2000\n", "total_size\t3506\n", "1506 + 2000 extracted"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats = %q, want %q in it", out, want)
		}
	}
}

// 1506 bytes of blobs fit a 1600-byte budget, but not with the 2000 bytes
// extracted: evict removes commit A, its blob and its extracted folder.
func TestEvictBudgetCountsExtracted(t *testing.T) {
	dir := buildCache(t)
	ext := addExtracted(t, dir)

	out, _, err := run(t, dir, "evict", "--max-size", "1600", "--format", "json", "--yes")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Before  int64 `json:"size_before"`
		After   int64 `json:"size_after"`
		Evicted []struct {
			Commit string `json:"commit_hash"`
			Freed  int64  `json:"freed"`
		} `json:"evicted"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err, out)
	}
	if res.Before != 3506 || res.After != 506 || len(res.Evicted) != 1 || res.Evicted[0].Commit != commitA || res.Evicted[0].Freed != 3000 {
		t.Errorf("evict json = %s", out)
	}
	if _, err := os.Stat(ext); !os.IsNotExist(err) {
		t.Errorf("extracted folder of the evicted blob left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "models--org--a", "snapshots", commitB)); err != nil {
		t.Errorf("commit B evicted too: %v", err)
	}
}

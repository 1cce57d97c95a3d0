package cache

import (
	"fmt"
	"os"
	"testing"
)

// BenchmarkScan scans a cache of 20 repos x 500 files (set
// HFHUB_BENCH_CACHE to scan an existing cache instead, e.g. the one
// bench/cache.sh builds).
func BenchmarkScan(b *testing.B) {
	dir := os.Getenv("HFHUB_BENCH_CACHE")
	if dir == "" {
		dir = b.TempDir()
		for r := range 20 {
			repo := addRepo(b, dir, fmt.Sprintf("models--org--m%d", r))
			for i := range 500 {
				etag := repo.blob(fmt.Appendf(nil, "repo %d file %d", r, i), false, t0, t0)
				repo.link(commitA, fmt.Sprintf("d%d/f%d.json", i%4, i), etag)
			}
			repo.ref("main", commitA)
		}
	}
	c := mustOpen(b, dir, nil)
	var files int
	for b.Loop() {
		rep, err := c.Scan(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		files = 0
		for _, r := range rep.Repos {
			for _, rev := range r.Revisions {
				files += rev.NumFiles
			}
		}
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkTouch measures the cost [Cache.Touch] adds to every cache hit.
func BenchmarkTouch(b *testing.B) {
	dir := b.TempDir()
	r := addRepo(b, dir, "models--org--m")
	r.mkdir("snapshots/" + commitA)
	c := mustOpen(b, dir, nil)
	for b.Loop() {
		if err := c.Touch("model", "org/m", commitA); err != nil {
			b.Fatal(err)
		}
	}
}

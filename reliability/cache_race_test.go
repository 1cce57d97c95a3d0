package reliability

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hubtest"
)

// TestCacheMaintenanceRacingADownload runs delete, prune and evict on a
// cache while a download into it is in flight (held at half way): the
// maintenance never removes the file being written, the download then
// finishes and publishes a verified file, and the cache is consistent
// afterwards. Each operation gets its own round.
func TestCacheMaintenanceRacingADownload(t *testing.T) {
	big := randomBytes(12<<20, 31)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: matrixRepo, Files: map[string][]byte{
		"model.bin": big, "config.json": configFile,
	}}))
	content := sha256Hex(big)
	for _, op := range []struct {
		name string
		run  func(t *testing.T, ca *cache.Cache, rep *cache.Report) error
	}{
		{"delete the repo", func(t *testing.T, ca *cache.Cache, rep *cache.Report) error {
			plan, err := rep.PlanDelete(matrixRepo)
			if err != nil {
				return err
			}
			res, err := ca.Execute(t.Context(), plan)
			if err == nil && len(res.Kept) != 1 {
				t.Errorf("delete of a repo being downloaded into: kept %v, want the repo kept whole", res.Kept)
			}
			return err
		}},
		{"prune everything", func(t *testing.T, ca *cache.Cache, rep *cache.Report) error {
			plan, err := ca.PlanPrune(t.Context(), rep, nil)
			if err != nil {
				return err
			}
			_, err = ca.Execute(t.Context(), plan)
			return err
		}},
		{"evict to zero", func(t *testing.T, ca *cache.Cache, rep *cache.Report) error {
			_, err := ca.Evict(t.Context(), 0, nil)
			return err
		}},
	} {
		t.Run(op.name, func(t *testing.T) {
			hub.ClearFaults()
			c, cacheDir := newClient(t, hub.URL, func(cc *clientConfig) { cc.cfg.DownloadTimeout = 10 * time.Second })
			if _, err := c.Download(t.Context(), matrixRepo, "config.json", nil); err != nil {
				t.Fatal(err)
			}
			hub.Fail(hubtest.Fault{Match: content, DropAfter: 6 << 20, Stall: 1500 * time.Millisecond})
			type result struct {
				path string
				err  error
			}
			done := make(chan result, 1)
			before := hub.BodyBytes()
			go func() {
				p, err := c.Download(t.Context(), matrixRepo, "model.bin", nil)
				done <- result{p, err}
			}()
			for hub.BodyBytes()-before < 6<<20 {
				time.Sleep(10 * time.Millisecond)
			}
			ca, err := cache.Open(cacheDir, nil)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := ca.Scan(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := op.run(t, ca, rep); err != nil {
				t.Fatalf("%s during the download: %v", op.name, err)
			}
			res := <-done
			if res.err != nil {
				t.Fatalf("download racing %s: %v", op.name, res.err)
			}
			if got, err := os.ReadFile(res.path); err != nil || !bytes.Equal(got, big) {
				t.Fatalf("downloaded file after %s: %v (%d bytes)", op.name, err, len(got))
			}
			assertCacheClean(t, cacheDir)
			if op.name == "delete the repo" { // once the download is done, the delete goes through
				rep, _ := ca.Scan(t.Context())
				plan, _ := rep.PlanDelete(matrixRepo)
				if res, err := ca.Execute(t.Context(), plan); err != nil || len(res.Kept) != 0 || res.Removed == 0 {
					t.Errorf("delete after the download: %+v, %v", res, err)
				}
			}
		})
	}
}

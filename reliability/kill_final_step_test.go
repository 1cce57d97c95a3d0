package reliability

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

// TestDownloadKilledInTheFinalStep SIGKILLs a download once every byte has
// arrived, a few milliseconds later each round: in the hash check, the
// fsync, the rename into blobs/ or the snapshot symlink. Whatever the
// moment, the cache holds only verified blobs and consistent links, and a
// rerun completes the file. The rounds' delays come from a seed that the
// test logs (set RELIABILITY_SEED to replay one).
func TestDownloadKilledInTheFinalStep(t *testing.T) {
	data := randomBytes(3<<20, 500)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/final", Files: map[string][]byte{"model.safetensors": data}}))
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RELIABILITY_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (RELIABILITY_SEED=%d replays it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	for round := range 5 {
		home := t.TempDir()
		cacheDir := filepath.Join(home, "hub")
		cmd := childCmd(t, "download", "CHILD_URL="+hub.URL, "CHILD_HOME="+home, "CHILD_CACHE="+cacheDir,
			"CHILD_REPO=acme/final", "CHILD_FILE=model.safetensors")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(6 * time.Millisecond)))
		var got int64
		sc := bufio.NewScanner(out)
		for got < int64(len(data)) && sc.Scan() {
			n, _ := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "ADVANCED "), 10, 64)
			got += n
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL) // may have finished already
		err = cmd.Wait()
		finished := err == nil
		t.Logf("round %d: SIGKILL %v after the last byte (child had finished: %v)", round, delay, finished)
		assertCacheClean(t, cacheDir)

		c, _ := newClient(t, hub.URL, func(cc *clientConfig) { cc.cfg.HFHome, cc.cfg.CacheDir = home, cacheDir })
		p, err := c.Download(t.Context(), "acme/final", "model.safetensors", nil)
		if err != nil {
			t.Fatalf("round %d: rerun after the kill: %v", round, err)
		}
		if b, _ := os.ReadFile(p); !bytes.Equal(b, data) {
			t.Fatalf("round %d: rerun gives different content", round)
		}
		assertCacheClean(t, cacheDir)
	}
}

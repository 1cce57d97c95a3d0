package reliability

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hubtest"
)

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	for i := n - n%8; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func gitSHA1Hex(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Seeded content of the matrix repo "acme/model".
var (
	lfsFile    = randomBytes(3<<20+12345, 1) // model.bin: LFS (by *.bin), 3 MiB
	configFile = []byte(`{"model_type":"bert","hidden_size":64}` + "\n")
)

const matrixRepo = "acme/model"

// matrixHub starts a hub with acme/model (model.bin, config.json).
func matrixHub(t testing.TB, opts ...hubtest.Option) *hubtest.Server {
	t.Helper()
	base := []hubtest.Option{hubtest.WithRepo(hubtest.Repo{ID: matrixRepo, Files: map[string][]byte{
		"model.bin":   lfsFile,
		"config.json": configFile,
	}})}
	return hubtest.NewServer(t, append(base, opts...)...)
}

// clientConfig is what newClient builds a client from; tests adjust it.
type clientConfig struct {
	cfg     hfhub.Config
	retries int
	extra   []hfhub.Option
}

// newClient returns a client for endpoint with its cache in a temporary
// folder, fast retries (3, 1-5 ms back-off) and a 2 s stall timeout.
// The environment is not read.
func newClient(t testing.TB, endpoint string, adjust ...func(*clientConfig)) (*hfhub.Client, string) {
	t.Helper()
	home := t.TempDir()
	cc := clientConfig{
		cfg: hfhub.Config{
			Endpoint:        endpoint,
			HFHome:          home,
			CacheDir:        filepath.Join(home, "hub"),
			TokenPath:       filepath.Join(home, "token"),
			EtagTimeout:     5 * time.Second,
			DownloadTimeout: 2 * time.Second,
		},
		retries: 3,
	}
	for _, a := range adjust {
		a(&cc)
	}
	opts := append([]hfhub.Option{
		hfhub.WithConfig(cc.cfg),
		hfhub.WithRetries(cc.retries, time.Millisecond, 5*time.Millisecond),
	}, cc.extra...)
	c, err := hfhub.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c, cc.cfg.CacheDir
}

// withToken makes the client send tok.
func withToken(tok string) func(*clientConfig) {
	return func(cc *clientConfig) { cc.extra = append(cc.extra, hfhub.WithToken(tok)) }
}

// assertCacheClean checks the promise "the cache holds only verified
// blobs" (see cacheProblems).
func assertCacheClean(t testing.TB, cacheDir string) {
	t.Helper()
	for _, p := range cacheProblems(cacheDir) {
		t.Error(p)
	}
}

// cacheProblems lists what breaks the promise "the cache holds only
// verified blobs": a problem found by cache.Verify in any cached repo, a
// file in blobs/ that does not hash to its name, or any other file there
// but a resumable temporary (*.incomplete, with its journal).
func cacheProblems(cacheDir string) []string {
	var out []string
	ents, err := os.ReadDir(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []string{err.Error()}
	}
	ca, err := cache.Open(cacheDir, nil)
	if err != nil {
		return []string{err.Error()}
	}
	for _, e := range ents {
		typ, id, err := cache.ParseRepoFolderName(e.Name())
		if err != nil {
			continue // CACHEDIR.TAG, .locks
		}
		res, err := ca.Verify(context.Background(), typ, id, nil)
		if err != nil && !errors.Is(err, cache.ErrNotCached) {
			out = append(out, fmt.Sprintf("cache.Verify(%s %s): %v", typ, id, err))
			continue
		}
		if res != nil && !res.OK() {
			out = append(out, fmt.Sprintf("cache.Verify(%s %s) found problems: %+v", typ, id, res.Problems))
		}
		blobs, _ := os.ReadDir(filepath.Join(cacheDir, e.Name(), "blobs"))
		for _, b := range blobs {
			name := b.Name()
			if strings.HasSuffix(name, ".incomplete") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(cacheDir, e.Name(), "blobs", name))
			if err != nil {
				out = append(out, fmt.Sprintf("blob %s: %v", name, err))
				continue
			}
			switch {
			case len(name) == 64 && name == sha256Hex(data):
			case len(name) == 40 && name == gitSHA1Hex(data):
			default:
				out = append(out, fmt.Sprintf("blob %s (%d bytes) does not hash to its name", name, len(data)))
			}
		}
	}
	return out
}

// blobCount returns the number of published (non-temporary) blobs of repo.
func blobCount(t testing.TB, cacheDir, repoID string) int {
	t.Helper()
	blobs, _ := os.ReadDir(filepath.Join(cacheDir, cache.RepoFolderName("model", repoID), "blobs"))
	n := 0
	for _, b := range blobs {
		if !strings.HasSuffix(b.Name(), ".incomplete") {
			n++
		}
	}
	return n
}

// requestsMatching counts logged requests with method (any if "") whose
// path contains sub.
func requestsMatching(hub *hubtest.Server, method, sub string) int {
	n := 0
	for _, r := range hub.Requests() {
		if (method == "" || r.Method == method) && strings.Contains(r.Path, sub) {
			n++
		}
	}
	return n
}

// itoa is strconv.Itoa for brevity in table names.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// errorsIs is errors.Is (short name for table checks).
func errorsIs(err, target error) bool { return errors.Is(err, target) }

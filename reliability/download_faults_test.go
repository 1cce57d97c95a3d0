package reliability

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// dlCase is one row of the download fault matrix against hubtest.
type dlCase struct {
	name   string
	file   string                // "model.bin" (LFS) or "config.json" (regular)
	faults func(*hubtest.Server) // queued before the download
	adjust func(*clientConfig)   // client tweaks (retries, timeouts)
	want   []error               // nil: success; else every error must match
}

// lfsContent is the fault match for the LFS file's content requests (the
// content listener's path carries the sha256).
var lfsContent = sha256Hex(lfsFile)

func contentFault(f hubtest.Fault) func(*hubtest.Server) {
	return func(h *hubtest.Server) { f.Match = lfsContent; h.Fail(f) }
}

func resolveFault(f hubtest.Fault) func(*hubtest.Server) {
	return func(h *hubtest.Server) { f.Match = "/resolve/"; h.Fail(f) }
}

func retries(n int) func(*clientConfig) {
	return func(cc *clientConfig) { cc.retries = n }
}

// TestDownloadFaultMatrix runs one download per fault and checks the
// outcome, the bytes, and that the cache holds only verified blobs.
func TestDownloadFaultMatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	randomOffset := func() int64 { return 1 + rng.Int64N(int64(len(lfsFile)-1)) }
	cases := []dlCase{
		{name: "clean", file: "model.bin"},
		{name: "drop at random offset", file: "model.bin", faults: contentFault(hubtest.Fault{DropAfter: randomOffset()})},
		{name: "drop at three random offsets", file: "model.bin", faults: func(h *hubtest.Server) {
			for range 3 {
				h.Fail(hubtest.Fault{Match: lfsContent, DropAfter: randomOffset()})
			}
		}},
		{name: "drop after 1 byte", file: "model.bin", faults: contentFault(hubtest.Fault{DropAfter: 1})},
		{name: "drop regular file mid-body", file: "config.json", faults: func(h *hubtest.Server) {
			h.Fail(hubtest.Fault{Match: "/resolve/main/config.json", DropAfter: 10, Times: 2})
		}},
		{name: "stall then resume", file: "model.bin",
			faults: contentFault(hubtest.Fault{DropAfter: 1 << 20, Stall: time.Minute}),
			adjust: func(cc *clientConfig) { cc.cfg.DownloadTimeout = 300 * time.Millisecond }},
		{name: "500 burst", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 500, Times: 2})},
		{name: "502 burst", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 502, Times: 2})},
		{name: "503 burst", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 503, Times: 3})},
		{name: "503 burst on HEAD", file: "model.bin", faults: resolveFault(hubtest.Fault{Status: 503, Times: 2})},
		{name: "503 forever", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 503, Times: -1}),
			want: []error{hfhub.ErrServer}},
		{name: "500 forever on HEAD", file: "model.bin", faults: resolveFault(hubtest.Fault{Status: 500, Times: -1}),
			want: []error{hfhub.ErrLocalEntryNotFound, hfhub.ErrServer}},
		{name: "429 with Retry-After", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 429, RetryAfter: time.Second})},
		{name: "429 with Retry-After on HEAD", file: "config.json", faults: resolveFault(hubtest.Fault{Status: 429, RetryAfter: time.Second})},
		{name: "429 forever", file: "model.bin", faults: contentFault(hubtest.Fault{Status: 429, RetryAfter: time.Second, Times: -1}),
			adjust: retries(1), want: []error{hfhub.ErrRateLimited}},
		{name: "byte flipped once", file: "model.bin", faults: contentFault(hubtest.Fault{Corrupt: true, CorruptAt: randomOffset()})},
		{name: "byte flipped always", file: "model.bin", faults: contentFault(hubtest.Fault{Corrupt: true, CorruptAt: randomOffset(), Times: -1}),
			want: []error{hfhub.ErrChecksumMismatch}},
		{name: "regular file byte flipped always", file: "config.json", faults: func(h *hubtest.Server) {
			h.Fail(hubtest.Fault{Match: "/resolve/main/config.json", Corrupt: true, CorruptAt: 3, Times: -1})
		}, want: []error{hfhub.ErrChecksumMismatch}},
		{name: "Range ignored after a drop", file: "model.bin", faults: func(h *hubtest.Server) {
			h.SetIgnoreRange(true)
			h.Fail(hubtest.Fault{Match: lfsContent, DropAfter: randomOffset()})
		}},
		{name: "latency", file: "model.bin", faults: resolveFault(hubtest.Fault{Latency: 200 * time.Millisecond})},
	}
	hub := matrixHub(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub.ClearFaults()
			hub.SetIgnoreRange(false)
			if tc.faults != nil {
				tc.faults(hub)
			}
			var adj []func(*clientConfig)
			if tc.adjust != nil {
				adj = append(adj, tc.adjust)
			}
			c, cacheDir := newClient(t, hub.URL, adj...)
			p, err := c.Download(t.Context(), matrixRepo, tc.file, nil)
			checkOutcome(t, err, tc.want)
			if err == nil {
				want := lfsFile
				if tc.file == "config.json" {
					want = configFile
				}
				if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
					t.Fatalf("downloaded %d bytes differ from the %d served", len(got), len(want))
				}
			} else if n := blobCount(t, cacheDir, matrixRepo); n != 0 {
				t.Errorf("%d blob(s) published despite the error", n)
			}
			assertCacheClean(t, cacheDir)
		})
	}
}

// checkOutcome fails unless err is nil (want empty) or matches every want.
func checkOutcome(t *testing.T, err error, want []error) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want an error matching %v, got success", want)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Fatalf("error %q does not match %v", err, w)
		}
	}
	t.Logf("error (as wanted): %v", err)
}

// bigFile is large enough for parallel Range requests (the engine's
// default threshold is 64 MiB).
var bigFile = randomBytes(65<<20+777, 2)

// TestParallelDownloadFaultMatrix repeats the main faults on a file
// fetched with 4 parallel Range requests.
func TestParallelDownloadFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("65 MiB transfers")
	}
	big := sha256Hex(bigFile)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/big", Files: map[string][]byte{"big.safetensors": bigFile}}))
	cases := []struct {
		name   string
		faults []hubtest.Fault
		ignore bool
		want   []error
	}{
		{name: "drops in several ranges", faults: []hubtest.Fault{{DropAfter: 3 << 20, Times: 3}}},
		{name: "503 burst", faults: []hubtest.Fault{{Status: 503, Times: 4}}},
		{name: "Range ignored", ignore: true},
		{name: "byte flipped once", faults: []hubtest.Fault{{Corrupt: true, CorruptAt: 5 << 20}}},
		{name: "byte flipped always", faults: []hubtest.Fault{{Corrupt: true, CorruptAt: 100, Times: -1}}, want: []error{hfhub.ErrChecksumMismatch}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub.ClearFaults()
			hub.SetIgnoreRange(tc.ignore)
			for _, f := range tc.faults {
				f.Match = big
				hub.Fail(f)
			}
			c, cacheDir := newClient(t, hub.URL)
			p, err := c.Download(t.Context(), "acme/big", "big.safetensors", &hfhub.DownloadOptions{Connections: 4})
			checkOutcome(t, err, tc.want)
			ranged := 0
			for _, r := range hub.Requests() {
				if strings.Contains(r.Path, big) && r.Header.Get("Range") != "" {
					ranged++
				}
			}
			if ranged < 4 && !tc.ignore {
				t.Errorf("%d ranged requests: the file was not fetched in parallel ranges", ranged)
			}
			hub.ResetRequests()
			if err == nil {
				if got, _ := os.ReadFile(p); !bytes.Equal(got, bigFile) {
					t.Fatal("content differs")
				}
			} else if n := blobCount(t, cacheDir, "acme/big"); n != 0 {
				t.Errorf("%d blob(s) published despite the error", n)
			}
			assertCacheClean(t, cacheDir)
		})
	}
}

// TestDownloadHostileTransport covers the faults hubtest cannot make: a
// server that always cuts the connection, stalls forever, serves a
// truncated file, changes the file between HEAD and GET, loops redirects,
// trickles its headers, or does not listen at all.
func TestDownloadHostileTransport(t *testing.T) {
	v1 := randomBytes(200<<10, 3)
	v2 := append(append([]byte(nil), v1[:100]...), 'X')
	v2 = append(v2, v1[101:]...)
	fast := func(cc *clientConfig) {
		cc.cfg.DownloadTimeout = 200 * time.Millisecond
		cc.cfg.EtagTimeout = 300 * time.Millisecond
		cc.retries = 2
	}

	t.Run("connection cut before any byte, always", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			fileHeaders(w, sha256Hex(v1), len(v1))
			if r.Method == http.MethodHead {
				return
			}
			panic(http.ErrAbortHandler)
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		if err == nil || !retryableNetErrMessage(err) || !errors.Is(err, io.EOF) {
			t.Fatalf("want a network error (io.EOF) naming the problem, got %v", err)
		}
		t.Logf("error: %v", err)
		if blobCount(t, cacheDir, matrixRepo) != 0 {
			t.Error("blob published")
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("stalls forever after the headers", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			fileHeaders(w, sha256Hex(v1), len(v1))
			if r.Method == http.MethodHead {
				return
			}
			w.WriteHeader(http.StatusOK)
			w.Write(v1[:1000])
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		var ne net.Error
		if err == nil || !strings.Contains(err.Error(), "stalled") || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("want a stall error that is a net.Error timeout, got %v", err)
		}
		t.Logf("error: %v", err)
		if blobCount(t, cacheDir, matrixRepo) != 0 {
			t.Error("blob published")
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("truncated file served consistently", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			fileHeaders(w, sha256Hex(v1), len(v1))
			if r.Method == http.MethodHead {
				return
			}
			serveBytes(w, r, v1[:len(v1)/2])
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		checkOutcome(t, err, []error{hfhub.ErrChecksumMismatch})
		assertCacheClean(t, cacheDir)
		if blobCount(t, cacheDir, matrixRepo) != 0 {
			t.Error("blob published")
		}
	})

	for _, kind := range []string{"sha256", "git-sha1"} {
		t.Run("etag changes between HEAD and GET ("+kind+")", func(t *testing.T) {
			etag := sha256Hex(v1)
			if kind == "git-sha1" {
				etag = gitSHA1Hex(v1)
			}
			rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodHead {
					fileHeaders(w, etag, len(v1))
					return
				}
				fileHeaders(w, sha256Hex(v2), len(v2))
				serveBytes(w, r, v2)
			})
			c, cacheDir := newClient(t, rh.URL, fast)
			_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
			checkOutcome(t, err, []error{hfhub.ErrChecksumMismatch})
			assertCacheClean(t, cacheDir)
			if blobCount(t, cacheDir, matrixRepo) != 0 {
				t.Error("blob published")
			}
		})
	}

	t.Run("redirect loop", func(t *testing.T) {
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		if err == nil || !strings.Contains(err.Error(), "redirect") {
			t.Fatalf("want an error naming the redirects, got %v", err)
		}
		t.Logf("error: %v (%d requests)", err, len(rh.requests()))
		if n := len(rh.requests()); n > 11 {
			t.Errorf("%d requests for a redirect loop: it must be cut short", n)
		}
		_, err = c.ModelInfo(t.Context(), matrixRepo, nil)
		if err == nil || !strings.Contains(err.Error(), "redirect") {
			t.Fatalf("ModelInfo: want an error naming the redirects, got %v", err)
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("redirect loop to the content host", func(t *testing.T) {
		var rh *rawHub
		rh = newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/acme/") {
				w.Header().Set("X-Repo-Commit", fakeCommit)
				w.Header().Set("X-Linked-Etag", `"`+sha256Hex(v1)+`"`)
				w.Header().Set("X-Linked-Size", itoa(int64(len(v1))))
				http.Redirect(w, r, rh.URL+"/cdn/a", http.StatusFound)
				return
			}
			next := "/cdn/b"
			if r.URL.Path == "/cdn/b" {
				next = "/cdn/a"
			}
			http.Redirect(w, r, next, http.StatusFound)
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		if err == nil {
			t.Fatal("download through a redirect loop succeeded")
		}
		t.Logf("error: %v (%d requests)", err, len(rh.requests()))
		if n := len(rh.requests()); n > 11 {
			t.Errorf("%d requests for a redirect loop: it must be cut short", n)
		}
		if blobCount(t, cacheDir, matrixRepo) != 0 {
			t.Error("blob published")
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("slow-loris server", func(t *testing.T) {
		u := slowLoris(t, 20*time.Millisecond)
		c, cacheDir := newClient(t, u, fast)
		// The first HEAD gives up after EtagTimeout; the patient retry of
		// spec §3.2 waits up to 60 s per attempt (as Python does), so the
		// caller's deadline ends it here.
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err := c.Download(ctx, matrixRepo, "f.bin", nil)
		checkOutcome(t, err, []error{context.DeadlineExceeded})
		// JSON calls have no header timeout of their own: the caller's
		// context bounds them.
		ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, err = c.ModelInfo(ctx, matrixRepo, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ModelInfo against a slow-loris server: %v, want the context's deadline", err)
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("slow but steady body", func(t *testing.T) {
		small := v1[:4096]
		rh := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
			fileHeaders(w, sha256Hex(small), len(small))
			if r.Method == http.MethodHead {
				return
			}
			w.WriteHeader(http.StatusOK)
			for i := 0; i < len(small); i += 512 {
				w.Write(small[i : i+512])
				http.NewResponseController(w).Flush()
				time.Sleep(20 * time.Millisecond)
			}
		})
		c, cacheDir := newClient(t, rh.URL, fast)
		p, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, small) {
			t.Fatal("content differs")
		}
		assertCacheClean(t, cacheDir)
	})

	t.Run("connection refused", func(t *testing.T) {
		c, cacheDir := newClient(t, closedPort(t), fast)
		_, err := c.Download(t.Context(), matrixRepo, "f.bin", nil)
		checkOutcome(t, err, []error{hfhub.ErrLocalEntryNotFound, syscall.ECONNREFUSED})
		_, err = c.ModelInfo(t.Context(), matrixRepo, nil)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("ModelInfo: %v, want ECONNREFUSED", err)
		}
		assertCacheClean(t, cacheDir)
	})
}

// TestRefusedAfterCachingServesCache checks that a file cached earlier is
// still returned when the Hub then refuses connections.
func TestRefusedAfterCachingServesCache(t *testing.T) {
	hub := matrixHub(t)
	c, cacheDir := newClient(t, hub.URL)
	p1, err := c.Download(t.Context(), matrixRepo, "model.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := newClient(t, closedPort(t), func(cc *clientConfig) { cc.cfg.CacheDir = cacheDir })
	p2, err := c2.Download(t.Context(), matrixRepo, "model.bin", nil)
	if err != nil || p2 != p1 {
		t.Fatalf("with the Hub down: %q, %v; want the cached %q", p2, err, p1)
	}
	assertCacheClean(t, cacheDir)
}

// retryableNetErrMessage reports whether err reads like a network failure.
func retryableNetErrMessage(err error) bool {
	s := err.Error()
	for _, w := range []string{"EOF", "reset", "closed", "refused", "broken pipe"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

package transfer

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// testEngine returns an engine tuned for small test files: parallel from
// 1 MiB, 256 KiB parts, fast retries.
func testEngine() *Engine {
	return &Engine{
		Client:          &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
		Connections:     4,
		Threshold:       1 << 20,
		PartSize:        256 << 10,
		BufferSize:      64 << 10,
		Backoff:         func(int) time.Duration { return time.Millisecond },
		CheckpointBytes: 128 << 10,
		JournalMin:      512 << 10,
		StallTimeout:    30 * time.Second,
	}
}

func newJob(t *testing.T, srv *testServer, path string) Job {
	dir := t.TempDir()
	return Job{
		URL:  srv.URL + path,
		Size: int64(len(srv.data)),
		Hash: SHA256,
		Want: sha256Hex(srv.data),
		Dest: filepath.Join(dir, "blob"),
		Temp: filepath.Join(dir, "blob.x.incomplete"),
	}
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading result: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: content differs from the server's (%d bytes, want %d)", path, len(got), len(want))
	}
}

// assertOnly checks that dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("files in %s = %v, want %v", dir, got, names)
	}
}

func TestDownloadSmallFileOneStream(t *testing.T) {
	data := randomData(100<<10, 1)
	srv := newTestServer(t, data)
	for _, kind := range []HashKind{SHA256, GitSHA1, NoHash} {
		t.Run(kind.String(), func(t *testing.T) {
			j := newJob(t, srv, "/data")
			j.Hash = kind
			switch kind {
			case GitSHA1:
				j.Want = gitSHA1Hex(data)
			case NoHash:
				j.Want = ""
			}
			res, err := testEngine().Download(t.Context(), j)
			if err != nil {
				t.Fatalf("Download() error = %v", err)
			}
			if res.Parallel || res.Size != int64(len(data)) || res.Attempts != 1 {
				t.Fatalf("Download() = %+v, want one stream of %d bytes", res, len(data))
			}
			assertFile(t, j.Dest, data)
			assertOnly(t, filepath.Dir(j.Dest), "blob")
		})
	}
}

func TestDownloadParallelUsesFinalURL(t *testing.T) {
	data := randomData(3<<20+12345, 2)
	srv := newTestServer(t, data)
	j := newJob(t, srv, "/redirect")
	res, err := testEngine().Download(t.Context(), j)
	if err != nil {
		t.Fatalf("Download() error = %v", err)
	}
	if !res.Parallel {
		t.Fatalf("Download() = %+v, want parallel", res)
	}
	assertFile(t, j.Dest, data)
	assertOnly(t, filepath.Dir(j.Dest), "blob")
	if n := srv.redirects.Load(); n != 1 {
		t.Errorf("redirect URL requested %d times, want 1 (ranges go to the final URL)", n)
	}
	reqs := srv.requests()
	if len(reqs) != 13 { // 3 MiB+ in 256 KiB parts
		t.Errorf("%d data requests, want 13", len(reqs))
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.Range, "bytes=") {
			t.Errorf("request without Range in parallel mode: %+v", r)
		}
	}
}

func TestDownloadUnderFaults(t *testing.T) {
	data := randomData(2<<20+777, 3)
	tests := []struct {
		name    string
		faults  []fault
		ignore  bool
		wantErr error
	}{
		{"clean", nil, false, nil},
		{"connection dropped mid-range", []fault{{dropAfter: 100 << 10}}, false, nil},
		{"every range dropped once", []fault{{dropAfter: 1000, times: 9}}, false, nil},
		{"two 503s then success", []fault{{status: 503, times: 2}}, false, nil},
		{"one corrupt byte, then clean", []fault{{corrupt: true, corruptAt: 1 << 20, times: 1}}, false, nil},
		{"corrupt byte on every try", []fault{{corrupt: true, corruptAt: 1 << 20, times: -1}}, false, ErrChecksum},
		{"server ignores Range", nil, true, nil},
		{"server ignores Range and drops", []fault{{dropAfter: 1 << 20}}, true, nil},
		{"404 is permanent", []fault{{status: 404, times: -1}}, false, nil},
		{"stalled connection is retried", []fault{{dropAfter: 10 << 10, stall: true}}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, data)
			for _, f := range tt.faults {
				srv.addFault(f)
			}
			srv.setIgnoreRange(tt.ignore)
			e := testEngine()
			if strings.Contains(tt.name, "stalled") {
				e.StallTimeout = 200 * time.Millisecond
			}
			j := newJob(t, srv, "/data")
			_, err := e.Download(t.Context(), j)
			if tt.name == "404 is permanent" {
				var he *HTTPError
				if !errors.As(err, &he) || he.Status != 404 {
					t.Fatalf("Download() error = %v, want HTTP 404", err)
				}
				if _, err := os.Stat(j.Dest); !os.IsNotExist(err) {
					t.Fatalf("destination exists after a failed download")
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Download() error = %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				assertFile(t, j.Dest, data)
				assertOnly(t, filepath.Dir(j.Dest), "blob")
			} else {
				assertOnly(t, filepath.Dir(j.Dest)) // bad bytes never stored, temp removed
			}
		})
	}
}

func TestDownloadSizeMismatchIsNotStored(t *testing.T) {
	data := randomData(300<<10, 4)
	srv := newTestServer(t, data)
	for _, size := range []int64{int64(len(data)) - 1, int64(len(data)) + 1, 5 << 20} {
		j := newJob(t, srv, "/data")
		j.Size = size
		_, err := testEngine().Download(t.Context(), j)
		if !errors.Is(err, ErrSize) {
			t.Fatalf("size %d: Download() error = %v, want ErrSize", size, err)
		}
		assertOnly(t, filepath.Dir(j.Dest))
	}
}

func TestDownloadUnknownSizeAndEmpty(t *testing.T) {
	data := randomData(70<<10, 5)
	srv := newTestServer(t, data)
	j := newJob(t, srv, "/data")
	j.Size = -1
	res, err := testEngine().Download(t.Context(), j)
	if err != nil || res.Size != int64(len(data)) {
		t.Fatalf("Download() = %+v, %v", res, err)
	}
	assertFile(t, j.Dest, data)

	empty := newJob(t, srv, "/data")
	empty.Size, empty.Want = 0, sha256Hex(nil)
	before := len(srv.requests())
	if _, err := testEngine().Download(t.Context(), empty); err != nil {
		t.Fatal(err)
	}
	assertFile(t, empty.Dest, nil)
	if len(srv.requests()) != before {
		t.Errorf("an empty file needs no request")
	}
}

// cancelAfter cancels a context once n bytes have been written.
type cancelAfter struct {
	n      int64
	got    atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) Started(total, resumed int64) {}
func (c *cancelAfter) Advanced(n int64) {
	if c.got.Add(n) >= c.n {
		c.cancel()
	}
}

func TestCancelLeavesResumableState(t *testing.T) {
	data := randomData(4<<20, 6)
	srv := newTestServer(t, data)
	j := newJob(t, srv, "/data")
	e := testEngine()
	e.Limiter = rate.NewLimiter(rate.Limit(64<<20), 64<<10) // keep the race with cancel fair
	ctx, cancel := context.WithCancel(t.Context())
	j.Observer = &cancelAfter{n: 2 << 20, cancel: cancel}
	_, err := e.Download(ctx, j)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Download() error = %v, want context.Canceled", err)
	}
	dir := filepath.Dir(j.Dest)
	assertOnly(t, dir, "blob.x.incomplete", "blob.x.journal.incomplete")
	jr, ok := readJournal(JournalPath(j.Temp), j)
	if !ok {
		t.Fatal("journal unreadable after cancel")
	}
	var durable int64
	for _, d := range jr.Done {
		durable += d
	}
	if durable < 2<<20 {
		t.Fatalf("journal records %d durable bytes, want >= %d", durable, 2<<20)
	}

	sentBefore := srv.sent.Load()
	j.Observer = nil
	res, err := testEngine().Download(t.Context(), j)
	if err != nil {
		t.Fatalf("resumed Download() error = %v", err)
	}
	if res.Resumed != durable {
		t.Errorf("Resumed = %d, want %d", res.Resumed, durable)
	}
	if again := srv.sent.Load() - sentBefore; again > int64(len(data))-durable {
		t.Errorf("resume fetched %d bytes, want at most %d", again, int64(len(data))-durable)
	}
	assertFile(t, j.Dest, data)
	assertOnly(t, dir, "blob")
}

func TestResumeIgnoresForeignState(t *testing.T) {
	data := randomData(2<<20, 7)
	srv := newTestServer(t, data)
	tests := []struct {
		name  string
		setup func(j Job)
	}{
		{"journal for another digest", func(j Job) {
			writeJournal(JournalPath(j.Temp), journal{Version: 1, Size: j.Size, PartSize: 1 << 20, Hash: "sha256", Want: strings.Repeat("0", 64), Done: []int64{1 << 20, 1 << 20}})
			os.WriteFile(j.Temp, make([]byte, j.Size), 0o644)
		}},
		{"journal without temp file", func(j Job) {
			writeJournal(JournalPath(j.Temp), journal{Version: 1, Size: j.Size, PartSize: 1 << 20, Hash: "sha256", Want: j.Want, Done: []int64{1 << 20, 1 << 20}})
		}},
		{"garbage journal", func(j Job) {
			os.WriteFile(JournalPath(j.Temp), []byte("{not json"), 0o644)
			os.WriteFile(j.Temp, make([]byte, j.Size), 0o644)
		}},
		{"temp of wrong size", func(j Job) {
			writeJournal(JournalPath(j.Temp), journal{Version: 1, Size: j.Size, PartSize: 1 << 20, Hash: "sha256", Want: j.Want, Done: []int64{1 << 20, 0}})
			os.WriteFile(j.Temp, make([]byte, 10), 0o644)
		}},
		{"zeros claimed as done are caught by the digest", func(j Job) {
			writeJournal(JournalPath(j.Temp), journal{Version: 1, Size: j.Size, PartSize: 1 << 20, Hash: "sha256", Want: j.Want, Done: []int64{1 << 20, 0}})
			os.WriteFile(j.Temp, make([]byte, j.Size), 0o644)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newJob(t, srv, "/data")
			tt.setup(j)
			res, err := testEngine().Download(t.Context(), j)
			if err != nil {
				t.Fatalf("Download() error = %v", err)
			}
			assertFile(t, j.Dest, data)
			assertOnly(t, filepath.Dir(j.Dest), "blob")
			if strings.HasPrefix(tt.name, "zeros") && res.Attempts != 2 {
				t.Errorf("Attempts = %d, want 2 (bad resumed data discarded)", res.Attempts)
			}
		})
	}
}

func TestBandwidthLimitStillCompletes(t *testing.T) {
	data := randomData(1<<20, 8)
	srv := newTestServer(t, data)
	e := testEngine()
	e.Limiter = rate.NewLimiter(rate.Limit(256<<20), 32<<10)
	j := newJob(t, srv, "/data")
	if _, err := e.Download(t.Context(), j); err != nil {
		t.Fatal(err)
	}
	assertFile(t, j.Dest, data)
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 0-9/10", 0, 10, true},
		{"bytes 5-9/*", 5, -1, true},
		{"bytes 5-4/10", 0, 0, false},
		{"bytes 0-10/10", 0, 0, false},
		{"bytes */10", 0, 0, false},
		{"items 0-1/2", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		s, tot, err := parseContentRange(tt.in)
		if (err == nil) != tt.ok || tt.ok && (s != tt.start || tot != tt.total) {
			t.Errorf("parseContentRange(%q) = %d, %d, %v", tt.in, s, tot, err)
		}
	}
}

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-9/10", "bytes 5-9/*", "bytes */10", "bytes 1-2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, total, err := parseContentRange(s)
		if err == nil && (start < 0 || total != -1 && total <= start) {
			t.Fatalf("parseContentRange(%q) = %d, %d accepted", s, start, total)
		}
	})
}

func TestHashKindFor(t *testing.T) {
	if HashKindFor(strings.Repeat("a", 64)) != SHA256 || HashKindFor(strings.Repeat("b", 40)) != GitSHA1 ||
		HashKindFor("xyz") != NoHash || HashKindFor(strings.Repeat("A", 64)) != NoHash {
		t.Fatal("HashKindFor misclassifies etags")
	}
}

package hfhub

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/lfs"
)

// largeTree writes n LFS files (.bin) of size bytes and a few regular ones.
func largeTree(t *testing.T, dir string, n, size int) map[string][]byte {
	t.Helper()
	files := map[string][]byte{"README.md": []byte("# large\n"), "conf/a.json": []byte(`{"a":1}`), "conf/b.json": []byte(`{"b":2}`)}
	for i := range n {
		files[fmt.Sprintf("shards/%02d.bin", i)] = randBytes(size, byte(10+i))
	}
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func TestUploadLargeFolder(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	dir := t.TempDir()
	files := largeTree(t, dir, 5, 64<<10)
	res, err := c.UploadLargeFolder(t.Context(), "alice/large", dir, &UploadLargeFolderOptions{
		RepoType: RepoDataset, MaxFilesPerCommit: 3, CommitsPerHour: -1, Workers: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 8 || res.Committed != 8 || len(res.Commits) != 3 {
		t.Fatalf("result = %+v, want 8 files committed in 3 commits", res)
	}
	for p, want := range files {
		if got := fetch(t, c, RepoDataset, "alice/large", "main", p); !bytes.Equal(got, want) {
			t.Errorf("%s differs", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".cache/huggingface/upload/shards/00.bin.metadata")); err != nil {
		t.Errorf("no state file: %v", err)
	}
	// A second run has nothing to do and sends no commit.
	hub.ResetRequests()
	res, err = c.UploadLargeFolder(t.Context(), "alice/large", dir, &UploadLargeFolderOptions{RepoType: RepoDataset, CommitsPerHour: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.AlreadyDone != 8 || res.Committed != 0 || countRequests(hub, "/commit/") != 0 {
		t.Fatalf("second run = %+v with %d commit requests", res, countRequests(hub, "/commit/"))
	}
	// A changed file is uploaded again.
	os.WriteFile(filepath.Join(dir, "conf/a.json"), []byte(`{"a":2}`), 0o644)
	res, err = c.UploadLargeFolder(t.Context(), "alice/large", dir, &UploadLargeFolderOptions{RepoType: RepoDataset, CommitsPerHour: -1})
	if err != nil || res.Committed != 1 {
		t.Fatalf("after a change: %+v, %v", res, err)
	}
}

func TestUploadLargeFolderBacksOffOn429(t *testing.T) {
	hub := newWriteHub(t)
	c, w := newTestClient(t, hub.URL, WithToken(writeToken))
	t.Cleanup(c.hc.CloseIdleConnections)
	dir := t.TempDir()
	largeTree(t, dir, 1, 1000)
	hub.Fail(hubtest.Fault{Match: "/commit/", Status: http.StatusTooManyRequests, RetryAfter: 7e9, Times: 2})
	res, err := c.UploadLargeFolder(t.Context(), "alice/repo", dir, &UploadLargeFolderOptions{CommitsPerHour: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Committed != 4 {
		t.Fatalf("result = %+v", res)
	}
	if got := w.get(); len(got) != 2 || got[0] != 8e9 {
		t.Errorf("waits = %v, want two of 8s (Retry-After 7 + 1)", got)
	}
}

// killObserver blocks forever on the n-th finished LFS upload, after
// telling the parent process on stdout.
type killObserver struct {
	n    int32
	done atomic.Int32
}

func (k *killObserver) OnProgress(ev ProgressEvent) {
	if ev.Kind == FileDone && k.done.Add(1) == k.n {
		fmt.Println("HFHUB-KILL-ME")
		select {}
	}
}

// TestUploadLargeFolderChild is the child process of
// TestUploadLargeFolderKilledAndResumed; it does nothing in a normal run.
func TestUploadLargeFolderChild(t *testing.T) {
	if os.Getenv("HFHUB_LARGE_CHILD_URL") == "" {
		t.Skip("helper process")
	}
	c, err := New(WithEndpoint(os.Getenv("HFHUB_LARGE_CHILD_URL")), WithToken(writeToken), WithHFHome(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UploadLargeFolder(t.Context(), "alice/killed", os.Getenv("HFHUB_LARGE_CHILD_DIR"),
		&UploadLargeFolderOptions{Workers: 1, CommitsPerHour: -1, Progress: &killObserver{n: 3}})
	t.Fatalf("child was not killed: %v", err)
}

// TestUploadLargeFolderKilledAndResumed SIGKILLs an upload half-way (after
// two LFS files are stored, while the third is being recorded), then runs
// it again: the files finished before the kill are not sent again and the
// repo ends up complete.
func TestUploadLargeFolderKilledAndResumed(t *testing.T) {
	hub := newWriteHub(t)
	dir := t.TempDir()
	files := largeTree(t, dir, 6, 256<<10)
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestUploadLargeFolderChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HFHUB_LARGE_CHILD_URL="+hub.URL, "HFHUB_LARGE_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "HFHUB-KILL-ME") {
			cmd.Process.Signal(syscall.SIGKILL)
			killed = true
			break
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended without reaching the kill point: %v", werr)
	}
	// Which files did the child record as uploaded?
	var recorded []string
	for p := range files {
		b, err := os.ReadFile(filepath.Join(dir, ".cache/huggingface/upload", p+".metadata"))
		if err == nil && bytes.Contains(b, []byte(`"is_uploaded":true`)) {
			recorded = append(recorded, p)
		}
	}
	if len(recorded) != 2 {
		t.Fatalf("child recorded %d uploaded files (%v), want 2", len(recorded), recorded)
	}
	puts := countRequests(hub, "/lfs-upload/")
	if puts != 3 {
		t.Fatalf("child sent %d PUTs before the kill, want 3", puts)
	}

	hub.ResetRequests()
	c := newWriteClient(t, hub, WithToken(writeToken))
	res, err := c.UploadLargeFolder(t.Context(), "alice/killed", dir, &UploadLargeFolderOptions{CommitsPerHour: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Committed != len(files) {
		t.Fatalf("resume = %+v", res)
	}
	for _, p := range recorded {
		oid := lfs.InfoFromBytes(files[p]).OID.String()
		if n := countRequests(hub, "/lfs-upload/"+oid); n != 0 {
			t.Errorf("%s was uploaded again after the resume (%d PUTs)", p, n)
		}
	}
	if n := countRequests(hub, "/lfs-upload/"); n != 3 {
		t.Errorf("resume sent %d PUTs, want the 3 files never stored", n)
	}
	var got []string
	for _, p := range repoFiles(t, c, "alice/killed", "") {
		if p != ".gitattributes" {
			got = append(got, p)
			if b := fetch(t, c, RepoModel, "alice/killed", "main", p); !bytes.Equal(b, files[p]) {
				t.Errorf("%s differs", p)
			}
		}
	}
	if len(got) != len(files) {
		t.Errorf("repo has %v", got)
	}
}

package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/lfs"
)

// TestMain runs the test binary as a child process when RELIABILITY_CHILD
// names a job (see child); otherwise it runs the tests.
func TestMain(m *testing.M) {
	if job := os.Getenv("RELIABILITY_CHILD"); job != "" {
		os.Exit(child(job))
	}
	code := m.Run()
	if hfPath != "" {
		os.RemoveAll(filepath.Dir(hfPath))
	}
	os.Exit(code)
}

// child runs one job in a child process, configured by CHILD_* variables,
// and returns the exit code (0 success, 1 failure with the error on
// stderr).
func child(job string) int {
	if lim := os.Getenv("CHILD_FSIZE"); lim != "" {
		n, _ := strconv.ParseUint(lim, 10, 64)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 2
		}
	}
	home := os.Getenv("CHILD_HOME")
	opts := []hfhub.Option{
		hfhub.WithConfig(hfhub.Config{Endpoint: os.Getenv("CHILD_URL"), HFHome: home, CacheDir: os.Getenv("CHILD_CACHE")}),
		hfhub.WithRetries(3, time.Millisecond, 5*time.Millisecond),
	}
	if tok := os.Getenv("CHILD_TOKEN"); tok != "" {
		opts = append(opts, hfhub.WithToken(tok))
	}
	c, err := hfhub.New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	var bw int64
	if s := os.Getenv("CHILD_BANDWIDTH"); s != "" {
		bw, _ = strconv.ParseInt(s, 10, 64)
	}
	switch job {
	case "snapshot":
		_, err = c.Snapshot(ctx, os.Getenv("CHILD_REPO"), &hfhub.SnapshotOptions{
			MaxWorkers:      2,
			DownloadOptions: hfhub.DownloadOptions{BandwidthLimit: bw},
		})
	case "download":
		_, err = c.Download(ctx, os.Getenv("CHILD_REPO"), os.Getenv("CHILD_FILE"), &hfhub.DownloadOptions{
			BandwidthLimit: bw,
			Progress: hfhub.ProgressFunc(func(ev hfhub.ProgressEvent) {
				if ev.Kind == hfhub.FileAdvanced {
					fmt.Printf("ADVANCED %d\n", ev.Bytes)
				}
			}),
		})
	case "upload-large":
		_, err = c.UploadLargeFolder(ctx, os.Getenv("CHILD_REPO"), os.Getenv("CHILD_DIR"), &hfhub.UploadLargeFolderOptions{
			Workers: 2, CommitsPerHour: -1, MaxFilesPerCommit: 3,
		})
	case "snapshot-then-inspect":
		// Download, then report what the cache holds (for caches that
		// vanish with the child, like a tmpfs in its own namespace).
		_, err = c.Snapshot(ctx, os.Getenv("CHILD_REPO"), nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "CHILD-ERROR:", err)
		}
		for _, p := range cacheProblems(os.Getenv("CHILD_CACHE")) {
			fmt.Fprintln(os.Stderr, "CACHE-PROBLEM:", p)
		}
		filepath.WalkDir(os.Getenv("CHILD_CACHE"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".incomplete") {
				fmt.Fprintln(os.Stderr, "LEFTOVER:", p)
			}
			return nil
		})
		if err != nil {
			return 1
		}
		return 0
	default:
		err = fmt.Errorf("unknown child job %q", job)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "CHILD-ERROR:", err)
		return 1
	}
	return 0
}

// childCmd prepares the test binary as a child running job.
func childCmd(t *testing.T, job string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "RELIABILITY_CHILD="+job), env...)
	return cmd
}

// snapFiles are the files of acme/snap: twelve 2 MiB LFS files.
var snapFiles = func() map[string][]byte {
	m := map[string][]byte{}
	for i := range 12 {
		m[fmt.Sprintf("part-%02d.bin", i)] = randomBytes(2<<20, uint64(100+i))
	}
	return m
}()

// publishedOIDs returns the sha256 names of the complete blobs of repo.
func publishedOIDs(t *testing.T, cacheDir, repo string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	ents, _ := os.ReadDir(filepath.Join(cacheDir, "models--"+strings.ReplaceAll(repo, "/", "--"), "blobs"))
	for _, e := range ents {
		if !strings.Contains(e.Name(), ".") {
			out[e.Name()] = true
		}
	}
	return out
}

// runChildRound runs one round of a kill-and-rerun test: it starts cmd and,
// when killAfter > 0, SIGKILLs it after that long (state describes what was
// finished before the round, for the log); a child that was not killed
// must succeed.
func runChildRound(t *testing.T, cmd *exec.Cmd, round int, killAfter time.Duration, state string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	if killAfter > 0 {
		time.Sleep(killAfter)
		killed = cmd.Process.Signal(syscall.SIGKILL) == nil
		t.Logf("round %d: SIGKILL after %v with %s", round, killAfter, state)
	}
	if err := cmd.Wait(); !killed && err != nil {
		t.Fatalf("round %d: child failed: %v\n%s", round, err, stderr.String())
	}
}

// TestSnapshotKilledAtRandomPoints SIGKILLs a throttled snapshot download
// three times at random moments, then lets it finish: no file completed
// before a kill is fetched again, and the cache ends up complete and
// verified.
func TestSnapshotKilledAtRandomPoints(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/snap", Files: snapFiles}))
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	env := []string{"CHILD_URL=" + hub.URL, "CHILD_HOME=" + home, "CHILD_CACHE=" + cacheDir,
		"CHILD_REPO=acme/snap", "CHILD_BANDWIDTH=" + strconv.Itoa(12<<20)}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := range 4 {
		done := publishedOIDs(t, cacheDir, "acme/snap")
		hub.ResetRequests()
		var killAfter time.Duration // the last round runs to the end
		if round < 3 {
			killAfter = time.Duration(100+rng.IntN(1200)) * time.Millisecond
		}
		runChildRound(t, childCmd(t, "snapshot", env...), round, killAfter,
			fmt.Sprintf("%d of %d files done before", len(done), len(snapFiles)))
		for oid := range done {
			if n := requestsMatching(hub, "GET", oid); n > 0 {
				t.Errorf("round %d: blob %s, complete before the run, was fetched again (%d GETs)", round, oid[:12], n)
			}
		}
		assertCacheClean(t, cacheDir)
	}
	c, _ := newClient(t, hub.URL, func(cc *clientConfig) { cc.cfg.CacheDir = cacheDir })
	dir, err := c.Snapshot(t.Context(), "acme/snap", &hfhub.SnapshotOptions{DownloadOptions: hfhub.DownloadOptions{LocalFilesOnly: true}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range snapFiles {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v", name, len(got), err)
		}
	}
}

// TestLargeDownloadKilledAtRandomPoint SIGKILLs the download of a 48 MiB
// file at a random point past its first 16 MiB, then downloads again: the
// rerun resumes from what the killed run made durable instead of starting
// over, and the result is verified.
func TestLargeDownloadKilledAtRandomPoint(t *testing.T) {
	big := randomBytes(48<<20, 400)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/large", Files: map[string][]byte{"model.safetensors": big}}))
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	env := []string{"CHILD_URL=" + hub.URL, "CHILD_HOME=" + home, "CHILD_CACHE=" + cacheDir,
		"CHILD_REPO=acme/large", "CHILD_FILE=model.safetensors", "CHILD_BANDWIDTH=" + strconv.Itoa(64<<20)}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	killAt := int64(20<<20) + rng.Int64N(24<<20)
	cmd := childCmd(t, "download", env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var got int64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, _ := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "ADVANCED "), 10, 64)
		if got += n; got >= killAt {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if got < killAt {
		t.Fatalf("child ended before the kill point (%d of %d bytes): %s", got, killAt, stderr.String())
	}
	t.Logf("SIGKILL after %d MiB of %d", got>>20, len(big)>>20)
	assertCacheClean(t, cacheDir)

	var resumed int64
	c, _ := newClient(t, hub.URL, func(cc *clientConfig) { cc.cfg.CacheDir = cacheDir })
	p, err := c.Download(t.Context(), "acme/large", "model.safetensors", &hfhub.DownloadOptions{
		Progress: hfhub.ProgressFunc(func(ev hfhub.ProgressEvent) {
			if ev.Kind == hfhub.FileStarted {
				resumed = ev.Resumed
			}
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, big) {
		t.Fatal("content differs")
	}
	t.Logf("rerun resumed %d MiB", resumed>>20)
	if resumed < 16<<20 {
		t.Errorf("rerun resumed %d bytes after a kill at %d: finished work was redone", resumed, got)
	}
	assertCacheClean(t, cacheDir)
}

// TestFourProcessesOneSnapshot starts four processes downloading the same
// snapshot into one cache at once: all succeed, every blob is fetched
// exactly once (the blob locks serialise them) and the cache verifies.
func TestFourProcessesOneSnapshot(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/snap", Files: snapFiles}))
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	env := []string{"CHILD_URL=" + hub.URL, "CHILD_HOME=" + home, "CHILD_CACHE=" + cacheDir, "CHILD_REPO=acme/snap"}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	outs := make([]bytes.Buffer, 4)
	for i := range 4 {
		cmd := childCmd(t, "snapshot", env...)
		cmd.Stderr = &outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { errs[i] = cmd.Wait() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	for name, data := range snapFiles {
		if n := requestsMatching(hub, "GET", sha256Hex(data)); n != 1 {
			t.Errorf("%s fetched %d times by 4 processes, want once", name, n)
		}
	}
	assertCacheClean(t, cacheDir)
	if n := blobCount(t, cacheDir, "acme/snap"); n != len(snapFiles)+1 { // + .gitattributes
		t.Errorf("%d blobs, want %d", n, len(snapFiles)+1)
	}
}

// uploadedOIDs returns the sha256 of the files UploadLargeFolder's state
// records as uploaded (or committed).
func uploadedOIDs(t *testing.T, dir string, files map[string][]byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, data := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(hfhub.UploadLargeFolderStateDir), p+".metadata"))
		if err != nil {
			continue
		}
		var st struct {
			Uploaded  bool `json:"is_uploaded"`
			Committed bool `json:"is_committed"`
		}
		if json.Unmarshal(b, &st) == nil && (st.Uploaded || st.Committed) {
			out[p] = lfs.InfoFromBytes(data).OID.String()
		}
	}
	return out
}

// TestUploadLargeFolderKilledAtRandomPoints SIGKILLs UploadLargeFolder
// three times at random moments (LFS uploads are slowed by server
// latency), then lets it finish: no file recorded as uploaded is sent
// again, and the repo ends up with every file intact.
func TestUploadLargeFolderKilledAtRandomPoints(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken(tokOwnerWrite, "acme", hubtest.Write))
	dir := t.TempDir()
	files := map[string][]byte{}
	for i := range 12 {
		p := fmt.Sprintf("shard-%02d.bin", i)
		files[p] = randomBytes(256<<10, uint64(200+i))
		if err := os.WriteFile(filepath.Join(dir, p), files[p], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	env := []string{"CHILD_URL=" + hub.URL, "CHILD_HOME=" + home, "CHILD_CACHE=" + filepath.Join(home, "hub"),
		"CHILD_REPO=acme/large", "CHILD_DIR=" + dir, "CHILD_TOKEN=" + tokOwnerWrite}
	hub.Fail(hubtest.Fault{Match: "/lfs-upload/", Latency: 120 * time.Millisecond, Times: -1})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for round := range 4 {
		done := uploadedOIDs(t, dir, files)
		hub.ResetRequests()
		var killAfter time.Duration // the last round runs to the end
		if round < 3 {
			killAfter = time.Duration(150+rng.IntN(700)) * time.Millisecond
		}
		runChildRound(t, childCmd(t, "upload-large", env...), round, killAfter,
			fmt.Sprintf("%d of %d files recorded before", len(done), len(files)))
		for p, oid := range done {
			if n := requestsMatching(hub, "PUT", "/lfs-upload/"+oid); n > 0 {
				t.Errorf("round %d: %s, recorded as uploaded before the run, was sent again", round, p)
			}
		}
	}
	for p, want := range files {
		got, err := hub.Store().ReadFile("model", "acme/large", "main", p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s on the hub: %d bytes, %v", p, len(got), err)
		}
	}
}

// TestDiskFull downloads into a cache that cannot hold the files: a 4 MiB
// tmpfs (in a private mount namespace) where the machine allows it,
// otherwise a file-size limit (RLIMIT_FSIZE). The download fails with an
// error naming the disk problem, and no partial blob is left.
func TestDiskFull(t *testing.T) {
	files := map[string][]byte{"a.bin": randomBytes(3<<20, 301), "b.bin": randomBytes(3<<20, 302)}
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/full", Files: files}))
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"CHILD_URL=" + hub.URL, "CHILD_HOME=" + home, "CHILD_CACHE=" + cacheDir, "CHILD_REPO=acme/full"}

	mode := "tmpfs"
	cmd := exec.Command("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
		`mount -t tmpfs -o size=4m tmpfs "$CHILD_CACHE" && exec "$0" -test.run='^$'`, os.Args[0])
	cmd.Env = append(append(os.Environ(), "RELIABILITY_CHILD=snapshot-then-inspect"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if os.Getenv("RELIABILITY_NO_TMPFS") != "" {
		err = fmt.Errorf("RELIABILITY_NO_TMPFS is set")
		stderr.Reset()
	}
	if err != nil && !strings.Contains(stderr.String(), "CHILD-ERROR") {
		// No namespaces here: limit the file size instead.
		t.Logf("tmpfs not available (%v: %s); using RLIMIT_FSIZE", err, strings.TrimSpace(stderr.String()))
		mode = "rlimit"
		stderr.Reset()
		cmd = childCmd(t, "snapshot-then-inspect", append(env, "CHILD_FSIZE="+strconv.Itoa(2<<20))...)
		cmd.Stderr = &stderr
		err = cmd.Run()
	}
	if err == nil {
		t.Fatalf("%s: the download into a full disk succeeded", mode)
	}
	msg := stderr.String()
	t.Logf("%s: %s", mode, strings.TrimSpace(msg))
	if !strings.Contains(msg, "no space left on device") && !strings.Contains(msg, "file too large") {
		t.Errorf("%s: the error does not name the disk problem: %s", mode, msg)
	}
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, "CACHE-PROBLEM:") || strings.HasPrefix(line, "LEFTOVER:") {
			t.Errorf("%s: %s", mode, line)
		}
	}
	if mode == "rlimit" {
		assertCacheClean(t, cacheDir)
	}
}

package transfer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain doubles as the helper process of TestResumeAfterSIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("HFHUB_TRANSFER_HELPER") == "1" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

// printer reports durable progress on stdout for the parent test.
type printer struct{ mu sync.Mutex }

func (p *printer) Started(total, resumed int64) {}
func (p *printer) Advanced(n int64)             {}
func (p *printer) Checkpointed(durable int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Printf("durable %d\n", durable)
}

func helperMain() int {
	size, _ := strconv.ParseInt(os.Getenv("HELPER_SIZE"), 10, 64)
	e := testEngine()
	e.StallTimeout = time.Minute
	j := Job{
		URL: os.Getenv("HELPER_URL"), Size: size, Hash: SHA256, Want: os.Getenv("HELPER_WANT"),
		Dest: os.Getenv("HELPER_DEST"), Temp: os.Getenv("HELPER_TEMP"), Observer: &printer{},
	}
	if _, err := e.Download(context.Background(), j); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	data := randomData(4<<20, 9)
	srv := newTestServer(t, data)
	srv.setCap(200 << 10) // every range delivers 200 KiB, then hangs
	j := newJob(t, srv, "/redirect")

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HFHUB_TRANSFER_HELPER=1",
		"HELPER_URL="+j.URL, "HELPER_SIZE="+strconv.Itoa(len(data)), "HELPER_WANT="+j.Want,
		"HELPER_DEST="+j.Dest, "HELPER_TEMP="+j.Temp)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// 4 connections x 200 KiB = 800 KiB arrive; wait until 512 KiB are durable.
	var durable int64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, _ := strconv.ParseInt(strings.TrimPrefix(sc.Text(), "durable "), 10, 64)
		if n >= 512<<10 {
			durable = n
			break
		}
	}
	if durable == 0 {
		t.Fatalf("helper exited before checkpointing: %v", cmd.Wait())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the error is expected
	srv.unblock()

	if _, err := os.Stat(j.Dest); !os.IsNotExist(err) {
		t.Fatal("destination exists after the killed run")
	}
	sentBefore := srv.sent.Load()
	res, err := testEngine().Download(t.Context(), j)
	if err != nil {
		t.Fatalf("resumed Download() error = %v", err)
	}
	if res.Resumed < durable {
		t.Errorf("Resumed = %d, want >= %d (what the killed run made durable)", res.Resumed, durable)
	}
	if again := srv.sent.Load() - sentBefore; again > int64(len(data))-res.Resumed {
		t.Errorf("resume fetched %d bytes, want at most %d", again, int64(len(data))-res.Resumed)
	}
	assertFile(t, j.Dest, data)
	assertOnly(t, filepath.Dir(j.Dest), "blob")
}

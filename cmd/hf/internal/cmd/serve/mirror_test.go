package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// lockedWriter lets the test read logs while the server writes them.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMirror runs RunMirror and returns the URL it printed.
func startMirror(t *testing.T, mf *MirrorFlags, dir string) (string, *lockedWriter, func() error) {
	t.Helper()
	return start(t, &Options{Addr: "127.0.0.1:0", Dir: dir}, func(ctx context.Context, opts *Options) error {
		return RunMirror(ctx, opts, mf)
	})
}

// start runs serve (RunMirror or run) with opts, printing JSON, and returns
// the URL it printed, its logs and a function that stops it.
func start(t *testing.T, opts *Options, serve func(context.Context, *Options) error) (string, *lockedWriter, func() error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	outR, outW := io.Pipe()
	logs := &lockedWriter{}
	ios.Out, ios.ErrOut = outW, logs
	f := cmdutil.NewFactory(ios)
	f.Globals.Format = cmdutil.FormatJSON
	opts.IO, opts.Printer = ios, f.Printer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, opts); outW.Close() }()
	var started Started
	if err := json.NewDecoder(bufio.NewReader(outR)).Decode(&started); err != nil {
		cancel()
		t.Fatalf("no start line: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, outR)
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { stop() })
	return started.URL, logs, stop
}

func TestRunMirrorServesAndStops(t *testing.T) {
	up := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "org/m", Files: map[string][]byte{"a.txt": []byte("alpha")}}))
	mf := &MirrorFlags{Mirror: up.URL, MaxSize: "1G", Allow: []string{"org/*"}, Getenv: func(string) string { return "" }}
	url, logs, stop := startMirror(t, mf, t.TempDir())
	for _, p := range []string{"/org/m/resolve/main/a.txt", "/healthz", "/metrics"} {
		resp, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, b)
		}
		if p == "/org/m/resolve/main/a.txt" && string(b) != "alpha" {
			t.Fatalf("file %q", b)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !strings.Contains(logs.String(), `"path":"/org/m/resolve/main/a.txt"`) {
		t.Fatalf("no JSON access log for the download:\n%s", logs.String())
	}
}

func TestRunMirrorFlagErrors(t *testing.T) {
	ios, _, _, _ := cmdutil.Test()
	f := cmdutil.NewFactory(ios)
	for _, mf := range []*MirrorFlags{
		{Mirror: "http://x", CacheDir: "/c"},
		{Mirror: "http://x", TLSCert: "c.pem"},
		{Mirror: "http://x"}, // no store
		{Mirror: "http://x", Store: t.TempDir(), MaxSize: "lots"},
		{Mirror: "http://x", Store: t.TempDir(), LogFormat: "xml"},
	} {
		err := RunMirror(context.Background(), &Options{IO: ios, Printer: f.Printer, Addr: "127.0.0.1:0"}, mf)
		if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
			t.Errorf("%+v: %v (exit %d), want a usage error", mf, err, code)
		}
	}
}

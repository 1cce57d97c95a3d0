package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// parse runs `hf serve args` with a stand-in run function and returns the
// options it got, or the error.
func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	var got *Options
	cmd := NewCmd(cmdutil.NewFactory(ios), func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return got, err
}

func TestServerFlagsParse(t *testing.T) {
	o, err := parse(t, "--dir", "d")
	if err != nil {
		t.Fatal(err)
	}
	if o.Server.ResolveCache || o.Server.MaxCommitSize != "1GiB" || o.Server.BodyIdleTimeout != time.Minute {
		t.Errorf("defaults = %+v, want off, 1GiB, 1m (the server's)", o.Server)
	}
	o, err = parse(t, "--dir", "d", "--resolve-cache", "--max-commit-size", "64K", "--body-idle-timeout", "2s")
	if err != nil {
		t.Fatal(err)
	}
	if !o.Server.ResolveCache || o.Server.MaxCommitSize != "64K" || o.Server.BodyIdleTimeout != 2*time.Second {
		t.Errorf("flags = %+v", o.Server)
	}
	for _, args := range [][]string{
		{"--dir", "d", "--max-commit-size", "lots"},
		{"--dir", "d", "--max-commit-size", "0"},
		{"--mirror", "http://127.0.0.1:1", "--resolve-cache"},
		{"--mirror", "http://127.0.0.1:1", "--body-idle-timeout", "1s"},
		{"--mirror", "http://127.0.0.1:1", "--max-commit-size", "1G"},
		{"--mirror", "http://127.0.0.1:1", "--page-size", "2"},
		{"--dir", "d", "--page-size", "-1"},
	} {
		if _, err := parse(t, args...); exitCode(err) != cmdutil.ExitUsage {
			t.Errorf("hf serve %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}

func exitCode(err error) cmdutil.ExitCode {
	code, _ := cmdutil.ExitCodeOf(err)
	return code
}

// The server flags reach the store server: a 307 to /api/resolve-cache/,
// a 413 over --max-commit-size, a 408 for a body that stops sending.
func TestServeStoreServerFlags(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "tiny")
	tokens := filepath.Join(dir, "tokens")
	for p, content := range map[string]string{filepath.Join(folder, "a.txt"): "alpha", tokens: "hf_servetokenservetoken acme write\n"} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	opts := &Options{Addr: "127.0.0.1:0", Dir: filepath.Join(dir, "store"), Tokens: tokens, Imports: []string{"acme/tiny=" + folder},
		Server: ServerFlags{ResolveCache: true, MaxCommitSize: "4K", BodyIdleTimeout: 300 * time.Millisecond}}
	base, _, stop := start(t, opts, run)

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/acme/tiny/resolve/main/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "/api/resolve-cache/models/acme/tiny/") {
		t.Errorf("--resolve-cache: GET resolve = %d Location %q, want 307 to /api/resolve-cache/", resp.StatusCode, resp.Header.Get("Location"))
	}

	commit := base + "/api/models/acme/tiny/commit/main"
	body := `{"key":"header","value":{"summary":"big"}}` + "\n" +
		fmt.Sprintf(`{"key":"file","value":{"path":"big.txt","encoding":"base64","content":%q}}`, strings.Repeat("QUJD", 2048)) + "\n"
	req, _ := http.NewRequest(http.MethodPost, commit, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer hf_servetokenservetoken")
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("--max-commit-size 4K: an 8K commit got %d, want 413", resp.StatusCode)
	}

	// A body that announces 100 bytes and sends none.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second)) // generous: the server must answer long before
	fmt.Fprintf(conn, "POST /api/models/acme/tiny/commit/main HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer hf_servetokenservetoken\r\n"+
		"Content-Type: application/x-ndjson\r\nContent-Length: 100\r\n\r\n")
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 408") {
		t.Errorf("--body-idle-timeout: a silent body got %q, %v; want 408", status, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

// --page-size reaches the store server: a three-file tree comes in pages
// of two, linked by an absolute next URL.
func TestServePageSize(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "tiny")
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if err := os.MkdirAll(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o, err := parse(t, "--dir", filepath.Join(dir, "store"), "--addr", "127.0.0.1:0", "--import", "acme/tiny="+folder, "--page-size", "2")
	if err != nil {
		t.Fatal(err)
	}
	base, _, stop := start(t, o, run)
	defer stop()
	resp, err := http.Get(base + "/api/models/acme/tiny/tree/main")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	link := resp.Header.Get("Link")
	if n := strings.Count(string(b), `"path"`); n != 2 || !strings.HasPrefix(link, "<"+base+"/api/models/acme/tiny/tree/main?") || !strings.HasSuffix(link, `>; rel="next"`) {
		t.Fatalf("--page-size 2: %d entries, Link %q; want 2 and a next page", n, link)
	}
}

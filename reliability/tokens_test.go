package reliability

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// secret is a token that must never leave the endpoint's origin nor appear
// in any message, log line or JSON output.
const secret = "hf_SECRETsecretSECRETsecret0123456789"

// leaks reports whether s contains the secret token (or its middle part,
// which no masking keeps).
func leaks(s string) bool {
	return strings.Contains(s, secret) || strings.Contains(s, secret[5:len(secret)-4])
}

// TestTokenStaysOnItsOrigin redirects API calls, HEADs and downloads from
// the endpoint to a second server on another port (and back): only the
// endpoint may see the token.
func TestTokenStaysOnItsOrigin(t *testing.T) {
	v := randomBytes(64<<10, 4)
	other := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/cdn/"):
			fileHeaders(w, sha256Hex(v), len(v))
			serveBytes(w, r, v)
		case strings.HasPrefix(r.URL.Path, "/bounce"):
			http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"acme/model","sha":"` + fakeCommit + `"}`))
		}
	})
	var endpoint *rawHub
	endpoint = newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/models/acme/model/revision/"):
			// API answer moved to another host.
			http.Redirect(w, r, other.URL+"/api/models/acme/model", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/api/models/acme/bounce"):
			// Away and back again: the token stays dropped.
			http.Redirect(w, r, other.URL+"/bounce?to="+endpoint.URL+"/api/models/acme/model", http.StatusFound)
		case r.URL.Path == "/api/models/acme/model":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"acme/model","sha":"` + fakeCommit + `"}`))
		case strings.Contains(r.URL.Path, "/resolve/"):
			w.Header().Set("X-Repo-Commit", fakeCommit)
			w.Header().Set("X-Linked-Etag", `"`+sha256Hex(v)+`"`)
			w.Header().Set("X-Linked-Size", itoa(int64(len(v))))
			w.Header().Set("ETag", `"`+sha256Hex(v)+`"`)
			http.Redirect(w, r, other.URL+"/cdn/blob", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	c, cacheDir := newClient(t, endpoint.URL, withToken(secret))
	if _, err := c.RepoInfo(t.Context(), matrixRepo, &hfhub.RepoInfoOptions{Revision: "main"}); err != nil {
		t.Fatalf("RepoInfo through a cross-host redirect: %v", err)
	}
	if _, err := c.ModelInfo(t.Context(), "acme/bounce", nil); err != nil {
		t.Fatalf("ModelInfo through A -> B -> A: %v", err)
	}
	p, err := c.Download(t.Context(), matrixRepo, "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, v) {
		t.Fatal("content differs")
	}
	assertCacheClean(t, cacheDir)
	for i, a := range other.authHeaders() {
		if a != "" {
			t.Errorf("the other host got Authorization %q on %s", a, other.requests()[i])
		}
	}
	sawToken := false
	for i, a := range endpoint.authHeaders() {
		req := endpoint.requests()[i]
		switch {
		case a == "Bearer "+secret:
			sawToken = true
			if strings.HasPrefix(req, "GET /api/models/acme/model ") || req == "GET /api/models/acme/model" {
				t.Errorf("the endpoint got the token back after a hop through another host: %s", req)
			}
		case a != "":
			t.Errorf("unexpected Authorization %q on %s", a, req)
		}
	}
	if !sawToken {
		t.Error("the endpoint itself never received the token")
	}
}

// TestTokenNotSentToContentListener downloads an LFS file from hubtest
// with a token: the content listener (other port) must not receive it.
func TestTokenNotSentToContentListener(t *testing.T) {
	hub := matrixHub(t, hubtest.WithToken(secret, "acme", hubtest.Write))
	c, _ := newClient(t, hub.URL, withToken(secret))
	if _, err := c.Download(t.Context(), matrixRepo, "model.bin", nil); err != nil {
		t.Fatal(err)
	}
	content, api := 0, 0
	for _, r := range hub.Requests() {
		auth := r.Header.Get("Authorization")
		if strings.Contains(r.Path, lfsContent) {
			content++
			if auth != "" {
				t.Errorf("content request %s carried Authorization", r.Path)
			}
		} else if auth == "Bearer "+secret {
			api++
		}
	}
	if content == 0 || api == 0 {
		t.Fatalf("content requests %d, API requests with the token %d: the test did not exercise both", content, api)
	}
}

// TestTokenNeverInErrorsOrLogs provokes errors and retries with a secret
// token, including a hostile server that echoes the Authorization header
// into its error message, and checks no message or log line carries it.
func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var serverLogs bytes.Buffer
	var smu sync.Mutex
	hub := matrixHub(t, hubtest.WithToken("hf_othertokenothertoken", "acme", hubtest.Write),
		hubtest.WithLogger(slog.New(slog.NewJSONHandler(lockedWriter{&smu, &serverLogs}, nil))))
	echo := newRawHub(t, func(w http.ResponseWriter, r *http.Request) {
		msg := "bad credentials: " + r.Header.Get("Authorization")
		w.Header().Set("X-Error-Message", msg)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"` + msg + `"}`))
	})
	var errs []error
	for _, endpoint := range []string{hub.URL, echo.URL} {
		c, _ := newClient(t, endpoint, withToken(secret), func(cc *clientConfig) {
			cc.extra = append(cc.extra, hfhub.WithLogger(logger))
		})
		hub.Fail(hubtest.Fault{Match: "/api/", Status: 503, Times: 2})
		_, err := c.ModelInfo(t.Context(), matrixRepo, nil)
		errs = append(errs, err)
		_, err = c.Download(t.Context(), matrixRepo, "model.bin", nil)
		errs = append(errs, err)
		_, err = c.WhoAmI(t.Context())
		errs = append(errs, err)
		_, err = c.UploadFile(t.Context(), matrixRepo, writeTemp(t, "x"), "x.txt", nil)
		errs = append(errs, err)
		_, err = c.Snapshot(t.Context(), matrixRepo, nil)
		errs = append(errs, err)
	}
	// User info in the endpoint URL.
	c, _ := newClient(t, strings.Replace(closedPort(t), "http://", "http://user:"+secret+"@", 1))
	_, err := c.ModelInfo(t.Context(), matrixRepo, nil)
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded with a wrong token", i)
			continue
		}
		if leaks(err.Error()) || leaks(fmtAll(err)) {
			t.Errorf("error %d carries the token: %v", i, err)
		}
		var he *hfhub.HubError
		if errors.As(err, &he) && (leaks(he.Message) || leaks(he.URL) || leaks(strings.Join(he.Header.Values("X-Error-Message"), " "))) {
			t.Errorf("HubError %d fields carry the token: %+v", i, he)
		}
	}
	mu.Lock()
	if leaks(logs.String()) {
		t.Errorf("client log carries the token:\n%s", logs.String())
	}
	if logs.Len() == 0 {
		t.Error("no client log lines: the retries were not logged, the check saw nothing")
	}
	mu.Unlock()
	smu.Lock()
	if leaks(serverLogs.String()) {
		t.Errorf("server access log carries the token")
	}
	smu.Unlock()
}

// fmtAll renders err with %+v-like detail: every error in the chain.
func fmtAll(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		b.WriteString(e.Error())
		b.WriteString("\n")
	}
	return b.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	hfOnce sync.Once
	hfPath string
	hfErr  error
)

// hfBinary builds cmd/hf once per test binary.
func hfBinary(t *testing.T) string {
	t.Helper()
	hfOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hf-reliability-")
		if err != nil {
			hfErr = err
			return
		}
		hfPath = filepath.Join(dir, "hf")
		out, err := exec.Command("go", "build", "-o", hfPath, "github.com/hfhub-go/hfhub/cmd/hf").CombinedOutput()
		if err != nil {
			hfErr = errors.New(string(out))
		}
	})
	if hfErr != nil {
		t.Fatalf("building hf: %v", hfErr)
	}
	return hfPath
}

// runHF runs the hf binary with env and returns stdout, stderr.
func runHF(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(hfBinary(t), args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// TestCLINeverPrintsTokens logs in with the CLI and runs the commands that
// show tokens or configuration, in both output formats, plus failing
// commands with a wrong token: the token never appears in full; the token
// files are 0600.
func TestCLINeverPrintsTokens(t *testing.T) {
	hub := matrixHub(t, hubtest.WithToken(secret, "acme", hubtest.Write))
	home := t.TempDir()
	hfHome := filepath.Join(home, "hf")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "HF_HOME=" + hfHome, "HF_ENDPOINT=" + hub.URL, "NO_COLOR=1"}
	check := func(name, out, errOut string) {
		t.Helper()
		if leaks(out) || leaks(errOut) {
			t.Errorf("%s printed the token:\nstdout: %s\nstderr: %s", name, out, errOut)
		}
	}
	out, errOut, err := runHF(t, env, "auth", "login", "--token", secret, "--format", "json")
	if err != nil {
		t.Fatalf("hf auth login: %v\n%s", err, errOut)
	}
	check("auth login", out, errOut)
	for _, f := range []string{"token", "stored_tokens"} {
		fi, err := os.Stat(filepath.Join(hfHome, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	for _, args := range [][]string{
		{"auth", "whoami"}, {"auth", "list"}, {"env"},
		{"models", "info", matrixRepo}, {"repo", "tree", matrixRepo},
	} {
		for _, format := range []string{"table", "json"} {
			a := append(append([]string(nil), args...), "--format", format)
			out, errOut, err := runHF(t, env, a...)
			if err != nil {
				t.Errorf("hf %s: %v\n%s", strings.Join(a, " "), err, errOut)
			}
			check("hf "+strings.Join(a, " "), out, errOut)
		}
	}
	// Failures with a wrong token and with the right one (missing file,
	// forbidden namespace).
	wrong := secret[:len(secret)-1] + "X"
	for _, args := range [][]string{
		{"auth", "whoami", "--token", wrong},
		{"models", "info", "acme/model", "--token", wrong},
		{"download", matrixRepo, "model.bin", "--token", wrong},
		{"download", matrixRepo, "missing.bin"},
		{"upload", "acme/new", writeTemp(t, "x"), "x.txt", "--token", wrong},
		{"upload", "other/repo", writeTemp(t, "x"), "x.txt"},
	} {
		for _, format := range []string{"table", "json"} {
			a := append(append([]string(nil), args...), "--format", format)
			out, errOut, err := runHF(t, env, a...)
			if err == nil {
				t.Errorf("hf %s succeeded", strings.Join(a, " "))
			}
			check("hf "+strings.Join(a, " "), out, errOut)
			if leaks(strings.ReplaceAll(out+errOut, secret[:len(secret)-1], "")) {
				t.Errorf("hf %s printed the wrong token", strings.Join(a, " "))
			}
		}
	}
}

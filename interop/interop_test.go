package interop_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/interop/fixtures"
)

// startFixtures starts hubtest with every fixture repository and writes the
// manifest; it returns the server and the manifest's path.
func startFixtures(t *testing.T) (*hubtest.Server, string) {
	t.Helper()
	s := hubtest.NewServer(t, fixtures.Options()...)
	m, err := fixtures.Seed(s)
	if err != nil {
		t.Fatalf("seed fixtures: %v", err)
	}
	b, err := m.JSON()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, file
}

// runCheck runs a check script and reports each of its FAIL lines (with the
// requests logged under it) as a test error. The deadline only guards
// against a hung client; it asserts nothing about speed.
func runCheck(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	text := out.String()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	summary := lines[len(lines)-1]
	if err == nil {
		t.Logf("%s", summary)
		if testing.Verbose() {
			t.Logf("full output:\n%s", text)
		}
		return
	}
	var failures strings.Builder
	inFail := false
	for _, ln := range lines {
		switch {
		case strings.HasPrefix(ln, "FAIL "):
			inFail = true
			failures.WriteString(ln + "\n")
		case inFail && strings.HasPrefix(ln, "       "):
			failures.WriteString(ln + "\n")
		default:
			inFail = false
		}
	}
	if failures.Len() == 0 {
		failures.WriteString(text)
	}
	t.Errorf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, failures.String(), summary)
}

// TestOfficialJSClient runs interop/js/check.mjs (the official
// @huggingface/hub client) against hubtest seeded with every fixture: a model
// with a tag, a second commit, a branch and a pull request, a dataset, a
// legacy id, a private and a gated repo. It skips when node or
// interop/js/node_modules is missing (interop/run.sh installs them).
func TestOfficialJSClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; install Node.js to run the official JS client checks")
	}
	if _, err := os.Stat(filepath.Join("js", "node_modules", "@huggingface", "hub", "package.json")); err != nil {
		t.Skip("interop/js/node_modules missing; run `npm ci` in interop/js (interop/run.sh does)")
	}
	_, manifest := startFixtures(t)
	runCheck(t, "js", nil, node, "check.mjs", "--manifest", manifest)
}

// TestOfficialPythonClient runs interop/python/check.py (the official
// huggingface_hub client, parts api and cache) against hubtest with every
// fixture. The client is not installable here (no PyPI), so the test runs
// only when HFHUB_PY_CLIENT names a huggingface_hub source tree (the folder
// holding the huggingface_hub package, e.g. /work/pyhf/src) whose
// dependencies python3 can import; interop/README.md says how to set it up.
func TestOfficialPythonClient(t *testing.T) {
	src := os.Getenv("HFHUB_PY_CLIENT")
	if src == "" {
		t.Skip("HFHUB_PY_CLIENT not set; see interop/README.md to run the official Python client checks")
	}
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		if python, err = exec.LookPath("python3"); err != nil {
			t.Skip("python3 not found")
		}
	}
	env := []string{"PYTHONPATH=" + src}
	probe := exec.Command(python, "-c", "import huggingface_hub")
	probe.Env = append(os.Environ(), env...)
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("cannot import huggingface_hub from %s: %v\n%s", src, err, out)
	}
	_, manifest := startFixtures(t)
	hf := filepath.Join(t.TempDir(), "hf")
	build := exec.Command("go", "build", "-o", hf, "../cmd/hf")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build hf: %v\n%s", err, out)
	}
	parts := os.Getenv("HFHUB_PY_PARTS")
	if parts == "" {
		parts = "api,cache,upload"
	}
	runCheck(t, "python", env, python, "check.py", "--manifest", manifest, "--hf", hf, "--parts", parts)
}

package root

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// TestGoldenTerminalOutput runs commands as on a terminal, with colour off
// and on, and compares what they print with testdata/golden/ (`go test
// ./cmd/hf/internal/cmd/root -update` rewrites the files). Colour must
// change nothing but the escape codes: the coloured output, escapes
// removed, is the plain one, so columns line up either way.
func TestGoldenTerminalOutput(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/a", Files: map[string][]byte{"config.json": []byte(`{"model_type":"bert"}`)}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/a-much-longer-model-name", Files: map[string][]byte{"README.md": []byte("---\npipeline_tag: text-classification\nlibrary_name: transformers\n---\n# x\n")}}),
	)
	home := t.TempDir()
	for k, v := range map[string]string{"HF_HOME": home, "HF_ENDPOINT": hub.URL, "NO_COLOR": "", "TERM": "xterm",
		"HF_TOKEN": "", "HF_HUB_CACHE": "", "HF_HUB_OFFLINE": "", "TMPDIR": t.TempDir()} {
		t.Setenv(k, v)
	}
	hf := func(color bool, args ...string) string {
		ios, _, out, errOut := cmdutil.Test()
		ios.SetTTY(false, true, false)
		ios.SetColor(color)
		ios.SetProgressDisabled(true)
		if code := Run(t.Context(), args, ios); code != cmdutil.ExitOK {
			t.Fatalf("hf %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
		}
		return normalizeGolden(out.String(), hub.URL, home)
	}
	hf(false, "download", "acme/a", "--quiet")
	hf(false, "download", "acme/a-much-longer-model-name", "--quiet")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"models-ls", []string{"models", "ls"}},
		{"cache-ls", []string{"cache", "ls"}},
		{"demo", []string{"demo"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := hf(false, tc.args...)
			colored := hf(true, tc.args...)
			if !strings.Contains(colored, "\x1b[") {
				t.Errorf("hf %s with colour on prints no escape codes", strings.Join(tc.args, " "))
			}
			if got := cmdutil.StripANSI(colored); got != plain {
				t.Errorf("hf %s: coloured output without its escapes differs from the plain one:\n--- plain\n%s--- coloured\n%s", strings.Join(tc.args, " "), plain, got)
			}
			golden(t, tc.name+".txt", plain)
			golden(t, tc.name+".color.txt", colored)
		})
	}
}

// normalizeGolden replaces what changes between runs (ports, temporary
// folders, commit ids, ages) with fixed words.
func normalizeGolden(s, hubURL, home string) string {
	s = strings.ReplaceAll(s, hubURL, "http://HUB")
	s = strings.ReplaceAll(s, home, "$HF_HOME")
	for _, r := range []struct{ re, with string }{
		{`http://127\.0\.0\.1:\d+`, "http://DEMO-HUB"},
		{`/[^\s]*/hf-demo-\d+`, "$DEMO"},
		{`\b[0-9a-f]{40}\b`, "<commit>"},
		{`\b[0-9a-f]{12}\b`, "<commit12>"},
		// An age and the padding after it, whose width depends on the words.
		{`(less than a minute|\d+ (seconds?|minutes?)|a (few seconds|minute)) ago +|just now +`, "<age>  "},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllLiteralString(s, r.with)
	}
	return s
}

// golden compares got with testdata/golden/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run `go test ./cmd/hf/internal/cmd/root -update`)", path, err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run `go test ./cmd/hf/internal/cmd/root -update` if the change is wanted):\n--- want\n%s--- got\n%s", path, want, got)
	}
}

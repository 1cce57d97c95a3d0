package synccmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

func TestSyncCommand(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/m", Files: map[string][]byte{"old.txt": []byte("o")}}))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "skip.log"), []byte("l"), 0o644)
	newF := func() (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
		f, out, errOut, _ := cmdutil.TestFactory(t)
		f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
		return f, out, errOut
	}

	// --dry-run prints the plan as JSON lines and changes nothing.
	f, out, _ := newF()
	if err := cmdutil.Execute(t.Context(), NewCmd(f, nil), dir, "hf://acme/m", "--dry-run", "--delete", "--exclude", "*.log"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], `"type":"header"`) || !strings.Contains(lines[1], `"action":"delete","path":".gitattributes"`) {
		t.Fatalf("dry run output:\n%s", out)
	}

	// --plan saves it; --apply runs it; the plan is printed before.
	plan := filepath.Join(t.TempDir(), "plan.jsonl")
	f, _, _ = newF()
	if err := cmdutil.Execute(t.Context(), NewCmd(f, nil), dir, "hf://acme/m", "--plan", plan, "--include", "a*"); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := newF()
	f.Globals.Format = cmdutil.FormatJSON
	if err := cmdutil.Execute(t.Context(), NewCmd(f, nil), "--apply", plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), `"event":"sync_plan"`) {
		t.Errorf("stderr %q: no plan summary", errOut)
	}
	var res struct {
		Summary struct{ Uploads int } `json:"summary"`
		Commit  *struct{ OID string } `json:"commit"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Summary.Uploads != 1 || res.Commit == nil || len(res.Commit.OID) != 40 {
		t.Fatalf("apply output %q: %+v, %v", out, res, err)
	}

	// Download back; a second run transfers nothing.
	back := t.TempDir()
	for range 2 {
		f, out, _ = newF()
		if err := cmdutil.Execute(t.Context(), NewCmd(f, nil), "hf://acme/m", back); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Errorf("second run output %q, want up to date", out)
	}
	if b, _ := os.ReadFile(filepath.Join(back, "a.txt")); string(b) != "a" {
		t.Errorf("a.txt = %q", b)
	}

	// Usage errors exit 2.
	for _, args := range [][]string{
		{dir},
		{dir, "hf://acme/m", "--ignore-times", "--ignore-sizes"},
		{"--apply", plan, "--delete"},
		{dir, back},
	} {
		f, _, _ = newF()
		err := cmdutil.Execute(t.Context(), NewCmd(f, nil), args...)
		if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
			t.Errorf("hf sync %v: exit %d (%v), want 2", args, code, err)
		}
	}
}

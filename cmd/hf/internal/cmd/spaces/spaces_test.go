package spaces

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

const secretValue = "sk-never-printed-42"

func newHub(t *testing.T) *hubtest.Server {
	return hubtest.NewServer(t,
		hubtest.WithToken("hf_w", "alice", hubtest.Write),
		hubtest.WithSpaceScript(hubtest.SpaceScript{BuildSteps: 1, BuildLogs: []string{"building"}, RunLogs: []string{"Running on :7860", "request 1"}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "alice/demo", Files: map[string][]byte{"README.md": []byte("---\nsdk: gradio\n---\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "alice/site", Files: map[string][]byte{"README.md": []byte("---\nsdk: static\n---\n")}}))
}

type run struct {
	out, errOut string
	code        cmdutil.ExitCode
}

func execute(t *testing.T, hub *hubtest.Server, format string, env map[string]string, args ...string) run {
	t.Helper()
	f, out, errOut, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
	if format == "json" {
		f.Globals.Format = cmdutil.FormatJSON
	}
	base := f.Getenv
	f.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return base(k)
	}
	err := cmdutil.Execute(t.Context(), NewCmd(f), args...)
	code, _ := cmdutil.ExitCodeOf(err)
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return run{out.String(), errOut.String(), code}
}

func TestSpacesDeployWalkthrough(t *testing.T) {
	hub := newHub(t)
	dir := t.TempDir()
	secrets := filepath.Join(dir, ".env.secrets")
	if err := os.WriteFile(secrets, []byte("# deploy secrets\nexport OPENAI_API_KEY=\""+secretValue+"\"\nHF_TOKEN\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		format string
		args   []string
		want   string // substring of stdout
		code   cmdutil.ExitCode
	}{
		{"", []string{"secrets", "add", "alice/demo", "--secrets-file", secrets}, "OPENAI_API_KEY", 0},
		{"json", []string{"secrets", "add", "alice/demo", "-s", "EXTRA=" + secretValue}, `"EXTRA"`, 0},
		{"", []string{"secrets", "ls", "alice/demo"}, "OPENAI_API_KEY", 0},
		{"json", []string{"secrets", "ls", "alice/demo"}, `"key": "HF_TOKEN"`, 0},
		{"", []string{"variables", "add", "alice/demo", "-e", "MODEL=gpt2", "--description", "which model"}, "MODEL", 0},
		{"", []string{"variables", "ls", "alice/demo"}, "gpt2", 0},
		{"", []string{"variables", "delete", "alice/demo", "MODEL"}, "", cmdutil.ExitUsage}, // no terminal, no --yes
		{"", []string{"variables", "delete", "alice/demo", "MODEL", "--yes"}, "Deleted MODEL", 0},
		{"", []string{"settings", "alice/demo", "--hardware", "t4-small", "--sleep-time", "600"}, "Requested t4-small", 0},
		{"", []string{"settings", "alice/demo"}, "", cmdutil.ExitUsage},
		{"", []string{"wait", "alice/demo", "--poll-interval", "1ms", "--timeout", "1m"}, "is RUNNING", 0},
		{"", []string{"runtime", "alice/demo"}, "t4-small", 0},
		{"json", []string{"runtime", "alice/demo"}, `"stage": "RUNNING"`, 0},
		{"json", []string{"logs", "alice/demo", "--build"}, `"data":"building"`, 0},
		{"", []string{"logs", "alice/demo", "-f", "-n", "3"}, "", cmdutil.ExitUsage},
		{"", []string{"pause", "alice/demo"}, "Paused", 0},
		{"", []string{"logs", "alice/demo", "-n", "1"}, "request 1", 0}, // a paused Space's run log is complete: no idle wait
		{"", []string{"restart", "alice/demo", "--factory-reboot"}, "Restarting", 0},
		{"", []string{"pause", "alice/demo"}, "Paused", 0},
		{"", []string{"wait", "alice/demo", "--poll-interval", "1ms"}, "", cmdutil.ExitError},
		{"", []string{"pause", "alice/site"}, "", cmdutil.ExitError},
		{"", []string{"dev-mode", "alice/demo", "--stop"}, "disabled", 0},
		{"", []string{"volumes", "set", "alice/demo", "-v", "hf://datasets/alice/logs:/data:ro"}, "hf://datasets/alice/logs:/data:ro", 0},
		{"", []string{"volumes", "ls", "alice/demo"}, "/data", 0},
		{"", []string{"volumes", "set", "alice/demo", "-v", "alice/logs"}, "", cmdutil.ExitUsage},
		{"", []string{"volumes", "delete", "alice/demo", "-y"}, "Removed", 0},
		{"", []string{"hardware"}, "t4-medium", 0},
		{"", []string{"templates"}, "streamlit", 0},
		{"", []string{"duplicate", "alice/demo", "alice/copy", "--private"}, "/spaces/alice/copy", 0},
		{"", []string{"runtime", "alice/nope"}, "", cmdutil.ExitNotFound},
		{"", []string{"runtime", "not a/valid id"}, "", cmdutil.ExitUsage},
		{"", []string{"ls"}, "alice/", 0},
	}
	for _, s := range steps {
		r := execute(t, hub, s.format, map[string]string{"HF_TOKEN": ""}, s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.want) {
			t.Errorf("hf spaces %s (%s) = exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), s.format, r.code, r.out, r.errOut, s.code, s.want)
		}
		if strings.Contains(r.out+r.errOut, secretValue) {
			t.Errorf("hf spaces %s printed a secret value:\n%s%s", strings.Join(s.args, " "), r.out, r.errOut)
		}
	}
	got := hub.Compute().SpaceSecrets("alice/demo")
	if got["OPENAI_API_KEY"] != secretValue || got["HF_TOKEN"] != "hf_w" || got["EXTRA"] != secretValue {
		t.Errorf("secrets on the Hub = %v (HF_TOKEN should be the user's token)", got)
	}
	if hub.Compute().SpaceSecrets("alice/copy")["EXTRA"] != secretValue {
		t.Error("the duplicate lacks the secrets")
	}
}

func TestSecretsFileErrors(t *testing.T) {
	hub := newHub(t)
	bad := filepath.Join(t.TempDir(), "bad.env")
	os.WriteFile(bad, []byte("A=1\n\nnot a line\n"), 0o600)
	r := execute(t, hub, "", nil, "secrets", "add", "alice/demo", "--secrets-file", bad)
	if r.code != cmdutil.ExitUsage || !strings.Contains(r.errOut, "line 3") {
		t.Errorf("bad secrets file = exit %d, %q; want a usage error naming line 3", r.code, r.errOut)
	}
	r = execute(t, hub, "", nil, "secrets", "add", "alice/demo", "-e", "A=1")
	if r.code != cmdutil.ExitUsage {
		t.Errorf("-e on secrets add = exit %d, %q", r.code, r.errOut)
	}
	if n := len(hub.Compute().SpaceSecrets("alice/demo")); n != 0 {
		t.Errorf("%d secrets set despite the errors", n)
	}
}

// chanWriter hands every write to a channel (a test reads the stream
// as it is printed, without sharing a buffer).
type chanWriter chan string

func (w chanWriter) Write(b []byte) (int, error) { w <- string(b); return len(b), nil }

func TestLogsFollowStopsOnCancel(t *testing.T) {
	hub := newHub(t)
	f, _, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
	lines := make(chanWriter, 16)
	f.IO.Out = lines
	c, err := f.Client()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForSpace(t.Context(), "alice/demo", nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmdutil.Execute(ctx, NewCmd(f), "logs", "alice/demo", "-f") }()
	// The run log stays open while the Space runs: the two lines so far,
	// then one appended later, then Ctrl-C.
	var got []string
	for len(got) < 3 {
		select {
		case l := <-lines:
			got = append(got, strings.TrimSuffix(l, "\n"))
			if len(got) == 2 {
				hub.Compute().AppendSpaceLogs("alice/demo", false, "live line")
			}
		case err := <-done:
			t.Fatalf("stream ended early: %v; printed %q", err, got)
		}
	}
	cancel()
	err = <-done
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitInterrupted {
		t.Errorf("after Ctrl-C: exit %d (%v), want 130", code, err)
	}
	if want := []string{"Running on :7860", "request 1", "live line"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("printed %q, want %q", got, want)
	}
}

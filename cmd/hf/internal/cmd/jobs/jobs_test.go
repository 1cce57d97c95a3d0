package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

const secretValue = "hf_job_secret_never_printed"

type run struct {
	out, errOut string
	code        cmdutil.ExitCode
}

func execute(t *testing.T, hub *hubtest.Server, format string, args ...string) run {
	t.Helper()
	f, out, errOut, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
	if format == "json" {
		f.Globals.Format = cmdutil.FormatJSON
	}
	err := cmdutil.Execute(t.Context(), NewCmd(f), args...)
	code, _ := cmdutil.ExitCodeOf(err)
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return run{out.String(), errOut.String(), code}
}

func TestJobsRunFollowCancel(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write),
		hubtest.WithJobScript(hubtest.JobScript{Logs: []string{"hello from the job"}}),
		hubtest.WithClock(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)))
	hub.Compute().SetJobScript(func(image string, command []string) hubtest.JobScript {
		switch command[0] {
		case "fail":
			return hubtest.JobScript{Result: "ERROR", Message: "exit 1", Logs: []string{"boom"}}
		case "sleep":
			return hubtest.JobScript{RunningSteps: -1}
		}
		return hubtest.JobScript{Logs: []string{"hello from the job"}, Metrics: []map[string]any{{"cpu_usage_pct": 50, "memory_used_bytes": 2048, "memory_total_bytes": 4096}}}
	})
	secrets := filepath.Join(t.TempDir(), "s.env")
	os.WriteFile(secrets, []byte("TOKEN="+secretValue+"\n"), 0o600)

	// Run and follow to the end.
	r := execute(t, hub, "", "run", "--secrets-file", secrets, "-e", "MODE=prod", "--flavor", "t4-small", "--timeout", "1h", "-l", "team=ml", "python:3.12", "python", "-c", "print(1)")
	if r.code != 0 || !strings.Contains(r.out, "hello from the job") || !strings.Contains(r.errOut, "COMPLETED") {
		t.Fatalf("run = %+v", r)
	}
	ids := hub.Compute().JobIDs()
	if len(ids) != 1 || hub.Compute().JobSecrets(ids[0])["TOKEN"] != secretValue {
		t.Fatalf("jobs %v, secrets %v", ids, hub.Compute().JobSecrets(ids[0]))
	}
	first := ids[0]

	// A failing job: logs, then exit 1.
	if r := execute(t, hub, "", "run", "python:3.12", "fail"); r.code != cmdutil.ExitError || !strings.Contains(r.out, "boom") || !strings.Contains(r.errOut, "exit 1") {
		t.Errorf("failing run = %+v", r)
	}
	// Detached, then ps, logs, cancel, wait.
	r = execute(t, hub, "", "run", "-d", "-s", "K="+secretValue, "python:3.12", "sleep", "1d")
	id := strings.TrimSpace(r.out)
	if r.code != 0 || len(id) != 24 {
		t.Fatalf("run -d = %+v", r)
	}
	steps := []struct {
		format string
		args   []string
		want   string
		code   cmdutil.ExitCode
	}{
		{"", []string{"ps"}, id, 0},
		{"", []string{"ps", "-a", "--label", "team=ml"}, first, 0},
		{"json", []string{"ps", "-a"}, `"flavor": "t4-small"`, 0},
		{"", []string{"inspect", "alice/" + id}, `"stage": "RUNNING"`, 0},
		{"", []string{"logs", first, "-n", "1"}, "hello from the job", 0},
		{"json", []string{"logs", first}, `"data":"hello from the job"`, 0},
		{"", []string{"stats", first}, "", 0}, // finished: no samples
		{"", []string{"cancel", id}, "Canceled job " + id, 0},
		{"", []string{"wait", id}, "", cmdutil.ExitError},
		{"", []string{"wait", first}, "COMPLETED", 0},
		{"", []string{"duplicate", "-d", first}, "", cmdutil.ExitUsage}, // its secret must be given again
		{"", []string{"duplicate", "-d", "-s", "TOKEN=x", first}, "", 0},
		{"", []string{"hardware"}, "a10g-large", 0},
		{"", []string{"labels", first, "-l", "env=prod"}, "env=prod", 0},
		{"json", []string{"inspect", first}, `"env": "prod"`, 0},
		{"", []string{"labels", first}, "", cmdutil.ExitUsage},
		{"json", []string{"run", "-d", "--expose", "8000", "--ssh", "python:3.12", "serve"}, `"sshUrl": "ssh://`, 0},
		{"", []string{"run", "-d", "--expose", "70000", "python:3.12", "serve"}, "", cmdutil.ExitUsage},
		{"", []string{"run", "python:3.12"}, "", cmdutil.ExitUsage},
		{"", []string{"run", "-e", "BAD-NAME=1", "python:3.12", "true"}, "", cmdutil.ExitUsage},
		{"", []string{"run", "--timeout", "soon", "python:3.12", "true"}, "", cmdutil.ExitUsage},
		{"", []string{"run", "--flavor", "h100-giant", "python:3.12", "true"}, "", cmdutil.ExitError},
		{"", []string{"inspect", "0123456789abcdef01234567"}, "", cmdutil.ExitNotFound},
	}
	for _, s := range steps {
		r := execute(t, hub, s.format, s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.want) {
			t.Errorf("hf jobs %s = exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), r.code, r.out, r.errOut, s.code, s.want)
		}
		if strings.Contains(r.out+r.errOut, secretValue) {
			t.Errorf("hf jobs %s printed a secret", strings.Join(s.args, " "))
		}
	}
}

func TestJobsScheduledAndUV(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write), hubtest.WithClock(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)))
	r := execute(t, hub, "", "scheduled", "run", "--concurrency", "@hourly", "python:3.12", "python", "report.py")
	sid := strings.TrimSpace(r.out)
	if r.code != 0 || len(sid) != 24 || !strings.Contains(r.errOut, "2026-03-02 09:00") {
		t.Fatalf("scheduled run = %+v", r)
	}
	if started, _ := hub.Compute().Advance(2 * time.Hour); len(started) != 2 {
		t.Errorf("2 hours: %d runs", len(started))
	}
	script := filepath.Join(t.TempDir(), "train.py")
	os.WriteFile(script, []byte("print('uv')\n"), 0o644)
	steps := []struct {
		format string
		args   []string
		want   string
		code   cmdutil.ExitCode
	}{
		{"", []string{"scheduled", "ps"}, "@hourly", 0},
		{"", []string{"scheduled", "inspect", sid}, `"schedule": "@hourly"`, 0},
		{"", []string{"scheduled", "suspend", sid}, "Suspended", 0},
		{"json", []string{"scheduled", "ps"}, `"suspend": true`, 0},
		{"", []string{"scheduled", "resume", sid}, "Resumed", 0},
		{"", []string{"scheduled", "trigger", sid}, "Started job", 0},
		{"", []string{"scheduled", "labels", sid, "-l", "team=ml"}, "team=ml", 0},
		{"json", []string{"scheduled", "inspect", sid}, `"team": "ml"`, 0},
		{"", []string{"scheduled", "run", "every day", "python:3.12", "true"}, "", cmdutil.ExitUsage},
		{"", []string{"scheduled", "uv", "run", "@daily", "--with", "pandas", script}, "", 0},
		{"", []string{"uv", "run", "-d", "--with", "torch", script, "--epochs", "3"}, "", 0},
		{"", []string{"uv", "run", "-d", filepath.Join(t.TempDir(), "missing.py")}, "", cmdutil.ExitUsage},
		{"", []string{"scheduled", "delete", sid}, "Deleted", 0},
		{"", []string{"scheduled", "inspect", sid}, "", cmdutil.ExitNotFound},
	}
	for _, s := range steps {
		r := execute(t, hub, s.format, s.args...)
		if r.code != s.code || !strings.Contains(r.out, s.want) {
			t.Errorf("hf jobs %s = exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), r.code, r.out, r.errOut, s.code, s.want)
		}
	}
}

func TestJobsLogsFollowCtrlC(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write),
		hubtest.WithJobScript(hubtest.JobScript{RunningSteps: -1, Logs: []string{"step 1"}}))
	r := execute(t, hub, "", "run", "-d", "python:3.12", "train")
	id := strings.TrimSpace(r.out)
	f, _, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
	lines := make(chanWriter, 8)
	f.IO.Out = lines
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmdutil.Execute(ctx, NewCmd(f), "logs", "-f", id) }()
	if l := <-lines; l != "step 1\n" {
		t.Fatalf("first line %q", l)
	}
	cancel()
	if code, _ := cmdutil.ExitCodeOf(<-done); code != cmdutil.ExitInterrupted {
		t.Errorf("exit %d, want 130", code)
	}
	if st := hub.Compute().JobStage(id); st != "RUNNING" {
		t.Errorf("Ctrl-C on logs changed the job: %s", st)
	}
}

type chanWriter chan string

func (w chanWriter) Write(b []byte) (int, error) { w <- string(b); return len(b), nil }

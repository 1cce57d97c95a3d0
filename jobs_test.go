package hfhub

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

var fastJobWait = &WaitForJobOptions{PollInterval: time.Millisecond}

func newJobsHub(t *testing.T, opts ...hubtest.Option) (*hubtest.Server, *Client) {
	t.Helper()
	hub := newWriteHub(t, opts...)
	return hub, newWriteClient(t, hub, WithToken(writeToken))
}

func TestRunJobLifecycle(t *testing.T) {
	var logs bytes.Buffer
	hub, _ := newJobsHub(t, hubtest.WithJobScript(hubtest.JobScript{
		SchedulingSteps: 1, RunningSteps: 2, Logs: []string{"hello", "world"},
		Metrics: []map[string]any{{"cpu_usage_pct": 12.5, "memory_used_bytes": 1024, "gpus": map[string]any{"g0": map[string]any{"utilization": 50}}}},
	}))
	c := newWriteClient(t, hub, WithToken(writeToken), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	ctx := t.Context()
	const secret = "hf_job_secret_value"
	j, err := c.RunJob(ctx, &JobSpec{
		Image: "python:3.12", Command: []string{"python", "-c", "print('hello')"},
		Env: map[string]string{"MODE": "test"}, Secrets: map[string]string{"HF_TOKEN": secret},
		Flavor: "t4-small", Timeout: 5 * time.Minute, Name: "greet", Labels: map[string]string{"team": "ml"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if j.Status.Stage != JobStageScheduling || j.Owner.Name != "alice" || j.DockerImage != "python:3.12" || j.Flavor != "t4-small" ||
		j.TimeoutSeconds != 300 || j.Labels["name"] != "greet" || j.Labels["team"] != "ml" || j.URL != hub.URL+"/jobs/alice/"+j.ID {
		t.Errorf("RunJob = %+v", j)
	}
	if got := j.SecretNames(); !slices.Equal(got, []string{"HF_TOKEN"}) || j.Secrets["HF_TOKEN"] != nil {
		t.Errorf("secrets = %v (%v), want the name only", got, j.Secrets)
	}
	if hub.Compute().JobSecrets(j.ID)["HF_TOKEN"] != secret {
		t.Error("the secret did not reach the Hub")
	}

	// Logs: follow until the job ends (the banner is left out).
	var lines []string
	for l, err := range c.JobLogs(ctx, j.ID, &JobLogsOptions{Follow: true}) {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l.Text)
		if len(lines) == 1 {
			// Metrics stream while running.
			for m, err := range c.JobMetrics(ctx, j.ID, &JobMetricsOptions{IdleTimeout: time.Second}) {
				if err != nil || m.CPUUsagePct != 12.5 || m.GPUs["g0"].Utilization != 50 {
					t.Errorf("metrics = %+v, %v", m, err)
				}
				break
			}
		}
		if len(lines) == 2 {
			go c.WaitForJob(context.WithoutCancel(ctx), j.ID, fastJobWait) // moves the job on
		}
	}
	if !slices.Equal(lines, []string{"hello", "world"}) {
		t.Errorf("followed logs = %q", lines)
	}
	done, err := c.WaitForJob(ctx, j.ID, fastJobWait)
	if err != nil || done.Status.Stage != JobStageCompleted || done.FinishedAt == nil || done.StartedAt == nil {
		t.Fatalf("WaitForJob = %+v, %v", done, err)
	}
	// Tail of a finished job.
	lines = nil
	for l, err := range c.JobLogs(ctx, j.ID, &JobLogsOptions{Tail: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l.Text)
	}
	if !slices.Equal(lines, []string{"world"}) {
		t.Errorf("tail 1 = %q", lines)
	}
	if reqs := hub.Requests(); !slices.ContainsFunc(reqs, func(r hubtest.Request) bool { return strings.HasSuffix(r.Path, "/logs") && r.Query.Get("tail") == "1" }) {
		t.Error("no ?tail=1 sent")
	}

	// Inspect, list with filters, labels.
	got, err := c.InspectJob(ctx, "alice/"+j.ID, nil)
	if err == nil {
		t.Errorf("InspectJob with a namespaced id should be split by the caller: %+v", got)
	}
	ns, id := SplitJobID("alice/" + j.ID)
	if got, err = c.InspectJob(ctx, id, &JobOptions{Namespace: ns}); err != nil || got.ID != j.ID {
		t.Fatalf("InspectJob = %+v, %v", got, err)
	}
	if got, err = c.UpdateJobLabels(ctx, j.ID, map[string]string{"env": "prod"}, nil); err != nil || got.Labels["env"] != "prod" || got.Labels["team"] != "" {
		t.Fatalf("UpdateJobLabels = %+v, %v", got, err)
	}
	j2, err := c.RunJob(ctx, &JobSpec{Image: "hf.co/spaces/alice/tool", Command: []string{"run"}})
	if err != nil || j2.SpaceID != "alice/tool" || j2.DockerImage != "" || j2.Image() != "hf.co/spaces/alice/tool" || j2.Flavor != "cpu-basic" {
		t.Fatalf("RunJob from a Space = %+v, %v", j2, err)
	}
	all, err := Collect(c.ListJobs(ctx, nil))
	if err != nil || len(all) != 2 || all[0].ID != j2.ID {
		t.Fatalf("ListJobs = %d jobs, %v", len(all), err)
	}
	prod, err := Collect(c.ListJobs(ctx, &ListJobsOptions{Labels: map[string]string{"env": "prod"}}))
	if err != nil || len(prod) != 1 || prod[0].ID != j.ID {
		t.Errorf("ListJobs by label = %+v, %v", prod, err)
	}
	completed, err := Collect(c.ListJobs(ctx, &ListJobsOptions{Stages: []string{"completed"}}))
	if err != nil || len(completed) != 1 {
		t.Errorf("ListJobs by stage = %+v, %v", completed, err)
	}

	// Cancel.
	if err := c.CancelJob(ctx, j2.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForJob(ctx, j2.ID, fastJobWait)
	if je, ok := errors.AsType[*JobError](err); !ok || !errors.Is(err, ErrJobFailed) || je.Stage != JobStageCanceled {
		t.Errorf("WaitForJob of a canceled job: error = %v", err)
	}
	if err := c.CancelJob(ctx, j2.ID, nil); !errors.Is(err, ErrBadRequest) {
		t.Errorf("cancel a canceled job: error = %v, want ErrBadRequest", err)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("debug log shows the secret")
	}

	hw, err := c.ListJobsHardware(ctx)
	if err != nil || len(hw) == 0 || hw[0].Name != "cpu-basic" {
		t.Errorf("ListJobsHardware = %v, %v", hw, err)
	}
}

func TestRunJobRefusedBeforeAnyRequest(t *testing.T) {
	hub, c := newJobsHub(t)
	ctx := t.Context()
	for name, spec := range map[string]*JobSpec{
		"no spec":          nil,
		"empty command":    {Image: "python:3.12"},
		"blank command":    {Image: "python:3.12", Command: []string{"", " "}},
		"no image":         {Command: []string{"true"}},
		"invalid env name": {Image: "python", Command: []string{"true"}, Env: map[string]string{"MY-VAR": "1"}},
		"invalid secret":   {Image: "python", Command: []string{"true"}, Secrets: map[string]string{"1X": "1"}},
		"name twice":       {Image: "python", Command: []string{"true"}, Name: "a", Labels: map[string]string{"name": "b"}},
		"sub-second":       {Image: "python", Command: []string{"true"}, Timeout: time.Millisecond},
		"relative volume":  {Image: "python", Command: []string{"true"}, Volumes: []Volume{{Type: "model", Source: "a/b", MountPath: "x"}}},
		"bad namespace":    {Image: "python", Command: []string{"true"}, Namespace: "a/b"},
	} {
		if _, err := c.RunJob(ctx, spec); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: error = %v, want ErrValidation", name, err)
		}
	}
	if _, err := c.CreateScheduledJob(ctx, "every minute", &JobSpec{Image: "python", Command: []string{"true"}}, nil); !errors.Is(err, ErrValidation) {
		t.Errorf("bad schedule: error = %v", err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
	// Server-side errors.
	if _, err := c.InspectJob(ctx, "0123456789abcdef01234567", nil); !errors.Is(err, ErrRepoNotFound) && !errors.Is(err, ErrEntryNotFound) {
		if he, ok := errors.AsType[*HubError](err); !ok || he.StatusCode != 404 {
			t.Errorf("missing job: error = %v, want a 404", err)
		}
	}
	if _, err := c.RunJob(ctx, &JobSpec{Image: "python", Command: []string{"true"}, Flavor: "h100-giant"}); !errors.Is(err, ErrBadRequest) {
		t.Errorf("unknown flavor: error = %v, want ErrBadRequest", err)
	}
	if _, err := c.RunJob(ctx, &JobSpec{Image: "python", Command: []string{"true"}, Namespace: "bob"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("another namespace: error = %v, want ErrForbidden", err)
	}
	anon := newWriteClient(t, hub, WithAnonymous())
	if _, err := anon.RunJob(ctx, &JobSpec{Image: "python", Command: []string{"true"}}); !errors.Is(err, ErrNoToken) && !errors.Is(err, ErrUnauthorized) {
		t.Errorf("anonymous: error = %v, want ErrNoToken", err)
	}
}

func TestJobFailureTimeoutAndDuplicate(t *testing.T) {
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	hub, c := newJobsHub(t, hubtest.WithClock(start))
	ctx := t.Context()
	hub.Compute().SetJobScript(func(image string, command []string) hubtest.JobScript {
		if command[0] == "fail" {
			return hubtest.JobScript{Result: JobStageError, Message: "exit code 3"}
		}
		return hubtest.JobScript{RunningSteps: 1 << 30} // runs until stopped
	})
	j, err := c.RunJob(ctx, &JobSpec{Image: "python", Command: []string{"fail"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForJob(ctx, j.ID, fastJobWait)
	if je, ok := errors.AsType[*JobError](err); !ok || je.Stage != JobStageError || !strings.Contains(err.Error(), "exit code 3") || !strings.Contains(err.Error(), "hf jobs logs") {
		t.Errorf("failed job: error = %v", err)
	}

	long, err := c.RunJob(ctx, &JobSpec{Image: "python", Command: []string{"sleep", "1d"}, Timeout: time.Hour, Env: map[string]string{"A": "1"}, Secrets: map[string]string{"K": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.InspectJob(ctx, long.ID, nil); err != nil { // SCHEDULING, then RUNNING
			t.Fatal(err)
		}
	}
	if _, err := hub.Compute().Advance(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := c.InspectJob(ctx, long.ID, nil)
	if err != nil || got.Status.Stage != JobStageError || !strings.Contains(got.Status.Message, "timed out") {
		t.Errorf("after the timeout: %+v, %v", got.Status, err)
	}

	// Duplicate: the secret must be given again.
	if _, err := c.DuplicateJob(ctx, long.ID, nil); !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), "K") {
		t.Errorf("duplicate without the secret: error = %v", err)
	}
	dup, err := c.DuplicateJob(ctx, long.ID, &DuplicateJobOptions{Secrets: map[string]string{"K": "v2"}})
	if err != nil || dup.ID == long.ID || !slices.Equal(dup.Command, long.Command) || dup.Environment["A"] != "1" || dup.TimeoutSeconds != 3600 {
		t.Fatalf("DuplicateJob = %+v, %v", dup, err)
	}
	if hub.Compute().JobSecrets(dup.ID)["K"] != "v2" {
		t.Error("duplicate's secret not sent")
	}
	// FinishJob from the test.
	if err := hub.Compute().FinishJob(dup.ID, JobStageCompleted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForJob(ctx, dup.ID, fastJobWait); err != nil {
		t.Errorf("WaitForJob after FinishJob: %v", err)
	}
}

func TestScheduledJobsWithTestClock(t *testing.T) {
	start := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC) // a Monday
	hub, c := newJobsHub(t, hubtest.WithClock(start))
	ctx := t.Context()
	spec := &JobSpec{Image: "python:3.12", Command: []string{"python", "report.py"}, Secrets: map[string]string{"TOKEN": "x"}}
	sj, err := c.CreateScheduledJob(ctx, "@hourly", spec, &ScheduledJobOptions{Concurrency: true})
	if err != nil {
		t.Fatal(err)
	}
	if sj.Schedule != "@hourly" || sj.Suspend || sj.Status.NextJobRunAt == nil || !sj.Status.NextJobRunAt.Equal(start.Add(30*time.Minute)) ||
		sj.JobSpec.DockerImage != "python:3.12" || sj.Owner.Name != "alice" {
		t.Fatalf("CreateScheduledJob = %+v", sj)
	}
	if _, ok := sj.JobSpec.Secrets["TOKEN"]; !ok || sj.JobSpec.Secrets["TOKEN"] != "" {
		t.Errorf("scheduled secrets = %v, want the name without its value", sj.JobSpec.Secrets)
	}
	weekly, err := c.CreateScheduledJob(ctx, "0 9 * * 1", spec, &ScheduledJobOptions{Suspend: true})
	if err != nil || !weekly.Suspend || weekly.Status.NextJobRunAt != nil {
		t.Fatalf("suspended = %+v, %v", weekly, err)
	}

	// Two hours pass: two hourly runs, none of the suspended one.
	started, err := hub.Compute().Advance(2 * time.Hour)
	if err != nil || len(started) != 2 {
		t.Fatalf("Advance started %v, %v; want 2 runs", started, err)
	}
	run, err := c.InspectJob(ctx, started[1], nil)
	if err != nil || run.Initiator == nil || run.Initiator.Type != "scheduled-job" || run.Initiator.ID != sj.ID || !run.CreatedAt.Equal(start.Add(90*time.Minute)) {
		t.Errorf("scheduled run = %+v, %v", run, err)
	}
	if hub.Compute().JobSecrets(started[0])["TOKEN"] != "x" {
		t.Error("scheduled run lacks the secret")
	}
	got, err := c.InspectScheduledJob(ctx, sj.ID, nil)
	if err != nil || got.Status.LastJob == nil || got.Status.LastJob.ID != started[1] || !got.Status.NextJobRunAt.Equal(start.Add(150*time.Minute)) {
		t.Errorf("InspectScheduledJob = %+v, %v", got.Status, err)
	}

	// Without concurrency a run is skipped while the previous one runs.
	single, err := c.CreateScheduledJob(ctx, "*/10 * * * *", spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if started, _ := hub.Compute().Advance(25 * time.Minute); len(started) != 1 {
		t.Errorf("without concurrency: %d runs in 25 minutes of a 10-minute schedule, want 1 (the first is still scheduling)", len(started))
	}
	if err := c.DeleteScheduledJob(ctx, single.ID, nil); err != nil {
		t.Fatal(err)
	}

	// Suspend the hourly one, resume the weekly one: the next Monday 9:00.
	if err := c.SuspendScheduledJob(ctx, sj.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.ResumeScheduledJob(ctx, weekly.ID, nil); err != nil {
		t.Fatal(err)
	}
	started, _ = hub.Compute().Advance(7 * 24 * time.Hour)
	if len(started) != 1 || !strings.HasPrefix(hub.Compute().Now().Format(time.RFC3339), "2026-03-09T10:55") {
		t.Errorf("a week later: %d runs, want 1 (the weekly one)", len(started))
	}
	list, err := c.ListScheduledJobs(ctx, nil)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListScheduledJobs = %v, %v", list, err)
	}
	trig, err := c.TriggerScheduledJob(ctx, sj.ID, nil)
	if err != nil || trig.Initiator == nil || trig.Initiator.ID != sj.ID {
		t.Errorf("TriggerScheduledJob = %+v, %v", trig, err)
	}
	if err := c.DeleteScheduledJob(ctx, sj.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InspectScheduledJob(ctx, sj.ID, nil); err == nil {
		t.Error("deleted schedule still there")
	}
	if list, _ = c.ListScheduledJobs(ctx, nil); len(list) != 1 {
		t.Errorf("after delete: %d schedules", len(list))
	}
}

func TestUVJobSpec(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "train model.py")
	if err := os.WriteFile(script, []byte("print('hi')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := UVJobSpec(script, []string{"--epochs", "3", "it's"}, &UVJobOptions{With: []string{"torch"}, Python: "3.12", JobSpec: JobSpec{Env: map[string]string{"A": "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if spec.Image != DefaultUVImage || spec.Command[0] != "bash" || spec.Env["A"] != "1" || spec.Name != "train model" {
		t.Errorf("spec = %+v", spec)
	}
	if want := `echo "$UV_SCRIPT_ENCODED" | base64 -d > /tmp/script.py && uv run --with torch --python 3.12 /tmp/script.py --epochs 3 'it'\''s'`; spec.Command[2] != want {
		t.Errorf("command = %s\nwant      %s", spec.Command[2], want)
	}
	if b, _ := base64.StdEncoding.DecodeString(spec.Env["UV_SCRIPT_ENCODED"]); string(b) != "print('hi')\n" {
		t.Errorf("encoded script = %q", b)
	}
	url, err := UVJobSpec("https://example.com/s.py", []string{"x"}, nil)
	if err != nil || !slices.Equal(url.Command, []string{"uv", "run", "https://example.com/s.py", "x"}) {
		t.Errorf("URL spec = %+v, %v", url, err)
	}
	if _, err := UVJobSpec(filepath.Join(dir, "missing.py"), nil, nil); !errors.Is(err, ErrValidation) {
		t.Errorf("missing script: error = %v", err)
	}
	if _, err := UVJobSpec("", nil, nil); !errors.Is(err, ErrValidation) {
		t.Errorf("empty script: error = %v", err)
	}

	_, c := newJobsHub(t)
	j, err := c.RunUVJob(t.Context(), script, nil, nil)
	if err != nil || j.Command[0] != "bash" || j.Environment["UV_SCRIPT_ENCODED"] == "" || j.Labels["name"] != "train model" {
		t.Fatalf("RunUVJob = %+v, %v", j, err)
	}
}

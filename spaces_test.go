package hfhub

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

// newSpaceHub starts a hub where alice owns the gradio Space alice/app and
// the static Space alice/site.
func newSpaceHub(t *testing.T, opts ...hubtest.Option) (*hubtest.Server, *Client) {
	t.Helper()
	hub := newWriteHub(t, append([]hubtest.Option{
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "alice/app", Files: map[string][]byte{
			"README.md": []byte("---\nsdk: gradio\n---\n"), "app.py": []byte("print('hi')\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "alice/site", Files: map[string][]byte{
			"README.md": []byte("---\nsdk: static\n---\n"), "index.html": []byte("<p>hi</p>")}}),
	}, opts...)...)
	return hub, newWriteClient(t, hub, WithToken(writeToken))
}

var fastWait = &WaitForSpaceOptions{PollInterval: time.Millisecond}

func TestSpaceRuntimeLifecycle(t *testing.T) {
	hub, c := newSpaceHub(t)
	ctx := t.Context()

	rt, err := c.SpaceRuntime(ctx, "alice/app")
	if err != nil {
		t.Fatal(err)
	}
	if rt.Stage != SpaceBuilding || rt.RequestedHardware() != "cpu-basic" || rt.CurrentHardware() != "" {
		t.Errorf("first runtime = %+v, want BUILDING on requested cpu-basic", rt)
	}
	if d, ok := rt.SleepTime(); !ok || d != 48*time.Hour {
		t.Errorf("SleepTime() = %v, %v, want 48h", d, ok)
	}
	rt, err = c.WaitForSpace(ctx, "alice/app", fastWait)
	if err != nil || rt.Stage != SpaceRunning || rt.CurrentHardware() != "cpu-basic" {
		t.Fatalf("WaitForSpace = %+v, %v", rt, err)
	}

	// Hardware: the Space restarts on it; a sleep time is then allowed.
	sleep := int64(600)
	rt, err = c.RequestSpaceHardware(ctx, "alice/app", "t4-medium", &RequestSpaceHardwareOptions{SleepTime: &sleep})
	if err != nil || rt.Stage != SpaceBuilding || rt.RequestedHardware() != "t4-medium" || rt.GCTimeout != 600 {
		t.Fatalf("RequestSpaceHardware = %+v, %v", rt, err)
	}
	if rt, err = c.SetSpaceSleepTime(ctx, "alice/app", 3600); err != nil || rt.GCTimeout != 3600 {
		t.Fatalf("SetSpaceSleepTime = %+v, %v", rt, err)
	}
	if rt, err = c.WaitForSpace(ctx, "alice/app", fastWait); err != nil || rt.CurrentHardware() != "t4-medium" {
		t.Fatalf("WaitForSpace after hardware = %+v, %v", rt, err)
	}

	// Pause, then restart (a paused Space can be restarted).
	if rt, err = c.PauseSpace(ctx, "alice/app"); err != nil || rt.Stage != SpacePaused {
		t.Fatalf("PauseSpace = %+v, %v", rt, err)
	}
	_, err = c.WaitForSpace(ctx, "alice/app", fastWait)
	if !errors.Is(err, ErrSpaceNotRunning) || !strings.Contains(err.Error(), "PAUSED") || !strings.Contains(err.Error(), "hf spaces restart alice/app") {
		t.Errorf("WaitForSpace on a paused Space: error = %v, want ErrSpaceNotRunning naming PAUSED and the fix", err)
	}
	restarts := hub.Compute().SpaceRestarts("alice/app")
	if rt, err = c.RestartSpace(ctx, "alice/app", &RestartSpaceOptions{FactoryReboot: true}); err != nil || rt.Stage != SpaceBuilding {
		t.Fatalf("RestartSpace = %+v, %v", rt, err)
	}
	if got := hub.Compute().SpaceRestarts("alice/app"); got != restarts+1 {
		t.Errorf("restarts = %d, want %d", got, restarts+1)
	}
	if reqs := hub.Requests(); !slices.ContainsFunc(reqs, func(r hubtest.Request) bool {
		return r.Method == "POST" && r.Path == "/api/spaces/alice/app/restart" && r.Query.Get("factory") == "true"
	}) {
		t.Errorf("no POST restart?factory=true in %v", reqs)
	}

	// Dev mode, storage, volumes.
	if rt, err = c.EnableSpaceDevMode(ctx, "alice/app"); err != nil || !rt.DevMode {
		t.Fatalf("EnableSpaceDevMode = %+v, %v", rt, err)
	}
	if rt, err = c.DisableSpaceDevMode(ctx, "alice/app"); err != nil || rt.DevMode {
		t.Fatalf("DisableSpaceDevMode = %+v, %v", rt, err)
	}
	if rt, err = c.RequestSpaceStorage(ctx, "alice/app", "medium"); err != nil || rt.StorageTier() != "medium" {
		t.Fatalf("RequestSpaceStorage = %+v, %v", rt, err)
	}
	if _, err = c.RequestSpaceStorage(ctx, "alice/app", "small"); !errors.Is(err, ErrSpaceStage) || !errors.Is(err, ErrBadRequest) {
		t.Errorf("storage downgrade: error = %v, want ErrSpaceStage and ErrBadRequest", err)
	}
	if rt, err = c.DeleteSpaceStorage(ctx, "alice/app"); err != nil || rt.StorageTier() != "" {
		t.Fatalf("DeleteSpaceStorage = %+v, %v", rt, err)
	}
	if _, err = c.DeleteSpaceStorage(ctx, "alice/app"); !errors.Is(err, ErrSpaceStage) {
		t.Errorf("DeleteSpaceStorage without storage: error = %v, want ErrSpaceStage", err)
	}
	ro := true
	vols := []Volume{{Type: "model", Source: "alice/repo", MountPath: "/models", ReadOnly: &ro}, {Type: "bucket", Source: "alice/b", MountPath: "/data", Path: "sub"}}
	if err = c.SetSpaceVolumes(ctx, "alice/app", vols); err != nil {
		t.Fatal(err)
	}
	if rt, err = c.SpaceRuntime(ctx, "alice/app"); err != nil || len(rt.Volumes) != 2 || rt.Volumes[1].Path != "sub" || rt.Volumes[0].ReadOnly == nil {
		t.Fatalf("runtime volumes = %+v, %v", rt.Volumes, err)
	}
	if err = c.DeleteSpaceVolumes(ctx, "alice/app"); err != nil {
		t.Fatal(err)
	}
	if err = c.DeleteSpaceVolumes(ctx, "alice/app"); !errors.Is(err, ErrSpaceStage) {
		t.Errorf("DeleteSpaceVolumes without volumes: error = %v, want ErrSpaceStage", err)
	}

	// Space info carries the same runtime.
	info, err := c.SpaceInfo(ctx, "alice/app", nil)
	if err != nil || info.Runtime == nil || info.Runtime.RequestedHardware() != "t4-medium" {
		t.Fatalf("SpaceInfo runtime = %+v, %v", info, err)
	}
}

func TestSpaceWrongStages(t *testing.T) {
	_, c := newSpaceHub(t)
	ctx := t.Context()
	rt, err := c.SpaceRuntime(ctx, "alice/site")
	if err != nil || rt.Stage != SpaceRunning || rt.RequestedHardware() != "" {
		t.Fatalf("static runtime = %+v, %v", rt, err)
	}
	tests := []struct {
		name string
		call func() error
		op   string
	}{
		{"pause a static Space", func() error { _, err := c.PauseSpace(ctx, "alice/site"); return err }, "pause"},
		{"restart a static Space", func() error { _, err := c.RestartSpace(ctx, "alice/site", nil); return err }, "restart"},
		{"dev mode on a static Space", func() error { _, err := c.EnableSpaceDevMode(ctx, "alice/site"); return err }, "enable dev mode"},
		{"hardware for a static Space", func() error { _, err := c.RequestSpaceHardware(ctx, "alice/site", "t4-small", nil); return err }, "request hardware t4-small"},
		{"sleep time on cpu-basic", func() error { _, err := c.SetSpaceSleepTime(ctx, "alice/app", 300); return err }, "set the sleep time"},
		{"unknown flavor", func() error { _, err := c.RequestSpaceHardware(ctx, "alice/app", "h100-giant", nil); return err }, "request hardware h100-giant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			se, ok := errors.AsType[*SpaceStageError](err)
			if !ok || !errors.Is(err, ErrSpaceStage) || se.Op != tt.op || se.Message == "" || se.RepoID == "" {
				t.Fatalf("error = %#v, want a *SpaceStageError for %q with the Hub's message", err, tt.op)
			}
		})
	}

	// Refused before any request.
	for name, call := range map[string]func() error{
		"bad repo id": func() error { _, err := c.SpaceRuntime(ctx, "a//b"); return err },
		"no flavor":   func() error { _, err := c.RequestSpaceHardware(ctx, "alice/app", "", nil); return err },
		"sleep time with cpu-basic": func() error {
			s := int64(5)
			_, err := c.RequestSpaceHardware(ctx, "alice/app", "cpu-basic", &RequestSpaceHardwareOptions{SleepTime: &s})
			return err
		},
		"storage tier": func() error { _, err := c.RequestSpaceStorage(ctx, "alice/app", "huge"); return err },
		"relative volume path": func() error {
			return c.SetSpaceVolumes(ctx, "alice/app", []Volume{{Type: "model", Source: "a/b", MountPath: "data"}})
		},
		"no volumes":            func() error { return c.SetSpaceVolumes(ctx, "alice/app", nil) },
		"invalid secret name":   func() error { return c.AddSpaceSecret(ctx, "alice/app", "1BAD", "x", nil) },
		"invalid variable name": func() error { _, err := c.AddSpaceVariable(ctx, "alice/app", "A-B", "x", nil); return err },
		"sleep time below -1":   func() error { _, err := c.SetSpaceSleepTime(ctx, "alice/app", -5); return err },
		"duplicate with space opts": func() error {
			_, err := c.DuplicateRepo(ctx, "alice/repo", &DuplicateRepoOptions{SpaceHardware: "t4-small"})
			return err
		},
		"duplicate with bad vis": func() error {
			_, err := c.DuplicateRepo(ctx, "alice/app", &DuplicateRepoOptions{RepoType: RepoSpace, Visibility: "secret"})
			return err
		},
	} {
		if err := call(); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: error = %v, want ErrValidation", name, err)
		}
	}

	// Not found and no token.
	if _, err := c.SpaceRuntime(ctx, "alice/none"); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing Space: error = %v, want ErrRepoNotFound", err)
	}
}

func TestSpaceWaitFailuresAndDeadline(t *testing.T) {
	hub, c := newSpaceHub(t)
	ctx := t.Context()
	hub.Compute().SetSpaceScript("alice/app", hubtest.SpaceScript{BuildSteps: 2, Result: SpaceBuildError, ErrorMessage: "pip install failed"})
	if _, err := c.RestartSpace(ctx, "alice/app", nil); err != nil {
		t.Fatal(err)
	}
	rt, err := c.WaitForSpace(ctx, "alice/app", fastWait)
	se, ok := errors.AsType[*SpaceStageError](err)
	if !ok || !errors.Is(err, ErrSpaceNotRunning) || se.Stage != SpaceBuildError || se.Message != "pip install failed" ||
		rt == nil || rt.Stage != SpaceBuildError || !strings.Contains(err.Error(), "--build") {
		t.Fatalf("WaitForSpace = %+v, %v; want BUILD_ERROR with its message and a --build hint", rt, err)
	}

	// A build that never ends: the context deadline stops the wait.
	hub.Compute().SetSpaceScript("alice/app", hubtest.SpaceScript{BuildSteps: 1 << 30})
	if _, err := c.RestartSpace(ctx, "alice/app", nil); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	rt, err = c.WaitForSpace(dctx, "alice/app", fastWait)
	if !errors.Is(err, context.DeadlineExceeded) || rt == nil || rt.Stage != SpaceBuilding || !strings.Contains(err.Error(), "BUILDING") {
		t.Fatalf("WaitForSpace past the deadline = %+v, %v", rt, err)
	}

	// A crash of a running Space is seen by the next wait.
	hub.Compute().SetSpaceScript("alice/app", hubtest.SpaceScript{StartSteps: 1})
	if _, err := c.RestartSpace(ctx, "alice/app", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForSpace(ctx, "alice/app", fastWait); err != nil {
		t.Fatal(err)
	}
	if err := hub.Compute().SetSpaceStage("alice/app", SpaceRuntimeError, "segfault"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForSpace(ctx, "alice/app", fastWait); !errors.Is(err, ErrSpaceNotRunning) || !strings.Contains(err.Error(), "segfault") {
		t.Errorf("WaitForSpace after a crash: error = %v", err)
	}
}

func TestSpaceSecretsAndVariables(t *testing.T) {
	var logs bytes.Buffer
	hub, _ := newSpaceHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	ctx := t.Context()
	const secret = "sk-very-secret-value"
	if err := c.AddSpaceSecret(ctx, "alice/app", "OPENAI_KEY", secret, &SpaceKeyOptions{Description: "the key"}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddSpaceSecret(ctx, "alice/app", "OTHER", "x", nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.SpaceSecrets(ctx, "alice/app")
	if err != nil || len(got) != 2 || got[0].Key != "OPENAI_KEY" || got[0].Description != "the key" || got[0].UpdatedAt == nil {
		t.Fatalf("SpaceSecrets = %+v, %v", got, err)
	}
	if v := hub.Compute().SpaceSecrets("alice/app")["OPENAI_KEY"]; v != secret {
		t.Errorf("secret reached the Hub as %q", v)
	}
	if err := c.DeleteSpaceSecret(ctx, "alice/app", "OTHER"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSpaceSecret(ctx, "alice/app", "NEVER_SET"); err != nil {
		t.Errorf("deleting a missing secret: %v", err)
	}
	if got, _ := c.SpaceSecrets(ctx, "alice/app"); len(got) != 1 {
		t.Errorf("after delete: %+v", got)
	}
	// A secret of a Space one may not write is refused; its value shows
	// nowhere.
	if err := newWriteClient(t, hub, WithToken(readToken)).AddSpaceSecret(ctx, "alice/app", "K", secret, nil); !errors.Is(err, ErrForbidden) || strings.Contains(err.Error(), secret) {
		t.Errorf("read token: error = %v", err)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("debug log shows the secret:\n%s", logs.String())
	}

	vars, err := c.AddSpaceVariable(ctx, "alice/app", "MODEL_ID", "gpt2", nil)
	if err != nil || len(vars) != 1 || vars[0].Value != "gpt2" {
		t.Fatalf("AddSpaceVariable = %+v, %v", vars, err)
	}
	if vars, err = c.AddSpaceVariable(ctx, "alice/app", "MODEL_ID", "gpt2-xl", &SpaceKeyOptions{Description: "which"}); err != nil || vars[0].Value != "gpt2-xl" || vars[0].Description != "which" {
		t.Fatalf("update variable = %+v, %v", vars, err)
	}
	if vars, err = c.AddSpaceVariable(ctx, "alice/app", "DEBUG", "1", nil); err != nil || len(vars) != 2 || vars[0].Key != "DEBUG" {
		t.Fatalf("second variable = %+v, %v", vars, err)
	}
	if vars, err = c.DeleteSpaceVariable(ctx, "alice/app", "DEBUG"); err != nil || len(vars) != 1 {
		t.Fatalf("DeleteSpaceVariable = %+v, %v", vars, err)
	}
	if vars, err = c.SpaceVariables(ctx, "alice/app"); err != nil || len(vars) != 1 || vars[0].Key != "MODEL_ID" {
		t.Fatalf("SpaceVariables = %+v, %v", vars, err)
	}
}

func TestSpaceLogs(t *testing.T) {
	hub, c := newSpaceHub(t, hubtest.WithSpaceScript(hubtest.SpaceScript{
		BuildSteps: 1,
		BuildLogs:  []string{"Step 1/2 : FROM python", "Step 2/2 : RUN pip install"},
		RunLogs:    []string{"Running on local URL:  http://0.0.0.0:7860"},
	}))
	ctx := t.Context()
	if _, err := c.SpaceRuntime(ctx, "alice/app"); err != nil { // BUILDING
		t.Fatal(err)
	}
	// Build log while building: the stream stays open; a non-followed read
	// returns the buffered lines once idle.
	var got []string
	for l, err := range c.SpaceLogs(ctx, "alice/app", &SpaceLogsOptions{Build: true, IdleTimeout: 100 * time.Millisecond}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l.Text)
	}
	if want := []string{"Step 1/2 : FROM python", "Step 2/2 : RUN pip install"}; !slices.Equal(got, want) {
		t.Errorf("build log = %q, want %q", got, want)
	}

	// Follow the build log: a line appended later arrives on the open
	// stream, and the stream ends when the build does.
	follow := c.SpaceLogs(ctx, "alice/app", &SpaceLogsOptions{Build: true, Follow: true})
	got = nil
	for l, err := range follow {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l.Text)
		switch len(got) {
		case 2:
			if err := hub.Compute().AppendSpaceLogs("alice/app", true, "Successfully built"); err != nil {
				t.Fatal(err)
			}
		case 3:
			if _, err := c.WaitForSpace(ctx, "alice/app", fastWait); err != nil { // ends the build
				t.Fatal(err)
			}
		}
		if l.Time.IsZero() {
			t.Errorf("line %q has no time", l.Text)
		}
	}
	if len(got) != 3 || got[2] != "Successfully built" {
		t.Errorf("followed build log = %q", got)
	}

	// Run log: break out of a followed stream.
	for l, err := range c.SpaceLogs(ctx, "alice/app", &SpaceLogsOptions{Follow: true}) {
		if err != nil || !strings.Contains(l.Text, "7860") {
			t.Fatalf("run log line = %q, %v", l.Text, err)
		}
		break
	}

	// Cancelling the context ends a followed stream with its error.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var lastErr error
	for _, err := range c.SpaceLogs(cctx, "alice/app", &SpaceLogsOptions{Follow: true}) {
		if err != nil {
			lastErr = err
			break
		}
		cancel()
	}
	if !errors.Is(lastErr, context.Canceled) {
		t.Errorf("cancelled stream: error = %v, want context.Canceled", lastErr)
	}

	// A finished Space's log ends without waiting for the idle timeout.
	if _, err := c.PauseSpace(ctx, "alice/app"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.SpaceLogs(ctx, "alice/app", &SpaceLogsOptions{IdleTimeout: time.Hour}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("paused Space run log: %d lines, want 1", n)
	}
	for _, err := range c.SpaceLogs(ctx, "alice/none", nil) {
		if !errors.Is(err, ErrRepoNotFound) {
			t.Errorf("logs of a missing Space: error = %v", err)
		}
	}
}

func TestSpaceHardwareTemplatesDuplicate(t *testing.T) {
	hub, c := newSpaceHub(t)
	ctx := t.Context()
	hw, err := c.ListSpacesHardware(ctx)
	if err != nil || len(hw) < 5 || hw[0].Name != "cpu-basic" || hw[0].Accelerator != nil {
		t.Fatalf("ListSpacesHardware = %+v, %v", hw, err)
	}
	if i := slices.IndexFunc(hw, func(h HardwareFlavor) bool { return h.Name == "t4-medium" }); i < 0 || hw[i].Accelerator == nil || hw[i].UnitCostUSD <= 0 {
		t.Errorf("t4-medium = %+v", hw)
	}
	tpl, err := c.ListSpaceTemplates(ctx)
	if err != nil || len(tpl) == 0 || tpl[0].RepoID == "" || tpl[0].SDK == "" {
		t.Fatalf("ListSpaceTemplates = %+v, %v", tpl, err)
	}

	if err := c.AddSpaceSecret(ctx, "alice/app", "TOKEN", "s3cret", nil); err != nil {
		t.Fatal(err)
	}
	sleep := int64(-1)
	u, err := c.DuplicateRepo(ctx, "alice/app", &DuplicateRepoOptions{
		RepoType: RepoSpace, To: "app-copy", Visibility: "private", SpaceHardware: "t4-small", SpaceSleepTime: &sleep,
		SpaceSecrets:   []SpaceKeyValue{{Key: "EXTRA", Value: "v"}},
		SpaceVariables: []SpaceKeyValue{{Key: "MODE", Value: "prod", Description: "mode"}},
	})
	if err != nil || u.RepoID != "alice/app-copy" || u.URL != hub.URL+"/spaces/alice/app-copy" {
		t.Fatalf("DuplicateRepo = %+v, %v", u, err)
	}
	info, err := c.SpaceInfo(ctx, "alice/app-copy", nil)
	if err != nil || !info.Private || !slices.ContainsFunc(info.Siblings, func(s RepoSibling) bool { return s.RFilename == "app.py" }) {
		t.Fatalf("copy info = %+v, %v", info, err)
	}
	if info.Runtime == nil || info.Runtime.RequestedHardware() != "t4-small" || info.Runtime.GCTimeout != 0 {
		t.Errorf("copy runtime = %+v", info.Runtime)
	}
	if s := hub.Compute().SpaceSecrets("alice/app-copy"); s["TOKEN"] != "s3cret" || s["EXTRA"] != "v" {
		t.Errorf("copy secrets = %v", s)
	}
	if v, err := c.SpaceVariables(ctx, "alice/app-copy"); err != nil || len(v) != 1 || v[0].Value != "prod" {
		t.Errorf("copy variables = %+v, %v", v, err)
	}
	if _, err := c.DuplicateRepo(ctx, "alice/app", &DuplicateRepoOptions{RepoType: RepoSpace, To: "alice/app-copy"}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate onto an existing repo: error = %v, want ErrConflict", err)
	}
	if _, err := c.DuplicateRepo(ctx, "alice/app", &DuplicateRepoOptions{RepoType: RepoSpace, To: "alice/app-copy", ExistOK: true}); err != nil {
		t.Errorf("ExistOK: %v", err)
	}
	// A model, into the caller's namespace under the same name.
	if _, err := c.DuplicateRepo(ctx, "alice/repo", &DuplicateRepoOptions{To: "bob/repo"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("duplicate into another namespace: error = %v, want ErrForbidden", err)
	}
	if _, err := c.DuplicateRepo(ctx, "alice/none", &DuplicateRepoOptions{To: "alice/x"}); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("duplicate a missing repo: error = %v, want ErrRepoNotFound", err)
	}

	// Deleting a Space forgets its runtime; creating it again starts fresh
	// with the create body's settings.
	if err := c.DeleteRepo(ctx, "alice/app-copy", &DeleteRepoOptions{RepoType: RepoSpace}); err != nil {
		t.Fatal(err)
	}
	if got := hub.Compute().SpaceStage("alice/app-copy"); got != "" {
		t.Errorf("stage after delete = %q", got)
	}
}

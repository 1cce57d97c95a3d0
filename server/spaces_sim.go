package server

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Space stages, as the Hub names them.
const (
	StageNoAppFile          = "NO_APP_FILE"
	StageConfigError        = "CONFIG_ERROR"
	StageBuilding           = "BUILDING"
	StageBuildError         = "BUILD_ERROR"
	StageRunning            = "RUNNING"
	StageRunningBuilding    = "RUNNING_BUILDING"
	StageRuntimeError       = "RUNTIME_ERROR"
	StageDeleting           = "DELETING"
	StageStopped            = "STOPPED"
	StagePaused             = "PAUSED"
	StageAppStarting        = "APP_STARTING"
	StageRunningAppStarting = "RUNNING_APP_STARTING"
)

// SpaceScript says how a simulated Space behaves after each (re)start.
// The zero value builds for one runtime read, then runs.
type SpaceScript struct {
	// SDK overrides the Space's SDK (from its creation or README card).
	// "static" Spaces always run and refuse pause, restart, hardware,
	// sleep time, dev mode and volumes with 400, like the Hub.
	SDK string
	// BuildSteps is how many runtime reads see BUILDING (0 means 1).
	BuildSteps int
	// StartSteps is how many runtime reads see APP_STARTING after the
	// build (0: none).
	StartSteps int
	// Result is the stage the Space settles in: "" or RUNNING, or a
	// failure such as BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR or
	// NO_APP_FILE (ErrorMessage is then reported in the runtime).
	Result       string
	ErrorMessage string
	// BuildLogs and RunLogs are the lines of the build and run logs of
	// each start. Run logs appear once the build is done.
	BuildLogs, RunLogs []string
	// LogDelay pauses between two log lines of a stream.
	LogDelay time.Duration
}

// logLine is one line of a Space or job log.
type logLine struct {
	Data string    `json:"data"`
	Time time.Time `json:"timestamp"`
}

// kv is a secret or variable of a Space.
type kv struct {
	Value       string
	Description string
	UpdatedAt   time.Time
}

// spaceSim is the state of one Space.
type spaceSim struct {
	sdk       string
	stage     string
	errMsg    string
	current   *string // hardware
	requested *string
	gcTimeout *int64
	storage   *string
	devMode   bool
	volumes   []map[string]any
	secrets   map[string]kv
	variables map[string]kv
	steps     int // observations in the current intermediate stage
	restarts  int
	buildLog  []logLine
	runLog    []logLine
}

func strp(s string) *string { return &s }

// defaultSleep is the Hub's fixed sleep time of cpu-basic Spaces (48 h).
const defaultSleep = 172800

// script returns the script of Space id; c.mu is held.
func (c *Compute) script(id string) SpaceScript {
	if s, ok := c.scripts[id]; ok {
		return s
	}
	return c.spaceDefault
}

// space returns (creating it on first use) the state of Space id whose SDK
// is sdk when not scripted; c.mu is held.
func (c *Compute) space(id, sdk string) *spaceSim {
	if sp, ok := c.spaces[id]; ok {
		return sp
	}
	if s := c.script(id).SDK; s != "" {
		sdk = s
	}
	if sdk == "" {
		sdk = "static"
	}
	sp := &spaceSim{sdk: sdk, secrets: map[string]kv{}, variables: map[string]kv{}}
	if sdk == "static" {
		sp.stage = StageRunning
	} else {
		sp.requested = strp("cpu-basic")
		sp.gcTimeout = new(int64)
		*sp.gcTimeout = defaultSleep
		c.start(id, sp)
	}
	c.spaces[id] = sp
	return sp
}

// start (re)builds sp from its script; c.mu is held.
func (c *Compute) start(id string, sp *spaceSim) {
	now := c.clock()
	sp.stage, sp.errMsg, sp.steps = StageBuilding, "", 0
	sp.restarts++
	sp.buildLog, sp.runLog = nil, nil
	for _, l := range c.script(id).BuildLogs {
		sp.buildLog = append(sp.buildLog, logLine{l, now})
	}
	c.changed()
}

// observe moves an intermediate stage one step; c.mu is held.
func (c *Compute) observe(id string, sp *spaceSim) {
	sc := c.script(id)
	switch sp.stage {
	case StageBuilding, StageRunningBuilding:
		if sp.steps < max(sc.BuildSteps, 1) {
			sp.steps++
			return
		}
		sp.steps = 0
		if sc.Result == StageBuildError || sc.Result == StageConfigError || sc.Result == StageNoAppFile {
			c.settle(id, sp, sc)
			return
		}
		if sc.StartSteps > 0 {
			sp.stage = StageAppStarting
			c.changed()
			return
		}
		c.settle(id, sp, sc)
	case StageAppStarting, StageRunningAppStarting:
		if sp.steps < sc.StartSteps {
			sp.steps++
			return
		}
		c.settle(id, sp, sc)
	}
}

// settle ends a start in the script's result; c.mu is held.
func (c *Compute) settle(id string, sp *spaceSim, sc SpaceScript) {
	now := c.clock()
	sp.stage = StageRunning
	if sc.Result != "" {
		sp.stage, sp.errMsg = sc.Result, sc.ErrorMessage
	}
	if sp.stage != StageBuildError && sp.stage != StageConfigError && sp.stage != StageNoAppFile {
		sp.current = sp.requested
		for _, l := range sc.RunLogs {
			sp.runLog = append(sp.runLog, logLine{l, now})
		}
	}
	c.changed()
}

// runtimeJSON is the runtime object of GET /api/spaces/{id}/runtime.
func (sp *spaceSim) runtimeJSON(id string) map[string]any {
	m := map[string]any{
		"stage":    sp.stage,
		"hardware": map[string]any{"current": sp.current, "requested": sp.requested},
		"storage":  sp.storage,
		"replicas": map[string]any{"requested": 1},
	}
	if sp.sdk != "static" {
		m["gcTimeout"] = sp.gcTimeout
		m["devMode"] = sp.devMode
		sub := strings.ToLower(strings.NewReplacer("/", "-", "_", "-", ".", "-").Replace(id))
		m["domains"] = []any{map[string]any{"domain": sub + ".hf.space", "stage": "READY"}}
	}
	if sp.stage == StageRunning {
		m["replicas"] = map[string]any{"requested": 1, "current": 1}
	}
	if sp.errMsg != "" {
		m["errorMessage"] = sp.errMsg
	}
	if sp.volumes != nil {
		m["volumes"] = sp.volumes
	}
	return m
}

// SetSpaceScript sets the behaviour of Space id from its next start on
// (its creation, a restart or a hardware change). The SDK applies to a
// Space not seen yet.
func (c *Compute) SetSpaceScript(id string, s SpaceScript) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scripts[id] = s
}

// SpaceStage returns the current stage of Space id without advancing it
// ("" for a Space the simulator has not seen).
func (c *Compute) SpaceStage(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sp, ok := c.spaces[id]; ok {
		return sp.stage
	}
	return ""
}

// SetSpaceStage forces Space id into stage (with an error message for
// failure stages), e.g. to simulate a crash of a running Space. The Space
// must have been seen (created or read).
func (c *Compute) SetSpaceStage(id, stage, errorMessage string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp, ok := c.spaces[id]
	if !ok {
		return fmt.Errorf("server: Space %s has no runtime yet: create or read it first", id)
	}
	sp.stage, sp.errMsg, sp.steps = stage, errorMessage, 0
	c.changed()
	return nil
}

// AppendSpaceLogs adds lines to the build (build true) or run log of Space
// id; streams that follow the log receive them at once.
func (c *Compute) AppendSpaceLogs(id string, build bool, lines ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp, ok := c.spaces[id]
	if !ok {
		return fmt.Errorf("server: Space %s has no runtime yet: create or read it first", id)
	}
	now := c.clock()
	for _, l := range lines {
		if build {
			sp.buildLog = append(sp.buildLog, logLine{l, now})
		} else {
			sp.runLog = append(sp.runLog, logLine{l, now})
		}
	}
	c.changed()
	return nil
}

// SpaceSecrets returns the secret values of Space id (the API never
// returns them; tests use this to check what a deploy script set).
func (c *Compute) SpaceSecrets(id string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]string{}
	if sp, ok := c.spaces[id]; ok {
		for k, v := range sp.secrets {
			out[k] = v.Value
		}
	}
	return out
}

// SpaceRestarts returns how many times Space id was started (creation
// counts as one).
func (c *Compute) SpaceRestarts(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sp, ok := c.spaces[id]; ok {
		return sp.restarts
	}
	return 0
}

// forgetSpace drops the state of a deleted Space.
func (c *Compute) forgetSpace(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.spaces, id)
	c.changed()
}

// moveSpace keeps the state of a renamed Space.
func (c *Compute) moveSpace(from, to string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sp, ok := c.spaces[from]; ok {
		delete(c.spaces, from)
		c.spaces[to] = sp
	}
}

// copySpace gives Space to the settings of from (hardware, sleep time,
// storage, variables, secrets) for a duplicate, then starts it.
func (c *Compute) copySpace(from, to, sdk string) *spaceSim {
	src := c.space(from, sdk)
	dst := &spaceSim{
		sdk:       src.sdk,
		requested: src.requested,
		gcTimeout: src.gcTimeout,
		storage:   src.storage,
		secrets:   maps.Clone(src.secrets),
		variables: maps.Clone(src.variables),
		volumes:   slices.Clone(src.volumes),
	}
	if dst.sdk == "static" {
		dst.stage = StageRunning
	} else {
		c.start(to, dst)
	}
	c.spaces[to] = dst
	return dst
}

// kvJSON is the object of GET /api/spaces/{id}/variables or secrets.
func kvJSON(m map[string]kv, withValue bool) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		e := map[string]any{"updatedAt": v.UpdatedAt.Format("2006-01-02T15:04:05.000Z")}
		if withValue {
			e["value"] = v.Value
		}
		if v.Description != "" {
			e["description"] = v.Description
		}
		out[k] = e
	}
	return out
}

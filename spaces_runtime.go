package hfhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Space stages, as the Hub reports them in [SpaceRuntime].Stage.
const (
	SpaceNoAppFile          = "NO_APP_FILE"
	SpaceConfigError        = "CONFIG_ERROR"
	SpaceBuilding           = "BUILDING"
	SpaceBuildError         = "BUILD_ERROR"
	SpaceRunning            = "RUNNING"
	SpaceRunningBuilding    = "RUNNING_BUILDING"
	SpaceRuntimeError       = "RUNTIME_ERROR"
	SpaceDeleting           = "DELETING"
	SpaceStopped            = "STOPPED"
	SpacePaused             = "PAUSED"
	SpaceAppStarting        = "APP_STARTING"
	SpaceRunningAppStarting = "RUNNING_APP_STARTING"
)

// SpaceStageIntermediate reports whether stage is one a Space leaves by
// itself (building or starting); [Client.WaitForSpace] polls through them.
func SpaceStageIntermediate(stage string) bool {
	switch stage {
	case SpaceBuilding, SpaceRunningBuilding, SpaceAppStarting, SpaceRunningAppStarting:
		return true
	}
	return false
}

// Errors about a Space's stage; the error is a [*SpaceStageError].
var (
	// ErrSpaceStage: the Hub refused an action in the Space's current state
	// (pausing a static Space, a sleep time on cpu-basic hardware, deleting
	// storage that does not exist...). It also matches [ErrBadRequest].
	ErrSpaceStage = errors.New("the Space's state does not allow this")
	// ErrSpaceNotRunning: [Client.WaitForSpace] saw the Space settle in a
	// stage other than RUNNING (BUILD_ERROR, RUNTIME_ERROR, PAUSED...).
	ErrSpaceNotRunning = errors.New("the Space is not running")
)

// SpaceStageError says which action on which Space its stage refused, or
// in which stage a wait ended. errors.Is matches [ErrSpaceStage] or
// [ErrSpaceNotRunning], and whatever Err matches.
type SpaceStageError struct {
	RepoID string
	// Op is the action: "pause", "restart", "request hardware", "wait"...
	Op string
	// Stage is the Space's stage when known (always for "wait").
	Stage string
	// Message is the Hub's explanation, or the runtime's error message.
	Message string
	// Err is the Hub's answer (a *HubError) for refused actions.
	Err  error
	kind error
}

// Error implements error.
func (e *SpaceStageError) Error() string {
	var b strings.Builder
	if e.kind == ErrSpaceNotRunning {
		fmt.Fprintf(&b, "space %s is not running: it ended in stage %s", e.RepoID, e.Stage)
	} else {
		fmt.Fprintf(&b, "space %s: cannot %s", e.RepoID, e.Op)
		if e.Stage != "" {
			fmt.Fprintf(&b, " in stage %s", e.Stage)
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	switch e.Stage {
	case SpaceBuildError:
		b.WriteString("; see `hf spaces logs " + e.RepoID + " --build`")
	case SpaceRuntimeError:
		b.WriteString("; see `hf spaces logs " + e.RepoID + "`")
	case SpacePaused, SpaceStopped:
		b.WriteString("; restart it with `hf spaces restart " + e.RepoID + "`")
	}
	return b.String()
}

// Unwrap returns the Hub's answer.
func (e *SpaceStageError) Unwrap() error { return e.Err }

// Is matches the error's category.
func (e *SpaceStageError) Is(target error) bool { return target == e.kind }

// Volume mounts a Hub resource (a bucket, model, dataset or Space) into a
// Space or Job container.
type Volume struct {
	// Type is "bucket", "model", "dataset" or "space".
	Type string `json:"type"`
	// Source is the bucket or repo id, e.g. "acme/weights".
	Source string `json:"source"`
	// MountPath is the absolute path inside the container, e.g. "/data".
	MountPath string `json:"mountPath"`
	// Revision of a repo (default main).
	Revision string `json:"revision,omitempty"`
	// ReadOnly mounts read-only (always so for repos).
	ReadOnly *bool `json:"readOnly,omitempty"`
	// Path mounts a folder of the source instead of its root.
	Path string `json:"path,omitempty"`
}

// Validate reports what is wrong with v ([ErrValidation]).
func (v Volume) Validate() error {
	switch {
	case v.Type != "bucket" && v.Type != "model" && v.Type != "dataset" && v.Type != "space":
		return fmt.Errorf("%w: volume type %q: use bucket, model, dataset or space", ErrValidation, v.Type)
	case v.Source == "":
		return fmt.Errorf("%w: volume of type %s has no source: name the bucket or repo id", ErrValidation, v.Type)
	case !strings.HasPrefix(v.MountPath, "/"):
		return fmt.Errorf("%w: volume mount path %q must be absolute (start with /)", ErrValidation, v.MountPath)
	}
	return nil
}

// CurrentHardware is the flavor the Space runs on ("" while it has none).
func (r *SpaceRuntime) CurrentHardware() string {
	if r == nil || r.Hardware == nil || r.Hardware.Current == nil {
		return ""
	}
	return *r.Hardware.Current
}

// RequestedHardware is the flavor last requested ("" if none).
func (r *SpaceRuntime) RequestedHardware() string {
	if r == nil || r.Hardware == nil || r.Hardware.Requested == nil {
		return ""
	}
	return *r.Hardware.Requested
}

// SleepTime is the idle time after which the Space sleeps; ok is false
// when it never sleeps (or the Hub did not say).
func (r *SpaceRuntime) SleepTime() (d time.Duration, ok bool) {
	if r == nil || r.GCTimeout <= 0 {
		return 0, false
	}
	return time.Duration(r.GCTimeout) * time.Second, true
}

// StorageTier is the persistent storage tier ("small", "medium", "large")
// or "" without persistent storage.
func (r *SpaceRuntime) StorageTier() string {
	if r == nil || len(r.Storage) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(r.Storage, &s) == nil {
		return s
	}
	var obj struct {
		Current   *string `json:"current"`
		Requested *string `json:"requested"`
	}
	if json.Unmarshal(r.Storage, &obj) == nil {
		if obj.Current != nil {
			return *obj.Current
		}
		if obj.Requested != nil {
			return *obj.Requested
		}
	}
	return ""
}

// spaceURL returns /api/spaces/{id}/{parts...} after checking id.
func (c *Client) spaceURL(id string, parts ...string) (string, error) {
	if err := ValidateRepoID(id); err != nil {
		return "", err
	}
	return c.apiRepoURL(RepoSpace, id, parts...), nil
}

// SpaceRuntime returns the runtime of a Space: stage, hardware, sleep
// time, storage, domains, volumes. Hub API: GET /api/spaces/{id}/runtime.
// Errors match [ErrRepoNotFound].
func (c *Client) SpaceRuntime(ctx context.Context, id string) (*SpaceRuntime, error) {
	u, err := c.spaceURL(id, "runtime")
	if err != nil {
		return nil, err
	}
	var rt SpaceRuntime
	if _, err := c.getJSON(ctx, u, nil, &rt); err != nil {
		return nil, err
	}
	return &rt, nil
}

// spaceAction sends an action and decodes the runtime it answers (out nil:
// ignored). A 400 becomes a [*SpaceStageError].
func (c *Client) spaceAction(ctx context.Context, op, method, id, part string, q url.Values, in any) (*SpaceRuntime, error) {
	u, err := c.spaceURL(id, part)
	if err != nil {
		return nil, err
	}
	var rt SpaceRuntime
	if _, err := c.sendJSON(ctx, method, withQuery(u, q), in, &rt, &reqOpts{Retry: retryNever}); err != nil {
		if he, ok := errors.AsType[*HubError](err); ok && he.StatusCode == http.StatusBadRequest {
			return nil, &SpaceStageError{RepoID: id, Op: op, Message: he.Message, Err: he, kind: ErrSpaceStage}
		}
		return nil, err
	}
	return &rt, nil
}

// RequestSpaceHardwareOptions configures [Client.RequestSpaceHardware].
type RequestSpaceHardwareOptions struct {
	// SleepTime, when set, is the idle time in seconds before the Space
	// sleeps; -1 never sleeps. Not allowed on cpu-basic.
	SleepTime *int64
}

// RequestSpaceHardware asks for another hardware flavor ("t4-medium"; see
// [Client.ListSpacesHardware]); the Space restarts on it. Hub API: POST
// /api/spaces/{id}/hardware {"flavor", "sleepTimeSeconds"}. A refusal is a
// [*SpaceStageError] matching [ErrSpaceStage].
func (c *Client) RequestSpaceHardware(ctx context.Context, id, hardware string, opts *RequestSpaceHardwareOptions) (*SpaceRuntime, error) {
	if hardware == "" {
		return nil, fmt.Errorf("%w: no hardware flavor given: name one such as cpu-upgrade or t4-medium (`hf spaces hardware` lists them)", ErrValidation)
	}
	body := map[string]any{"flavor": hardware}
	if opts != nil && opts.SleepTime != nil {
		if hardware == "cpu-basic" {
			return nil, fmt.Errorf("%w: cpu-basic Spaces sleep after 48 hours and their sleep time cannot be set: upgrade the hardware or leave SleepTime unset", ErrValidation)
		}
		body["sleepTimeSeconds"] = *opts.SleepTime
	}
	return c.spaceAction(ctx, "request hardware "+hardware, http.MethodPost, id, "hardware", nil, body)
}

// SetSpaceSleepTime sets the idle time in seconds after which a Space on
// upgraded hardware sleeps (-1: never). Hub API: POST
// /api/spaces/{id}/sleeptime {"seconds"}. On cpu-basic the Hub refuses
// with a [*SpaceStageError].
func (c *Client) SetSpaceSleepTime(ctx context.Context, id string, seconds int64) (*SpaceRuntime, error) {
	if seconds < -1 {
		return nil, fmt.Errorf("%w: sleep time %d: use a number of seconds, or -1 to never sleep", ErrValidation, seconds)
	}
	return c.spaceAction(ctx, "set the sleep time", http.MethodPost, id, "sleeptime", nil, map[string]int64{"seconds": seconds})
}

// PauseSpace stops a Space until [Client.RestartSpace]; paused time is not
// billed. Hub API: POST /api/spaces/{id}/pause. Static Spaces cannot be
// paused ([ErrSpaceStage]).
func (c *Client) PauseSpace(ctx context.Context, id string) (*SpaceRuntime, error) {
	return c.spaceAction(ctx, "pause", http.MethodPost, id, "pause", nil, nil)
}

// RestartSpaceOptions configures [Client.RestartSpace].
type RestartSpaceOptions struct {
	// FactoryReboot rebuilds from scratch, without the build cache.
	FactoryReboot bool
}

// RestartSpace restarts a Space, paused or not. Hub API: POST
// /api/spaces/{id}/restart[?factory=true].
func (c *Client) RestartSpace(ctx context.Context, id string, opts *RestartSpaceOptions) (*SpaceRuntime, error) {
	var q url.Values
	if opts != nil && opts.FactoryReboot {
		q = url.Values{"factory": {"true"}}
	}
	return c.spaceAction(ctx, "restart", http.MethodPost, id, "restart", q, nil)
}

// EnableSpaceDevMode turns dev mode on (restart the app without
// rebuilding the container; PRO and Enterprise). Hub API: POST
// /api/spaces/{id}/dev-mode {"enabled": true}.
func (c *Client) EnableSpaceDevMode(ctx context.Context, id string) (*SpaceRuntime, error) {
	return c.spaceAction(ctx, "enable dev mode", http.MethodPost, id, "dev-mode", nil, map[string]bool{"enabled": true})
}

// DisableSpaceDevMode turns dev mode off. Hub API: POST
// /api/spaces/{id}/dev-mode {"enabled": false}.
func (c *Client) DisableSpaceDevMode(ctx context.Context, id string) (*SpaceRuntime, error) {
	return c.spaceAction(ctx, "disable dev mode", http.MethodPost, id, "dev-mode", nil, map[string]bool{"enabled": false})
}

// RequestSpaceStorage adds persistent storage ("small", "medium" or
// "large"; deprecated on the Hub in favour of volumes). Hub API: POST
// /api/spaces/{id}/storage {"tier"}.
func (c *Client) RequestSpaceStorage(ctx context.Context, id, tier string) (*SpaceRuntime, error) {
	if tier != "small" && tier != "medium" && tier != "large" {
		return nil, fmt.Errorf("%w: storage tier %q: use small, medium or large", ErrValidation, tier)
	}
	return c.spaceAction(ctx, "request storage", http.MethodPost, id, "storage", nil, map[string]string{"tier": tier})
}

// DeleteSpaceStorage removes the persistent storage and its data. Hub API:
// DELETE /api/spaces/{id}/storage. Without storage: [ErrSpaceStage].
func (c *Client) DeleteSpaceStorage(ctx context.Context, id string) (*SpaceRuntime, error) {
	return c.spaceAction(ctx, "delete storage", http.MethodDelete, id, "storage", nil, nil)
}

// SetSpaceVolumes replaces the volumes mounted in a Space. Hub API: PUT
// /api/spaces/{id}/volumes {"volumes": [...]}.
func (c *Client) SetSpaceVolumes(ctx context.Context, id string, volumes []Volume) error {
	if len(volumes) == 0 {
		return fmt.Errorf("%w: no volumes given: use DeleteSpaceVolumes to remove them all", ErrValidation)
	}
	for _, v := range volumes {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	_, err := c.spaceAction(ctx, "set volumes", http.MethodPut, id, "volumes", nil, map[string]any{"volumes": volumes})
	return err
}

// DeleteSpaceVolumes removes every volume of a Space. Hub API: DELETE
// /api/spaces/{id}/volumes. Without volumes: [ErrSpaceStage].
func (c *Client) DeleteSpaceVolumes(ctx context.Context, id string) error {
	_, err := c.spaceAction(ctx, "delete volumes", http.MethodDelete, id, "volumes", nil, nil)
	return err
}

// WaitForSpaceOptions configures [Client.WaitForSpace].
type WaitForSpaceOptions struct {
	// PollInterval is the time between two runtime reads (default 1 s).
	PollInterval time.Duration
}

// WaitForSpace polls [Client.SpaceRuntime] until the Space leaves the
// building and starting stages, or ctx is done (give it a deadline). It
// returns the last runtime read; the error is nil when the Space runs, a
// [*SpaceStageError] matching [ErrSpaceNotRunning] when it settled in
// another stage (BUILD_ERROR, RUNTIME_ERROR, PAUSED...), or ctx's error
// (with the stage it was still in).
func (c *Client) WaitForSpace(ctx context.Context, id string, opts *WaitForSpaceOptions) (*SpaceRuntime, error) {
	every := time.Second
	if opts != nil && opts.PollInterval > 0 {
		every = opts.PollInterval
	}
	var last *SpaceRuntime
	for {
		rt, err := c.SpaceRuntime(ctx, id)
		if err != nil {
			if last != nil && ctx.Err() != nil {
				return last, fmt.Errorf("space %s still in stage %s: %w", id, last.Stage, context.Cause(ctx))
			}
			return last, err
		}
		last = rt
		switch {
		case rt.Stage == SpaceRunning:
			return rt, nil
		case !SpaceStageIntermediate(rt.Stage):
			return rt, &SpaceStageError{RepoID: id, Op: "wait", Stage: rt.Stage, Message: rt.ErrorMessage, kind: ErrSpaceNotRunning}
		}
		if err := c.sleep(ctx, every); err != nil {
			return rt, fmt.Errorf("space %s still in stage %s: %w", id, rt.Stage, err)
		}
	}
}

// HardwareFlavor is a machine Spaces and Jobs can run on (GET
// /api/spaces/hardware, /api/jobs/hardware).
type HardwareFlavor struct {
	Name             string               `json:"name"`
	PrettyName       string               `json:"prettyName"`
	CPU              string               `json:"cpu"`
	RAM              string               `json:"ram"`
	EphemeralStorage string               `json:"ephemeralStorage,omitempty"`
	Accelerator      *HardwareAccelerator `json:"accelerator"`
	// UnitCostMicroUSD is the price per UnitLabel in millionths of a dollar.
	UnitCostMicroUSD int64   `json:"unitCostMicroUSD"`
	UnitCostUSD      float64 `json:"unitCostUSD"`
	UnitLabel        string  `json:"unitLabel"`
}

// HardwareAccelerator describes the GPUs (or other accelerators) of a
// [HardwareFlavor].
type HardwareAccelerator struct {
	Type         string `json:"type"`
	Model        string `json:"model"`
	Quantity     string `json:"quantity"`
	VRAM         string `json:"vram"`
	Manufacturer string `json:"manufacturer"`
}

// ListSpacesHardware lists the hardware flavors of Spaces. Hub API: GET
// /api/spaces/hardware.
func (c *Client) ListSpacesHardware(ctx context.Context) ([]HardwareFlavor, error) {
	var out []HardwareFlavor
	_, err := c.getJSON(ctx, c.apiURL("spaces", "hardware"), nil, &out)
	return out, err
}

// SpaceTemplate is an official template to create a Space from.
type SpaceTemplate struct {
	Name             string `json:"name"`
	RepoID           string `json:"repoId"`
	SDK              string `json:"sdk"`
	PreferredPrivate bool   `json:"preferredPrivate"`
}

// ListSpaceTemplates lists the Space templates. Hub API: GET
// /api/spaces/templates.
func (c *Client) ListSpaceTemplates(ctx context.Context) ([]SpaceTemplate, error) {
	var out struct {
		Templates []SpaceTemplate `json:"templates"`
	}
	_, err := c.getJSON(ctx, c.apiURL("spaces", "templates"), nil, &out)
	return out.Templates, err
}

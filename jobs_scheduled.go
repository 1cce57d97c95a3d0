package hfhub

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/internal/cron"
)

// ScheduledJobInfo is a scheduled job (GET /api/scheduled-jobs/{ns}/{id}).
type ScheduledJobInfo struct {
	ID        string     `json:"id"`
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	// Schedule is a cron expression ("0 9 * * 1") or @hourly, @daily...
	Schedule    string             `json:"schedule"`
	Suspend     bool               `json:"suspend"`
	Concurrency bool               `json:"concurrency"`
	Status      ScheduledJobStatus `json:"status"`
	Owner       JobOwner           `json:"owner"`
	JobSpec     ScheduledJobSpec   `json:"jobSpec"`
}

// ScheduledJobStatus tells the last run and the next one.
type ScheduledJobStatus struct {
	LastJob *struct {
		ID string    `json:"id"`
		At time.Time `json:"at"`
	} `json:"lastJob,omitempty"`
	NextJobRunAt *time.Time `json:"nextJobRunAt,omitempty"`
}

// ScheduledJobSpec is the job a schedule runs, as the Hub returns it
// (secret values withheld).
type ScheduledJobSpec struct {
	DockerImage    string            `json:"dockerImage,omitempty"`
	SpaceID        string            `json:"spaceId,omitempty"`
	Command        []string          `json:"command"`
	Arguments      []string          `json:"arguments,omitempty"`
	Environment    map[string]string `json:"environment,omitempty"`
	Secrets        map[string]any    `json:"secrets,omitempty"`
	Flavor         string            `json:"flavor,omitempty"`
	TimeoutSeconds int64             `json:"timeoutSeconds,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Volumes        []Volume          `json:"volumes,omitempty"`
}

// ScheduledJobOptions configures [Client.CreateScheduledJob].
type ScheduledJobOptions struct {
	// Suspend creates the schedule paused.
	Suspend bool
	// Concurrency lets a run start while the previous one still runs.
	Concurrency bool
}

// ValidateSchedule checks a schedule: five cron fields (UTC) or @hourly,
// @daily, @weekly, @monthly, @yearly, @annually ([ErrValidation]).
func ValidateSchedule(schedule string) error {
	if _, err := cron.Parse(schedule); err != nil {
		return fmt.Errorf("%w: %v", ErrValidation, err)
	}
	return nil
}

// CreateScheduledJob schedules spec. Hub API: POST
// /api/scheduled-jobs/{namespace} {"jobSpec", "schedule", "suspend",
// "concurrency"}. The schedule and spec are checked before any request.
func (c *Client) CreateScheduledJob(ctx context.Context, schedule string, spec *JobSpec, opts *ScheduledJobOptions) (*ScheduledJobInfo, error) {
	if err := ValidateSchedule(schedule); err != nil {
		return nil, err
	}
	if spec == nil {
		return nil, fmt.Errorf("%w: CreateScheduledJob needs a JobSpec", ErrValidation)
	}
	js, err := spec.body()
	if err != nil {
		return nil, err
	}
	ns, err := c.jobsNamespace(ctx, spec.Namespace)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"jobSpec": js, "schedule": schedule}
	if opts != nil {
		body["suspend"], body["concurrency"] = opts.Suspend, opts.Concurrency
	}
	var out ScheduledJobInfo
	if _, err := c.sendJSON(ctx, http.MethodPost, c.apiURL("scheduled-jobs", url.PathEscape(ns)), body, &out, &reqOpts{Retry: retryNever}); err != nil {
		for _, v := range spec.Secrets {
			err = redactSecret(err, v)
		}
		return nil, err
	}
	return &out, nil
}

func (c *Client) scheduledURL(ctx context.Context, ns, id string, parts ...string) (string, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return "", fmt.Errorf("%w: scheduled job id %q: use the id `hf jobs scheduled ps` shows", ErrValidation, id)
	}
	ns, err := c.jobsNamespace(ctx, ns)
	if err != nil {
		return "", err
	}
	return c.apiURL(append([]string{"scheduled-jobs", url.PathEscape(ns), id}, parts...)...), nil
}

// ListScheduledJobs returns the scheduled jobs of a namespace. Hub API:
// GET /api/scheduled-jobs/{namespace}.
func (c *Client) ListScheduledJobs(ctx context.Context, opts *JobOptions) ([]*ScheduledJobInfo, error) {
	ns, err := c.jobsNamespace(ctx, nsOf(opts))
	if err != nil {
		return nil, err
	}
	return Collect(paginate[*ScheduledJobInfo](ctx, c, c.apiURL("scheduled-jobs", url.PathEscape(ns)), nil, 0))
}

// InspectScheduledJob returns a scheduled job. Hub API: GET
// /api/scheduled-jobs/{namespace}/{id}.
func (c *Client) InspectScheduledJob(ctx context.Context, id string, opts *JobOptions) (*ScheduledJobInfo, error) {
	u, err := c.scheduledURL(ctx, nsOf(opts), id)
	if err != nil {
		return nil, err
	}
	var out ScheduledJobInfo
	if _, err := c.getJSON(ctx, u, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteScheduledJob deletes a schedule (its past runs stay). Hub API:
// DELETE /api/scheduled-jobs/{namespace}/{id}.
func (c *Client) DeleteScheduledJob(ctx context.Context, id string, opts *JobOptions) error {
	u, err := c.scheduledURL(ctx, nsOf(opts), id)
	if err != nil {
		return err
	}
	_, err = c.sendJSON(ctx, http.MethodDelete, u, nil, nil, &reqOpts{Retry: retryAlways})
	return err
}

// SuspendScheduledJob pauses a schedule. Hub API: POST
// /api/scheduled-jobs/{namespace}/{id}/suspend.
func (c *Client) SuspendScheduledJob(ctx context.Context, id string, opts *JobOptions) error {
	return c.scheduledAction(ctx, id, opts, "suspend")
}

// ResumeScheduledJob resumes a suspended schedule (missed runs are
// skipped). Hub API: POST /api/scheduled-jobs/{namespace}/{id}/resume.
func (c *Client) ResumeScheduledJob(ctx context.Context, id string, opts *JobOptions) error {
	return c.scheduledAction(ctx, id, opts, "resume")
}

func (c *Client) scheduledAction(ctx context.Context, id string, opts *JobOptions, action string) error {
	u, err := c.scheduledURL(ctx, nsOf(opts), id, action)
	if err != nil {
		return err
	}
	_, err = c.sendJSON(ctx, http.MethodPost, u, nil, nil, &reqOpts{Retry: retryAlways})
	return err
}

// TriggerScheduledJob runs a scheduled job now, outside its schedule. Hub
// API: POST /api/scheduled-jobs/{namespace}/{id}/run.
func (c *Client) TriggerScheduledJob(ctx context.Context, id string, opts *JobOptions) (*JobInfo, error) {
	u, err := c.scheduledURL(ctx, nsOf(opts), id, "run")
	if err != nil {
		return nil, err
	}
	var j JobInfo
	if _, err := c.sendJSON(ctx, http.MethodPost, u, nil, &j, &reqOpts{Retry: retryNever}); err != nil {
		return nil, err
	}
	return c.finishJob(&j), nil
}

// UpdateScheduledJobLabels replaces the labels of a scheduled job's runs.
// Hub API: PUT /api/scheduled-jobs/{namespace}/{id}/labels {"labels"}.
func (c *Client) UpdateScheduledJobLabels(ctx context.Context, id string, labels map[string]string, opts *JobOptions) (*ScheduledJobInfo, error) {
	u, err := c.scheduledURL(ctx, nsOf(opts), id, "labels")
	if err != nil {
		return nil, err
	}
	if labels == nil {
		labels = map[string]string{}
	}
	var out ScheduledJobInfo
	if _, err := c.sendJSON(ctx, http.MethodPut, u, map[string]any{"labels": labels}, &out, &reqOpts{Retry: retryAlways}); err != nil {
		return nil, err
	}
	return &out, nil
}

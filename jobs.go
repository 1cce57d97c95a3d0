package hfhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Job stages, as the Hub reports them in [JobStatus].Stage.
const (
	JobStageScheduling = "SCHEDULING"
	JobStageRunning    = "RUNNING"
	JobStageCompleted  = "COMPLETED"
	JobStageCanceled   = "CANCELED"
	JobStageError      = "ERROR"
	JobStageDeleted    = "DELETED"
)

// JobStageFinished reports whether a job in stage is done (completed,
// canceled, failed or deleted).
func JobStageFinished(stage string) bool {
	return stage == JobStageCompleted || stage == JobStageCanceled || stage == JobStageError || stage == JobStageDeleted
}

// JobStatus is the state of a job.
type JobStatus struct {
	Stage   string `json:"stage"`
	Message string `json:"message,omitempty"`
	// ExposeURLs are the public URLs of exposed ports; SSHURL is set for
	// jobs started with SSH.
	ExposeURLs []string `json:"exposeUrls,omitempty"`
	SSHURL     string   `json:"sshUrl,omitempty"`
}

// JobOwner is the account a job runs under.
type JobOwner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// JobDurations is the Hub's timing of a job, in seconds.
type JobDurations struct {
	SchedulingSecs *int64 `json:"schedulingSecs,omitempty"`
	RunningSecs    *int64 `json:"runningSecs,omitempty"`
	TotalSecs      *int64 `json:"totalSecs,omitempty"`
}

// JobInitiator says what started a job: "user", "org", "scheduled-job"...
type JobInitiator struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// JobInfo is a job as the Hub describes it (GET /api/jobs/{ns}/{id}).
type JobInfo struct {
	ID         string     `json:"id"`
	CreatedAt  *time.Time `json:"createdAt,omitempty"`
	StartedAt  *time.Time `json:"startedAt,omitempty"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
	// DockerImage or SpaceID (an image built by a Space) is what runs.
	DockerImage string            `json:"dockerImage,omitempty"`
	SpaceID     string            `json:"spaceId,omitempty"`
	Command     []string          `json:"command"`
	Arguments   []string          `json:"arguments,omitempty"`
	Environment map[string]string `json:"environment,omitempty"`
	// Secrets holds the names of the job's secrets; the Hub never returns
	// their values.
	Secrets        map[string]any    `json:"secrets,omitempty"`
	Flavor         string            `json:"flavor,omitempty"`
	TimeoutSeconds int64             `json:"timeoutSeconds,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Volumes        []Volume          `json:"volumes,omitempty"`
	Status         JobStatus         `json:"status"`
	Durations      *JobDurations     `json:"durations,omitempty"`
	Owner          JobOwner          `json:"owner"`
	Initiator      *JobInitiator     `json:"initiator,omitempty"`
	// URL is the job's page, {endpoint}/jobs/{owner}/{id} (set by the
	// client).
	URL string `json:"url,omitempty"`
}

// SecretNames returns the names of the job's secrets, sorted.
func (j *JobInfo) SecretNames() []string {
	out := make([]string, 0, len(j.Secrets))
	for k := range j.Secrets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Image is what the job runs: its Docker image, or hf.co/spaces/{id}.
func (j *JobInfo) Image() string {
	if j.DockerImage != "" {
		return j.DockerImage
	}
	if j.SpaceID != "" {
		return "hf.co/spaces/" + j.SpaceID
	}
	return ""
}

// JobSpec describes a job to run ([Client.RunJob]) or schedule
// ([Client.CreateScheduledJob]).
type JobSpec struct {
	// Image is a Docker image ("python:3.12") or a Space's image
	// ("hf.co/spaces/acme/duckdb", also with https://).
	Image string
	// Command to run; required.
	Command []string
	// Env are plain environment variables; Secrets are hidden ones (never
	// returned by the Hub, never logged by this client).
	Env     map[string]string
	Secrets map[string]string
	// Flavor is the hardware (default cpu-basic; [Client.ListJobsHardware]).
	Flavor string
	// Timeout stops the job after this long (whole seconds; 0: the Hub's
	// default).
	Timeout time.Duration
	// Name is stored as the "name" label.
	Name   string
	Labels map[string]string
	// Volumes mounts buckets and repos into the container.
	Volumes []Volume
	// Namespace runs the job under an organization (default: the token's
	// user, from whoami).
	Namespace string
	// Expose makes these container ports reachable through the jobs proxy
	// ([JobStatus].ExposeURLs); SSH opens the container to `ssh`
	// ([JobStatus].SSHURL); ResourceGroupID bills an organization's
	// resource group.
	Expose          []int
	SSH             bool
	ResourceGroupID string
}

// spacePrefixes mark an image built by a Space.
var spacePrefixes = []string{"https://huggingface.co/spaces/", "https://hf.co/spaces/", "huggingface.co/spaces/", "hf.co/spaces/"}

// body checks the spec and returns the Hub's job spec JSON. Nothing is
// sent when it is wrong ([ErrValidation]).
func (s *JobSpec) body() (map[string]any, error) {
	if strings.TrimSpace(s.Image) == "" {
		return nil, fmt.Errorf("%w: the job has no image: name a Docker image (python:3.12) or a Space (hf.co/spaces/org/name)", ErrValidation)
	}
	if len(s.Command) == 0 || strings.TrimSpace(strings.Join(s.Command, "")) == "" {
		return nil, fmt.Errorf("%w: the job has no command: give the program to run and its arguments", ErrValidation)
	}
	for k := range s.Env {
		if err := ValidateEnvName(k); err != nil {
			return nil, fmt.Errorf("env: %w", err)
		}
	}
	for k := range s.Secrets {
		if err := ValidateEnvName(k); err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
	}
	for _, v := range s.Volumes {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	if s.Timeout < 0 || (s.Timeout > 0 && s.Timeout < time.Second) {
		return nil, fmt.Errorf("%w: timeout %v: use at least one second", ErrValidation, s.Timeout)
	}
	labels := s.Labels
	if s.Name != "" {
		if _, ok := labels["name"]; ok {
			return nil, fmt.Errorf("%w: both Name and a \"name\" label are set: keep one", ErrValidation)
		}
		labels = map[string]string{"name": s.Name}
		for k, v := range s.Labels {
			labels[k] = v
		}
	}
	env := s.Env
	if env == nil {
		env = map[string]string{}
	}
	flavor := s.Flavor
	if flavor == "" {
		flavor = "cpu-basic"
	}
	b := map[string]any{"command": s.Command, "arguments": []string{}, "environment": env, "flavor": flavor}
	if len(s.Secrets) > 0 {
		b["secrets"] = s.Secrets
	}
	if s.Timeout > 0 {
		b["timeoutSeconds"] = int64(s.Timeout / time.Second)
	}
	if len(labels) > 0 {
		b["labels"] = labels
	}
	if len(s.Volumes) > 0 {
		b["volumes"] = s.Volumes
	}
	for _, p := range s.Expose {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("%w: port %d to expose: use 1-65535", ErrValidation, p)
		}
	}
	if len(s.Expose) > 0 {
		b["expose"] = map[string]any{"ports": s.Expose}
	}
	if s.SSH {
		b["ssh"] = map[string]bool{"enabled": true}
	}
	if s.ResourceGroupID != "" {
		b["resourceGroupId"] = s.ResourceGroupID
	}
	b["dockerImage"] = s.Image
	for _, p := range spacePrefixes {
		if rest, ok := strings.CutPrefix(s.Image, p); ok {
			delete(b, "dockerImage")
			b["spaceId"] = rest
			break
		}
	}
	return b, nil
}

// jobsNamespace returns ns, or the token's user name.
func (c *Client) jobsNamespace(ctx context.Context, ns string) (string, error) {
	if ns != "" {
		if strings.ContainsAny(ns, "/?#") {
			return "", fmt.Errorf("%w: namespace %q: use a user or organization name", ErrValidation, ns)
		}
		return ns, nil
	}
	me, err := c.WhoAmI(ctx)
	if err != nil {
		return "", fmt.Errorf("jobs: finding your namespace (or set one): %w", err)
	}
	return me.Name, nil
}

// SplitJobID splits "namespace/id" into its parts; a bare id has no
// namespace.
func SplitJobID(s string) (ns, id string) {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}

func (c *Client) jobURL(ctx context.Context, ns, id string, parts ...string) (string, string, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return "", "", fmt.Errorf("%w: job id %q: use the id `hf jobs ps` shows", ErrValidation, id)
	}
	ns, err := c.jobsNamespace(ctx, ns)
	if err != nil {
		return "", "", err
	}
	return c.apiURL(append([]string{"jobs", url.PathEscape(ns), id}, parts...)...), ns, nil
}

func (c *Client) finishJob(j *JobInfo) *JobInfo {
	if j != nil && j.Owner.Name != "" {
		j.URL = c.endpoint + "/jobs/" + j.Owner.Name + "/" + j.ID
	}
	return j
}

// RunJob starts a job. Hub API: POST /api/jobs/{namespace}. An empty
// command, an invalid env name or volume is refused before any request
// ([ErrValidation]); secret values never appear in errors or logs.
func (c *Client) RunJob(ctx context.Context, spec *JobSpec) (*JobInfo, error) {
	if spec == nil {
		return nil, fmt.Errorf("%w: RunJob needs a JobSpec", ErrValidation)
	}
	body, err := spec.body()
	if err != nil {
		return nil, err
	}
	ns, err := c.jobsNamespace(ctx, spec.Namespace)
	if err != nil {
		return nil, err
	}
	var j JobInfo
	if _, err := c.sendJSON(ctx, http.MethodPost, c.apiURL("jobs", url.PathEscape(ns)), body, &j, &reqOpts{Retry: retryNever}); err != nil {
		for _, v := range spec.Secrets {
			err = redactSecret(err, v)
		}
		return nil, err
	}
	return c.finishJob(&j), nil
}

// JobOptions names the namespace of a job (default: the token's user).
type JobOptions struct {
	Namespace string
}

func nsOf(o *JobOptions) string {
	if o == nil {
		return ""
	}
	return o.Namespace
}

// InspectJob returns a job. Hub API: GET /api/jobs/{namespace}/{id}.
func (c *Client) InspectJob(ctx context.Context, id string, opts *JobOptions) (*JobInfo, error) {
	u, _, err := c.jobURL(ctx, nsOf(opts), id)
	if err != nil {
		return nil, err
	}
	var j JobInfo
	if _, err := c.getJSON(ctx, u, nil, &j); err != nil {
		return nil, err
	}
	return c.finishJob(&j), nil
}

// CancelJob stops a scheduling or running job. Hub API: POST
// /api/jobs/{namespace}/{id}/cancel.
func (c *Client) CancelJob(ctx context.Context, id string, opts *JobOptions) error {
	u, _, err := c.jobURL(ctx, nsOf(opts), id, "cancel")
	if err != nil {
		return err
	}
	_, err = c.sendJSON(ctx, http.MethodPost, u, nil, nil, &reqOpts{Retry: retryAlways})
	return err
}

// UpdateJobLabels replaces the labels of a job. Hub API: PUT
// /api/jobs/{namespace}/{id}/labels {"labels"}.
func (c *Client) UpdateJobLabels(ctx context.Context, id string, labels map[string]string, opts *JobOptions) (*JobInfo, error) {
	u, _, err := c.jobURL(ctx, nsOf(opts), id, "labels")
	if err != nil {
		return nil, err
	}
	if labels == nil {
		labels = map[string]string{}
	}
	var j JobInfo
	if _, err := c.sendJSON(ctx, http.MethodPut, u, map[string]any{"labels": labels}, &j, &reqOpts{Retry: retryAlways}); err != nil {
		return nil, err
	}
	return c.finishJob(&j), nil
}

// ListJobsOptions configures [Client.ListJobs].
type ListJobsOptions struct {
	Namespace string
	// Stages keeps jobs in these stages (RUNNING, SCHEDULING...).
	Stages []string
	// Labels keeps jobs carrying all these labels.
	Labels map[string]string
}

// ListJobs yields the jobs of a namespace, newest first. Hub API: GET
// /api/jobs/{namespace}?stage=...&label=k=v (paginated).
func (c *Client) ListJobs(ctx context.Context, opts *ListJobsOptions) iter.Seq2[*JobInfo, error] {
	if opts == nil {
		opts = &ListJobsOptions{}
	}
	return func(yield func(*JobInfo, error) bool) {
		ns, err := c.jobsNamespace(ctx, opts.Namespace)
		if err != nil {
			yield(nil, err)
			return
		}
		q := url.Values{}
		for _, s := range opts.Stages {
			q.Add("stage", strings.ToUpper(s))
		}
		keys := make([]string, 0, len(opts.Labels))
		for k := range opts.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			q.Add("label", k+"="+opts.Labels[k])
		}
		for j, err := range paginate[*JobInfo](ctx, c, c.apiURL("jobs", url.PathEscape(ns)), q, 0) {
			if !yield(c.finishJob(j), err) || err != nil {
				return
			}
		}
	}
}

// ListJobsHardware lists the hardware flavors of Jobs. Hub API: GET
// /api/jobs/hardware.
func (c *Client) ListJobsHardware(ctx context.Context) ([]HardwareFlavor, error) {
	var out []HardwareFlavor
	_, err := c.getJSON(ctx, c.apiURL("jobs", "hardware"), nil, &out)
	return out, err
}

// JobLogsOptions configures [Client.JobLogs].
type JobLogsOptions struct {
	Namespace string
	// Follow streams until the job ends (reconnecting while it runs).
	Follow bool
	// Tail starts at the last Tail lines (0: all).
	Tail int
	// IdleTimeout ends a non-followed read once no line came for that
	// long (default 5 s).
	IdleTimeout time.Duration
}

// JobLogs yields a job's output lines as the Hub streams them (the Hub's
// "===== Job started" banner is left out, as in Python). Hub API: GET
// /api/jobs/{namespace}/{id}/logs[?tail=N] (server-sent events).
func (c *Client) JobLogs(ctx context.Context, id string, opts *JobLogsOptions) iter.Seq2[LogLine, error] {
	if opts == nil {
		opts = &JobLogsOptions{}
	}
	if opts.Tail < 0 {
		return fail[LogLine](fmt.Errorf("%w: tail %d: use a number of lines", ErrValidation, opts.Tail))
	}
	return func(yield func(LogLine, error) bool) {
		u, ns, err := c.jobURL(ctx, opts.Namespace, id, "logs")
		if err != nil {
			yield(LogLine{}, err)
			return
		}
		o := sseOptions{Follow: opts.Follow, Idle: opts.IdleTimeout, Finished: c.jobFinished(id, ns)}
		if opts.Tail > 0 {
			o.Query = url.Values{"tail": {fmt.Sprint(opts.Tail)}}
		}
		for l, err := range logLines(c.streamSSE(ctx, u, o)) {
			if err == nil && strings.HasPrefix(l.Text, "===== Job started") {
				continue
			}
			if !yield(l, err) || err != nil {
				return
			}
		}
	}
}

// jobFinished asks the Hub whether a job is done.
func (c *Client) jobFinished(id, ns string) func(ctx context.Context) (bool, error) {
	return func(ctx context.Context) (bool, error) {
		j, err := c.InspectJob(ctx, id, &JobOptions{Namespace: ns})
		if err != nil {
			return false, err
		}
		return j.Status.Stage != JobStageRunning && j.Status.Stage != JobStageScheduling, nil
	}
}

// JobMetrics is one sample of a running job's resource use.
type JobMetrics struct {
	CPUUsagePct      float64 `json:"cpu_usage_pct"`
	CPUMillicores    int64   `json:"cpu_millicores"`
	MemoryUsedBytes  int64   `json:"memory_used_bytes"`
	MemoryTotalBytes int64   `json:"memory_total_bytes"`
	RxBps            float64 `json:"rx_bps"`
	TxBps            float64 `json:"tx_bps"`
	// GPUs by id.
	GPUs    map[string]JobGPUMetrics `json:"gpus,omitempty"`
	Replica string                   `json:"replica,omitempty"`
}

// JobGPUMetrics is the use of one GPU.
type JobGPUMetrics struct {
	Utilization      float64 `json:"utilization"`
	MemoryUsedBytes  int64   `json:"memory_used_bytes"`
	MemoryTotalBytes int64   `json:"memory_total_bytes"`
}

// JobMetricsOptions configures [Client.JobMetrics].
type JobMetricsOptions struct {
	Namespace string
	// IdleTimeout ends the stream when no sample came for that long
	// (default 10 s: the Hub sends one a second while the job runs).
	IdleTimeout time.Duration
}

// JobMetrics yields resource samples of a running job until it ends, no
// sample comes within the idle timeout, or the loop breaks. Hub API: GET
// /api/jobs/{namespace}/{id}/metrics (server-sent events).
func (c *Client) JobMetrics(ctx context.Context, id string, opts *JobMetricsOptions) iter.Seq2[JobMetrics, error] {
	if opts == nil {
		opts = &JobMetricsOptions{}
	}
	return func(yield func(JobMetrics, error) bool) {
		u, _, err := c.jobURL(ctx, opts.Namespace, id, "metrics")
		if err != nil {
			yield(JobMetrics{}, err)
			return
		}
		idle := opts.IdleTimeout
		if idle <= 0 {
			idle = 10 * time.Second
		}
		for ev, err := range c.streamSSE(ctx, u, sseOptions{Idle: idle}) {
			var m JobMetrics
			if he, ok := errors.AsType[*HubError](err); ok && he.StatusCode == http.StatusInternalServerError {
				return // the Hub answers 500 for a finished job
			}
			if err == nil {
				if err = json.Unmarshal(ev, &m); err != nil {
					err = fmt.Errorf("decode metrics event %.100s: %w", ev, err)
				}
			}
			if !yield(m, err) || err != nil {
				return
			}
		}
	}
}

// WaitForJobOptions configures [Client.WaitForJob].
type WaitForJobOptions struct {
	Namespace string
	// PollInterval is the time between two reads (default 5 s).
	PollInterval time.Duration
}

// ErrJobFailed: [Client.WaitForJob] saw the job end in ERROR, CANCELED or
// DELETED; the error is a [*JobError].
var ErrJobFailed = errors.New("the job did not complete")

// JobError is a job that ended in another stage than COMPLETED.
type JobError struct {
	ID, Stage, Message string
}

// Error implements error.
func (e *JobError) Error() string {
	s := "job " + e.ID + " ended in stage " + e.Stage
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s + "; see `hf jobs logs " + e.ID + "`"
}

// Is matches [ErrJobFailed].
func (e *JobError) Is(target error) bool { return target == ErrJobFailed }

// WaitForJob polls a job until it finishes or ctx is done. It returns the
// last state read; the error is nil when the job completed, a [*JobError]
// ([ErrJobFailed]) when it ended otherwise, or ctx's error.
func (c *Client) WaitForJob(ctx context.Context, id string, opts *WaitForJobOptions) (*JobInfo, error) {
	every, ns := 5*time.Second, ""
	if opts != nil {
		ns = opts.Namespace
		if opts.PollInterval > 0 {
			every = opts.PollInterval
		}
	}
	var last *JobInfo
	for {
		j, err := c.InspectJob(ctx, id, &JobOptions{Namespace: ns})
		if err != nil {
			if last != nil && ctx.Err() != nil {
				return last, fmt.Errorf("job %s still %s: %w", id, last.Status.Stage, context.Cause(ctx))
			}
			return last, err
		}
		last, ns = j, j.Owner.Name
		switch {
		case j.Status.Stage == JobStageCompleted:
			return j, nil
		case JobStageFinished(j.Status.Stage):
			return j, &JobError{ID: j.ID, Stage: j.Status.Stage, Message: j.Status.Message}
		}
		if err := c.sleep(ctx, every); err != nil {
			return j, fmt.Errorf("job %s still %s: %w", id, j.Status.Stage, err)
		}
	}
}

// DuplicateJobOptions configures [Client.DuplicateJob].
type DuplicateJobOptions struct {
	Namespace string
	// Secrets for the copy: the Hub never returns a job's secret values,
	// so the copy gets only those given here. A secret of the original
	// missing here is an error.
	Secrets map[string]string
}

// DuplicateJob runs a new job with the spec of an existing one (image,
// command, env, flavor, timeout, labels, volumes). The Hub has no
// duplicate endpoint: this inspects the job, then runs a copy.
func (c *Client) DuplicateJob(ctx context.Context, id string, opts *DuplicateJobOptions) (*JobInfo, error) {
	if opts == nil {
		opts = &DuplicateJobOptions{}
	}
	j, err := c.InspectJob(ctx, id, &JobOptions{Namespace: opts.Namespace})
	if err != nil {
		return nil, err
	}
	for _, k := range j.SecretNames() {
		if _, ok := opts.Secrets[k]; !ok {
			return nil, fmt.Errorf("%w: job %s has secret %s, whose value the Hub does not return: pass it again (DuplicateJobOptions.Secrets, or -s %s)", ErrValidation, id, k, k)
		}
	}
	return c.RunJob(ctx, &JobSpec{
		Image: j.Image(), Command: append(j.Command, j.Arguments...), Env: j.Environment, Secrets: opts.Secrets,
		Flavor: j.Flavor, Timeout: time.Duration(j.TimeoutSeconds) * time.Second, Labels: j.Labels,
		Volumes: j.Volumes, Namespace: j.Owner.Name,
	})
}

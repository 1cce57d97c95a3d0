package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/hfhub-go/hfhub/internal/cron"
)

// Job stages, as the Hub names them.
const (
	JobScheduling = "SCHEDULING"
	JobRunning    = "RUNNING"
	JobCompleted  = "COMPLETED"
	JobCanceled   = "CANCELED"
	JobError      = "ERROR"
	JobDeleted    = "DELETED"
)

// JobScript says how a simulated job runs. The zero value schedules for
// one read, runs for one read, then completes.
type JobScript struct {
	// SchedulingSteps and RunningSteps are how many observations of the
	// job see SCHEDULING and RUNNING (0 means 1; -1: until FinishJob, a
	// cancel or the job's timeout). An observation is a read of the job
	// (inspect, list) or a log or metrics stream with nothing new to send,
	// so following a job's logs runs it to its end.
	SchedulingSteps, RunningSteps int
	// Result is COMPLETED (default) or ERROR, with Message.
	Result, Message string
	// Logs are the job's output lines, written once it runs.
	Logs []string
	// Metrics are the events of the metrics stream while it runs.
	Metrics []map[string]any
	// LogDelay pauses between two events of a stream.
	LogDelay time.Duration
}

// jobSpec is the body of POST /api/jobs/{ns} (and a scheduled job's
// "jobSpec").
type jobSpec struct {
	DockerImage     string            `json:"dockerImage,omitempty"`
	SpaceID         string            `json:"spaceId,omitempty"`
	Command         []string          `json:"command"`
	Arguments       []string          `json:"arguments"`
	Environment     map[string]string `json:"environment"`
	Secrets         map[string]string `json:"secrets,omitempty"`
	Flavor          string            `json:"flavor"`
	TimeoutSeconds  int64             `json:"timeoutSeconds,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	Volumes         []map[string]any  `json:"volumes,omitempty"`
	Expose          map[string]any    `json:"expose,omitempty"`
	SSH             map[string]any    `json:"ssh,omitempty"`
	ResourceGroupID string            `json:"resourceGroupId,omitempty"`
}

// check returns what is wrong with the spec ("" when nothing).
func (j *jobSpec) check() string {
	switch {
	case j.DockerImage == "" && j.SpaceID == "":
		return `"dockerImage" or "spaceId" is required`
	case len(j.Command) == 0:
		return `"command" must not be empty`
	case j.Flavor != "" && !knownFlavor(j.Flavor):
		return "Invalid flavor " + quoteJS(j.Flavor) + ": see GET /api/jobs/hardware"
	case j.TimeoutSeconds < 0:
		return `"timeoutSeconds" must be positive`
	}
	for k := range j.Environment {
		if !envName.MatchString(k) {
			return "Invalid environment variable name " + quoteJS(k)
		}
	}
	for k := range j.Secrets {
		if !envName.MatchString(k) {
			return "Invalid secret name " + quoteJS(k)
		}
	}
	if j.Volumes != nil {
		return checkVolumes(j.Volumes)
	}
	return ""
}

type jobSim struct {
	id, owner    string
	spec         jobSpec
	stage, msg   string
	steps        int
	script       JobScript
	created      time.Time
	started      *time.Time
	finished     *time.Time
	logs         []logLine
	initiator    map[string]any
	scheduledJob string
}

type scheduledSim struct {
	id, owner   string
	schedule    string
	parsed      cron.Schedule
	suspend     bool
	concurrency bool
	spec        jobSpec
	created     time.Time
	next        time.Time
	lastJob     string
	lastAt      time.Time
}

// jobsState is the Jobs half of [Compute]; guarded by Compute.mu.
type jobsState struct {
	script    func(image string, command []string) JobScript
	def       JobScript
	jobs      map[string]*jobSim
	order     []string // job ids, oldest first
	scheduled map[string]*scheduledSim
	sorder    []string
}

func (j *jobsState) init(def JobScript) {
	j.def = def
	j.jobs = map[string]*jobSim{}
	j.scheduled = map[string]*scheduledSim{}
}

func newObjectID() string {
	b := make([]byte, 12)
	rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// SetJobScript chooses the script of each new job from its image (or
// Space id) and command; nil restores the default ([ComputeOptions].Job).
func (c *Compute) SetJobScript(f func(image string, command []string) JobScript) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs.script = f
}

// newJob starts a job of owner; c.mu is held.
func (c *Compute) newJob(owner string, spec jobSpec, initiator map[string]any) *jobSim {
	sc := c.jobs.def
	if c.jobs.script != nil {
		img := spec.DockerImage
		if img == "" {
			img = "hf.co/spaces/" + spec.SpaceID
		}
		sc = c.jobs.script(img, spec.Command)
	}
	if spec.Flavor == "" {
		spec.Flavor = "cpu-basic"
	}
	j := &jobSim{id: newObjectID(), owner: owner, spec: spec, stage: JobScheduling, script: sc, created: c.clock(), initiator: initiator}
	c.jobs.jobs[j.id] = j
	c.jobs.order = append(c.jobs.order, j.id)
	c.changed()
	return j
}

// observeJob moves a job one step and reports whether it could; c.mu is
// held.
func (c *Compute) observeJob(j *jobSim) bool {
	switch j.stage {
	case JobScheduling:
		if j.script.SchedulingSteps < 0 {
			return false
		}
		if j.steps < max(j.script.SchedulingSteps, 1) {
			j.steps++
			return true
		}
		c.runJob(j)
	case JobRunning:
		if j.script.RunningSteps < 0 {
			return false
		}
		if j.steps < max(j.script.RunningSteps, 1) {
			j.steps++
			return true
		}
		res := j.script.Result
		if res == "" {
			res = JobCompleted
		}
		c.endJob(j, res, j.script.Message)
	default:
		return false
	}
	return true
}

func (c *Compute) runJob(j *jobSim) {
	now := c.clock()
	j.stage, j.steps, j.started = JobRunning, 0, &now
	j.logs = append(j.logs, logLine{"===== Job started at " + now.Format("2006-01-02 15:04:05") + " =====", now})
	for _, l := range j.script.Logs {
		j.logs = append(j.logs, logLine{l, now})
	}
	c.changed()
}

func (c *Compute) endJob(j *jobSim, stage, msg string) {
	now := c.clock()
	j.stage, j.msg, j.finished = stage, msg, &now
	c.changed()
}

// job finds a job of owner; c.mu is held.
func (c *Compute) job(owner, id string) (*jobSim, bool) {
	j, ok := c.jobs.jobs[id]
	return j, ok && j.owner == owner
}

// JobStage returns the stage of job id without advancing it ("" if
// unknown).
func (c *Compute) JobStage(id string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if j, ok := c.jobs.jobs[id]; ok {
		return j.stage
	}
	return ""
}

// FinishJob ends job id in stage (COMPLETED, ERROR or CANCELED) with a
// message, whatever its script says.
func (c *Compute) FinishJob(id, stage, message string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	j, ok := c.jobs.jobs[id]
	if !ok {
		return fmt.Errorf("server: no job %s", id)
	}
	if j.started == nil {
		c.runJob(j)
	}
	c.endJob(j, stage, message)
	return nil
}

// AppendJobLogs adds output lines to job id; streams following it get them
// at once.
func (c *Compute) AppendJobLogs(id string, lines ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	j, ok := c.jobs.jobs[id]
	if !ok {
		return fmt.Errorf("server: no job %s", id)
	}
	now := c.clock()
	for _, l := range lines {
		j.logs = append(j.logs, logLine{l, now})
	}
	c.changed()
	return nil
}

// JobSecrets returns the secret values job id was started with (the API
// never returns them).
func (c *Compute) JobSecrets(id string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if j, ok := c.jobs.jobs[id]; ok {
		return maps.Clone(j.spec.Secrets)
	}
	return nil
}

// JobIDs returns the ids of every job, oldest first.
func (c *Compute) JobIDs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.jobs.order...)
}

// fireSchedules starts the runs of scheduled jobs due up to end and times
// out jobs past their timeout; c.mu is held, c.now is the old time.
func (c *Compute) fireSchedules(end time.Time) []string {
	type due struct {
		at time.Time
		s  *scheduledSim
	}
	var runs []due
	for _, id := range c.jobs.sorder {
		s := c.jobs.scheduled[id]
		if s.suspend {
			continue
		}
		for !s.next.IsZero() && !s.next.After(end) {
			runs = append(runs, due{s.next, s})
			s.next = s.parsed.Next(s.next)
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].at.Before(runs[j].at) })
	var started []string
	for _, r := range runs {
		c.now = r.at
		c.timeouts()
		s := r.s
		if !s.concurrency && s.lastJob != "" {
			if j := c.jobs.jobs[s.lastJob]; j != nil && (j.stage == JobScheduling || j.stage == JobRunning) {
				continue // the previous run is still going
			}
		}
		j := c.newJob(s.owner, s.spec, map[string]any{"type": "scheduled-job", "id": s.id})
		j.scheduledJob = s.id
		s.lastJob, s.lastAt = j.id, r.at
		started = append(started, j.id)
	}
	c.now = end
	c.timeouts()
	return started
}

// timeouts ends running jobs past their timeout; c.mu is held.
func (c *Compute) timeouts() {
	now := c.clock()
	for _, id := range c.jobs.order {
		j := c.jobs.jobs[id]
		if j.stage == JobRunning && j.spec.TimeoutSeconds > 0 && j.started != nil &&
			!now.Before(j.started.Add(time.Duration(j.spec.TimeoutSeconds)*time.Second)) {
			c.endJob(j, JobError, fmt.Sprintf("Job timed out after %ds", j.spec.TimeoutSeconds))
		}
	}
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func isoPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return isoTime(*t)
}

// json is the job object of the Jobs API (secret values withheld).
func (j *jobSim) json(c *Compute) map[string]any {
	secrets := map[string]any{}
	for k := range j.spec.Secrets {
		secrets[k] = nil
	}
	now := c.clock()
	dur := map[string]any{"totalSecs": int64(now.Sub(j.created) / time.Second)}
	if j.started != nil {
		dur["schedulingSecs"] = int64(j.started.Sub(j.created) / time.Second)
		end := now
		if j.finished != nil {
			end = *j.finished
		}
		dur["runningSecs"] = int64(end.Sub(*j.started) / time.Second)
	}
	status := map[string]any{"stage": j.stage, "message": nil}
	if j.msg != "" {
		status["message"] = j.msg
	}
	if ports, ok := j.spec.Expose["ports"].([]any); ok {
		var urls []string
		for _, p := range ports {
			urls = append(urls, fmt.Sprintf("https://%s--%v.hf.jobs", j.id, p))
		}
		status["exposeUrls"] = urls
	}
	if on, _ := j.spec.SSH["enabled"].(bool); on {
		status["sshUrl"] = "ssh://" + j.id + "@ssh.hf.jobs"
	}
	m := map[string]any{
		"id":          j.id,
		"createdAt":   isoTime(j.created),
		"startedAt":   isoPtr(j.started),
		"finishedAt":  isoPtr(j.finished),
		"command":     j.spec.Command,
		"arguments":   nonNil(j.spec.Arguments),
		"environment": nonNilMap(j.spec.Environment),
		"secrets":     secrets,
		"flavor":      j.spec.Flavor,
		"status":      status,
		"durations":   dur,
		"owner":       map[string]any{"id": ownerID(j.owner), "name": j.owner, "type": "user"},
		"initiator":   j.initiator,
	}
	if j.spec.DockerImage != "" {
		m["dockerImage"] = j.spec.DockerImage
	} else {
		m["spaceId"] = j.spec.SpaceID
	}
	if j.spec.Labels != nil {
		m["labels"] = j.spec.Labels
	}
	if j.spec.Volumes != nil {
		m["volumes"] = j.spec.Volumes
	}
	if j.spec.TimeoutSeconds > 0 {
		m["timeoutSeconds"] = j.spec.TimeoutSeconds
	}
	return m
}

func (s *scheduledSim) json() map[string]any {
	status := map[string]any{"lastJob": nil, "nextJobRunAt": nil}
	if s.lastJob != "" {
		status["lastJob"] = map[string]any{"id": s.lastJob, "at": isoTime(s.lastAt)}
	}
	if !s.next.IsZero() && !s.suspend {
		status["nextJobRunAt"] = isoTime(s.next)
	}
	spec := s.spec
	secrets := map[string]string{}
	for k := range spec.Secrets {
		secrets[k] = ""
	}
	spec.Secrets = secrets
	return map[string]any{
		"id":          s.id,
		"createdAt":   isoTime(s.created),
		"schedule":    s.schedule,
		"suspend":     s.suspend,
		"concurrency": s.concurrency,
		"status":      status,
		"owner":       map[string]any{"id": ownerID(s.owner), "name": s.owner, "type": "user"},
		"jobSpec":     spec,
	}
}

// ownerID is a stable 24-hex id for a user name.
func ownerID(name string) string {
	return fmt.Sprintf("%024x", []byte(name))[:24]
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

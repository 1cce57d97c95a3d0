package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/internal/cron"
)

// registerJobRoutes adds the Jobs API served from s.compute.
func (s *Server) registerJobRoutes() {
	s.mux.HandleFunc("GET /api/jobs/hardware", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, r, hardwareFlavors)
	})
	s.mux.HandleFunc("GET /api/jobs/{ns}", s.jobsHandler(false, s.handleListJobs))
	s.mux.HandleFunc("POST /api/jobs/{ns}", s.jobsHandler(true, s.handleRunJob))
	s.mux.HandleFunc("GET /api/jobs/{ns}/{id}", s.jobsHandler(false, s.withJob(s.handleInspectJob)))
	s.mux.HandleFunc("POST /api/jobs/{ns}/{id}/cancel", s.jobsHandler(true, s.withJob(s.handleCancelJob)))
	s.mux.HandleFunc("PUT /api/jobs/{ns}/{id}/labels", s.jobsHandler(true, s.withJob(s.handleJobLabels)))
	s.mux.HandleFunc("GET /api/jobs/{ns}/{id}/logs", s.jobStream(false))
	s.mux.HandleFunc("GET /api/jobs/{ns}/{id}/metrics", s.jobStream(true))

	s.mux.HandleFunc("GET /api/scheduled-jobs/{ns}", s.jobsHandler(false, s.handleListScheduled))
	s.mux.HandleFunc("POST /api/scheduled-jobs/{ns}", s.jobsHandler(true, s.handleCreateScheduled))
	s.mux.HandleFunc("GET /api/scheduled-jobs/{ns}/{id}", s.jobsHandler(false, s.withScheduled(s.handleInspectScheduled)))
	s.mux.HandleFunc("DELETE /api/scheduled-jobs/{ns}/{id}", s.jobsHandler(true, s.withScheduled(s.handleDeleteScheduled)))
	s.mux.HandleFunc("POST /api/scheduled-jobs/{ns}/{id}/suspend", s.jobsHandler(true, s.withScheduled(s.handleSuspendScheduled(true))))
	s.mux.HandleFunc("POST /api/scheduled-jobs/{ns}/{id}/resume", s.jobsHandler(true, s.withScheduled(s.handleSuspendScheduled(false))))
	s.mux.HandleFunc("POST /api/scheduled-jobs/{ns}/{id}/run", s.jobsHandler(true, s.withScheduled(s.handleTriggerScheduled)))
	s.mux.HandleFunc("PUT /api/scheduled-jobs/{ns}/{id}/labels", s.jobsHandler(true, s.withScheduled(s.handleScheduledLabels)))
}

// jobsHandler checks that the caller may read (or write) the namespace,
// catches up a real clock's schedules, and runs h with s.compute.mu held.
func (s *Server) jobsHandler(write bool, h func(w http.ResponseWriter, r *http.Request, ns string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ns, ok := s.jobsAccess(w, r, write)
		if !ok {
			return
		}
		c := s.compute
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.manual {
			c.fireSchedules(time.Now().UTC())
		}
		h(w, r, ns)
	}
}

// jobsAccess authenticates the caller and checks the namespace.
func (s *Server) jobsAccess(w http.ResponseWriter, r *http.Request, write bool) (string, bool) {
	setJobPath(r)
	u, ok := s.needUser(w, r)
	if !ok {
		return "", false
	}
	ns := r.PathValue("ns")
	if (write && !u.CanWrite(ns)) || (!write && !u.CanRead(ns)) {
		writeError(w, r, http.StatusForbidden, "", "You don't have access to the jobs of namespace "+ns+": use a token of "+ns+" (write access to run or cancel)")
		return "", false
	}
	return ns, true
}

// setJobPath fills the "ns" and "id" path values of /api/jobs/{ns}/{id}/...
// (ServeHTTP dispatches with mux.Handler, which does not set them).
func setJobPath(r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	if len(segs) > 1 {
		r.SetPathValue("ns", segs[1])
	}
	if len(segs) > 2 {
		r.SetPathValue("id", segs[2])
	}
}

func (s *Server) withJob(h func(w http.ResponseWriter, r *http.Request, j *jobSim)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, ns string) {
		j, ok := s.compute.job(ns, r.PathValue("id"))
		if !ok {
			writeError(w, r, http.StatusNotFound, "", "Job not found")
			return
		}
		h(w, r, j)
	}
}

func (s *Server) withScheduled(h func(w http.ResponseWriter, r *http.Request, sj *scheduledSim)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, ns string) {
		sj, ok := s.compute.jobs.scheduled[r.PathValue("id")]
		if !ok || sj.owner != ns {
			writeError(w, r, http.StatusNotFound, "", "Scheduled job not found")
			return
		}
		h(w, r, sj)
	}
}

func (s *Server) handleRunJob(w http.ResponseWriter, r *http.Request, ns string) {
	var spec jobSpec
	if !readJSON(w, r, &spec) {
		return
	}
	if msg := spec.check(); msg != "" {
		writeError(w, r, http.StatusBadRequest, "", msg)
		return
	}
	j := s.compute.newJob(ns, spec, map[string]any{"type": "user", "id": ownerID(ns), "name": ns})
	writeJSON(w, r, j.json(s.compute))
}

// handleListJobs serves GET /api/jobs/{ns}?stage=...&label=k=v, newest
// first. Listing moves every job one step, like reading each.
func (s *Server) handleListJobs(w http.ResponseWriter, r *http.Request, ns string) {
	q := r.URL.Query()
	stages, labels := q["stage"], q["label"]
	out := []any{}
	c := s.compute
	for i := len(c.jobs.order) - 1; i >= 0; i-- {
		j := c.jobs.jobs[c.jobs.order[i]]
		if j.owner != ns {
			continue
		}
		c.observeJob(j)
		if len(stages) > 0 && !slices.Contains(stages, j.stage) {
			continue
		}
		if !matchLabels(j.spec.Labels, labels) {
			continue
		}
		out = append(out, j.json(c))
	}
	writeJSON(w, r, out)
}

func matchLabels(have map[string]string, want []string) bool {
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func (s *Server) handleInspectJob(w http.ResponseWriter, r *http.Request, j *jobSim) {
	s.compute.observeJob(j)
	writeJSON(w, r, j.json(s.compute))
}

func (s *Server) handleCancelJob(w http.ResponseWriter, r *http.Request, j *jobSim) {
	if j.stage != JobScheduling && j.stage != JobRunning {
		writeError(w, r, http.StatusBadRequest, "", "Job "+j.id+" is already "+j.stage+": only scheduling or running jobs can be canceled")
		return
	}
	s.compute.endJob(j, JobCanceled, "Job canceled by user")
	writeJSON(w, r, j.json(s.compute))
}

func (s *Server) handleJobLabels(w http.ResponseWriter, r *http.Request, j *jobSim) {
	var b struct {
		Labels map[string]string `json:"labels"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	j.spec.Labels = b.Labels
	s.compute.changed()
	writeJSON(w, r, j.json(s.compute))
}

// jobStream serves a job's logs (or metrics) as server-sent events, open
// while the job is scheduling or running. ?tail=N starts at the last N
// lines.
func (s *Server) jobStream(metrics bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ns, ok := s.jobsAccess(w, r, false)
		if !ok {
			return
		}
		c := s.compute
		c.mu.Lock()
		j, found := c.job(ns, r.PathValue("id"))
		var delay time.Duration
		if found {
			delay = j.script.LogDelay
		}
		c.mu.Unlock()
		if !found {
			writeError(w, r, http.StatusNotFound, "", "Job not found")
			return
		}
		skip := 0
		if t := r.URL.Query().Get("tail"); t != "" && !metrics {
			n, err := parseNonNegative(t)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, "", "Invalid tail "+quoteJS(t)+": use a number of lines")
				return
			}
			c.mu.Lock()
			skip = max(len(j.logs)-n, 0)
			c.mu.Unlock()
		}
		events := func(sent int) []any {
			var out []any
			if metrics {
				if j.stage == JobRunning && sent < len(j.script.Metrics) {
					for _, m := range j.script.Metrics[sent:] {
						out = append(out, m)
					}
				}
			} else if from := skip + sent; from < len(j.logs) {
				for _, l := range j.logs[from:] {
					out = append(out, l)
				}
			}
			return out
		}
		streamEvents(w, r, delay, func(sent int) ([]any, bool, <-chan struct{}) {
			c.mu.Lock()
			defer c.mu.Unlock()
			out := events(sent)
			live := j.stage == JobScheduling || j.stage == JobRunning
			if len(out) == 0 && live && c.observeJob(j) { // a watcher moves the job on
				return nil, true, closedChan
			}
			return out, live, c.notify
		})
	}
}

func parseNonNegative(s string) (int, error) {
	n := 0
	if s == "" {
		return 0, errBadNumber
	}
	for _, r := range s {
		if r < '0' || r > '9' || n > 1<<30 {
			return 0, errBadNumber
		}
		n = n*10 + int(r-'0')
	}
	return n, nil
}

func (s *Server) handleCreateScheduled(w http.ResponseWriter, r *http.Request, ns string) {
	var b struct {
		JobSpec     jobSpec `json:"jobSpec"`
		Schedule    string  `json:"schedule"`
		Suspend     *bool   `json:"suspend"`
		Concurrency *bool   `json:"concurrency"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	sched, err := cron.Parse(b.Schedule)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "", err.Error())
		return
	}
	if msg := b.JobSpec.check(); msg != "" {
		writeError(w, r, http.StatusBadRequest, "", msg)
		return
	}
	if b.JobSpec.Flavor == "" {
		b.JobSpec.Flavor = "cpu-basic"
	}
	c := s.compute
	now := c.clock()
	sj := &scheduledSim{id: newObjectID(), owner: ns, schedule: b.Schedule, parsed: sched, spec: b.JobSpec, created: now, next: sched.Next(now)}
	if b.Suspend != nil {
		sj.suspend = *b.Suspend
	}
	if b.Concurrency != nil {
		sj.concurrency = *b.Concurrency
	}
	c.jobs.scheduled[sj.id] = sj
	c.jobs.sorder = append(c.jobs.sorder, sj.id)
	c.changed()
	writeJSON(w, r, sj.json())
}

func (s *Server) handleListScheduled(w http.ResponseWriter, r *http.Request, ns string) {
	out := []any{}
	for _, id := range s.compute.jobs.sorder {
		if sj := s.compute.jobs.scheduled[id]; sj.owner == ns {
			out = append(out, sj.json())
		}
	}
	writeJSON(w, r, out)
}

func (s *Server) handleInspectScheduled(w http.ResponseWriter, r *http.Request, sj *scheduledSim) {
	writeJSON(w, r, sj.json())
}

func (s *Server) handleDeleteScheduled(w http.ResponseWriter, r *http.Request, sj *scheduledSim) {
	c := s.compute
	delete(c.jobs.scheduled, sj.id)
	c.jobs.sorder = slices.DeleteFunc(c.jobs.sorder, func(id string) bool { return id == sj.id })
	c.changed()
	writeText(w, r, http.StatusOK, "", "", "OK")
}

func (s *Server) handleSuspendScheduled(suspend bool) func(http.ResponseWriter, *http.Request, *scheduledSim) {
	return func(w http.ResponseWriter, r *http.Request, sj *scheduledSim) {
		sj.suspend = suspend
		if !suspend {
			sj.next = sj.parsed.Next(s.compute.clock()) // runs missed while suspended are skipped
		}
		s.compute.changed()
		writeJSON(w, r, sj.json())
	}
}

func (s *Server) handleTriggerScheduled(w http.ResponseWriter, r *http.Request, sj *scheduledSim) {
	c := s.compute
	j := c.newJob(sj.owner, sj.spec, map[string]any{"type": "scheduled-job", "id": sj.id})
	sj.lastJob, sj.lastAt = j.id, c.clock()
	writeJSON(w, r, j.json(c))
}

func (s *Server) handleScheduledLabels(w http.ResponseWriter, r *http.Request, sj *scheduledSim) {
	var b struct {
		Labels map[string]string `json:"labels"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	sj.spec.Labels = b.Labels
	s.compute.changed()
	writeJSON(w, r, sj.json())
}

// closedChan never blocks.
var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

var errBadNumber = errors.New("not a non-negative number")

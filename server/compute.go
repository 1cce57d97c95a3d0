package server

import (
	"errors"
	"sync"
	"time"
)

// Compute simulates the Hub's compute side: the runtime of every Space
// (stages, hardware, secrets, variables, storage, volumes, logs) and Jobs
// (runs, logs, metrics, schedules). A server given one with [WithCompute]
// answers the Spaces runtime and Jobs routes from it; hubtest always
// installs one, so tests (ours and users') can drive deploy scripts without
// the Hub.
//
// State lives in memory only. Stages advance when they are observed: each
// read of a Space's runtime (or info) moves a building Space one step (see
// [SpaceScript]); each read of a job moves it one step (see [JobScript]).
// Time comes from a clock that is real by default or manual
// ([ComputeOptions].Start): a manual clock moves only with
// [Compute.Advance], which also fires scheduled jobs that fall due.
//
// Create it with [NewCompute]. Its methods are safe for concurrent use.
type Compute struct {
	mu     sync.Mutex
	manual bool
	now    time.Time // the manual clock

	spaceDefault SpaceScript
	scripts      map[string]SpaceScript // by Space id, set before or after creation
	spaces       map[string]*spaceSim

	jobs   jobsState     // jobs_sim.go
	notify chan struct{} // closed and replaced on every change (log streams wait on it)
}

// ComputeOptions configures [NewCompute]. The zero value uses the real
// clock and the default scripts.
type ComputeOptions struct {
	// Start, when set, makes the clock manual: it reads Start until
	// [Compute.Advance] moves it.
	Start time.Time
	// Space is the script of Spaces that have none of their own
	// ([Compute.SetSpaceScript]).
	Space SpaceScript
	// Job is the script of jobs when no [Compute.SetJobScript] function
	// chooses one.
	Job JobScript
}

// NewCompute returns a simulator with no Spaces and no jobs yet.
func NewCompute(o ComputeOptions) *Compute {
	c := &Compute{
		manual:       !o.Start.IsZero(),
		now:          o.Start.UTC(),
		spaceDefault: o.Space,
		scripts:      map[string]SpaceScript{},
		spaces:       map[string]*spaceSim{},
		notify:       make(chan struct{}),
	}
	c.jobs.init(o.Job)
	return c
}

// WithCompute serves the Spaces runtime routes (/api/spaces/{id}/runtime,
// hardware, sleeptime, pause, restart, secrets, variables, storage,
// volumes, dev-mode, logs, duplicate) and the Jobs routes (/api/jobs/...,
// /api/scheduled-jobs/...) from c.
func WithCompute(c *Compute) Option {
	return func(s *Server) { s.compute = c }
}

// Compute returns the simulator given with [WithCompute], or nil.
func (s *Server) Compute() *Compute { return s.compute }

// errRealClock is returned by Advance on a real clock.
var errRealClock = errors.New("server: the compute clock is real: set ComputeOptions.Start to drive it")

// Now returns the simulator's time.
func (c *Compute) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock()
}

// clock returns the current time; c.mu is held.
func (c *Compute) clock() time.Time {
	if c.manual {
		return c.now
	}
	return time.Now().UTC()
}

// Advance moves a manual clock forward by d and starts every scheduled job
// that falls due on the way (one run per due time, like a cron daemon that
// was never down). It returns the ids of the jobs started, oldest first.
func (c *Compute) Advance(d time.Duration) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.manual {
		return nil, errRealClock
	}
	end := c.now.Add(d)
	started := c.fireSchedules(end) // jobs_sim.go
	c.now = end
	c.changed()
	return started, nil
}

// changed wakes every stream waiting for new state; c.mu is held.
func (c *Compute) changed() {
	close(c.notify)
	c.notify = make(chan struct{})
}

package hubtest

import (
	"time"

	"github.com/hfhub-go/hfhub/server"
)

// SpaceScript says how a simulated Space behaves after each (re)start:
// build steps, result stage, logs. See [server.SpaceScript].
type SpaceScript = server.SpaceScript

// Compute is the Spaces runtime and Jobs simulator of a test Hub, returned
// by [Server.Compute]. See [server.Compute].
type Compute = server.Compute

// WithSpaceScript sets the default behaviour of every Space (each can
// still get its own with Compute().SetSpaceScript).
func WithSpaceScript(s SpaceScript) Option {
	return func(o *options) { o.compute.Space = s }
}

// WithClock makes the compute clock manual, starting at start: it moves
// only with Compute().Advance, which also starts scheduled jobs that fall
// due. Timestamps of runtime changes, logs and jobs come from it.
func WithClock(start time.Time) Option {
	return func(o *options) { o.compute.Start = start }
}

// Compute returns the simulator behind the Spaces runtime and Jobs routes:
// script Spaces, force stages, append logs, read the secrets a deploy set,
// advance the clock.
func (s *Server) Compute() *Compute { return s.handler.Compute() }

// JobScript says how a simulated job runs: steps, result, logs, metrics.
// See [server.JobScript].
type JobScript = server.JobScript

// WithJobScript sets the default behaviour of every job (choose per job
// with Compute().SetJobScript).
func WithJobScript(s JobScript) Option {
	return func(o *options) { o.compute.Job = s }
}

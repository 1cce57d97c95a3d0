package cmdutil

import (
	"os"
	"sync"
	"sync/atomic"
)

// GlobalFlags are the flags every command accepts (persistent flags of the
// root command).
type GlobalFlags struct {
	Token    string // --token: overrides HF_TOKEN and the stored token
	Endpoint string // --endpoint: overrides HF_ENDPOINT
	Format   Format // --format: table or json (--json; --format quiet sets Quiet)
	Quiet    bool   // --quiet: results only, no progress or diagnostics
	// NoTruncate is --no-truncate: terminal tables show whole values.
	NoTruncate bool
}

// Factory gives commands what they need, built lazily so a command that
// needs no network never reads a token: the streams, the global flags, a
// printer, a progress renderer and (factory_client.go) the library client.
// One Factory serves one invocation of hf; it is safe for concurrent use
// once flags are parsed.
type Factory struct {
	IO      *IOStreams
	Globals *GlobalFlags

	// Getenv reads the environment; os.Getenv unless a test replaces it.
	Getenv func(string) string

	clientOnce sync.Once
	clientVal  clientResult

	// progress is the last renderer Progress returned: warnings are
	// printed above its bars (logger.go).
	progress atomic.Pointer[Progress]
}

// NewFactory returns a Factory over the given streams, reading the real
// environment.
func NewFactory(io *IOStreams) *Factory {
	return &Factory{IO: io, Globals: &GlobalFlags{Format: FormatTable}, Getenv: os.Getenv}
}

// Finish ends what the command left running: the bars of the last
// [Factory.Progress] (printing the warnings kept while they ran). Run calls
// it when the command returns, before printing its error.
func (f *Factory) Finish() {
	if p := f.progress.Load(); p != nil {
		p.Wait()
	}
}

// Printer returns a printer configured by --format and --quiet.
func (f *Factory) Printer() *Printer {
	return &Printer{IO: f.IO, Format: f.Globals.Format, Quiet: f.Globals.Quiet, NoTruncate: f.Globals.NoTruncate}
}

// ProgressMode decides how progress is shown: nothing with --quiet (in
// every format); JSON lines with --format json; nothing with
// HF_HUB_DISABLE_PROGRESS_BARS or when stderr is not a terminal; bars
// otherwise.
func (f *Factory) ProgressMode() ProgressMode {
	switch {
	case f.Globals.Quiet:
		return ProgressNone // --quiet hides progress in every format
	case f.Globals.Format == FormatJSON:
		return ProgressJSON
	case f.IO.ProgressDisabled(), !f.IO.IsStderrTTY():
		return ProgressNone
	}
	return ProgressBars
}

// Progress returns a new progress renderer on stderr in [Factory.ProgressMode].
// Call its Wait before printing results.
func (f *Factory) Progress() *Progress {
	p := NewProgress(f.ProgressMode(), f.IO.ErrOut)
	f.progress.Store(p)
	return p
}

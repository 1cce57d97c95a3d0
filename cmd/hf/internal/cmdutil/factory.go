package cmdutil

import (
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

// GlobalFlags are the flags every command accepts (persistent flags of the
// root command).
type GlobalFlags struct {
	Token    string // --token: overrides HF_TOKEN and the stored token
	Endpoint string // --endpoint: overrides HF_ENDPOINT
	Format   Format // --format: table or json
	Quiet    bool   // --quiet: results only, no progress or diagnostics
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
}

// NewFactory returns a Factory over the given streams, reading the real
// environment.
func NewFactory(io *IOStreams) *Factory {
	return &Factory{IO: io, Globals: &GlobalFlags{Format: FormatTable}, Getenv: os.Getenv}
}

// Printer returns a printer configured by --format and --quiet.
func (f *Factory) Printer() *Printer {
	return &Printer{IO: f.IO, Format: f.Globals.Format, Quiet: f.Globals.Quiet}
}

// ProgressMode decides how progress is shown: JSON lines with --format json;
// nothing with --quiet or HF_HUB_DISABLE_PROGRESS_BARS or when stderr is not
// a terminal; bars otherwise.
func (f *Factory) ProgressMode() ProgressMode {
	switch {
	case f.Globals.Format == FormatJSON:
		return ProgressJSON
	case f.Globals.Quiet, f.IO.ProgressDisabled(), !f.IO.IsStderrTTY():
		return ProgressNone
	}
	return ProgressBars
}

// Progress returns a new progress renderer on stderr in [Factory.ProgressMode].
// Call its Wait before printing results.
func (f *Factory) Progress() *Progress {
	return NewProgress(f.ProgressMode(), f.IO.ErrOut)
}

// Version returns the version of hf: the module version it was built from
// ("v1.2.3"), or "devel" for a build from a work tree.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return strings.TrimSpace(bi.Main.Version)
}

package cmdutil

import (
	"github.com/hfhub-go/hfhub"
)

// clientResult caches the lazily built library client and its error.
type clientResult struct {
	c   *hfhub.Client
	err error
}

// Client returns the library client for this invocation, built on first use
// from the environment and the global flags (--token, --endpoint). Commands
// that never call it never read a token.
func (f *Factory) Client() (*hfhub.Client, error) {
	f.clientOnce.Do(func() {
		f.clientVal.c, f.clientVal.err = hfhub.New(f.ClientOptions()...)
		if f.clientVal.err != nil {
			f.clientVal.err = NewError(ExitUsage, "check the HF_* environment variables and --endpoint", f.clientVal.err)
		}
	})
	return f.clientVal.c, f.clientVal.err
}

// ClientOptions are the options [Factory.Client] passes to hfhub.New:
// the environment, the user agent of hf, the warnings logger
// ([Factory.Logger]) and the global flags.
func (f *Factory) ClientOptions() []hfhub.Option {
	opts := []hfhub.Option{
		hfhub.WithEnv(f.Getenv),
		hfhub.WithUserAgent("hf", Version()),
		hfhub.WithLogger(f.Logger()),
	}
	if f.Globals.Endpoint != "" {
		opts = append(opts, hfhub.WithEndpoint(f.Globals.Endpoint))
	}
	if f.Globals.Token != "" {
		opts = append(opts, hfhub.WithToken(f.Globals.Token))
	}
	return opts
}

// Package env implements `hf env`.
package env

import (
	"context"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Options is everything `hf env` needs.
type Options struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)
}

// Setting is one resolved configuration value in `hf env --format json`.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Report is what `hf env --format json` prints.
type Report struct {
	Version  string    `json:"version"`
	Go       string    `json:"go"`
	Platform string    `json:"platform"`
	Endpoint string    `json:"endpoint"`
	Settings []Setting `json:"settings"`
}

// NewCmd returns `hf env`. A non-nil runF runs instead of the command's own
// run function, so tests can check flag parsing.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{Printer: f.Printer, Client: f.Client}
	return &cobra.Command{
		Use:   "env",
		Short: "Print the configuration and where each value comes from",
		Long: `Print the version of hf and the configuration it resolved: every HF_*
variable the Python client reads, its value (tokens masked) and its source
(a flag, the environment, or the default). Unlike the Python CLI, it also
names the source of each value.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
}

// flags are the global flags that set a setting (source "option" in the
// library's terms).
var flags = map[string]string{"HF_TOKEN": "--token", "HF_ENDPOINT": "--endpoint"}

func run(_ context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	rep := Report{
		Version:  cmdutil.Version(),
		Go:       runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Endpoint: c.Endpoint(),
	}
	rows := [][]string{
		{"hf version", rep.Version, ""},
		{"Go version", rep.Go, ""},
		{"Platform", rep.Platform, ""},
	}
	for _, s := range c.Config().Settings() {
		if flag, ok := flags[s.Name]; ok && s.Source == "option" {
			s.Source = flag // the client got it from hf's global flag
		}
		rep.Settings = append(rep.Settings, Setting{Name: s.Name, Value: s.Value, Source: s.Source})
		rows = append(rows, []string{s.Name, s.Value, s.Source})
	}
	return opts.Printer().Table([]string{"NAME", "VALUE", "SOURCE"}, rows, rep)
}

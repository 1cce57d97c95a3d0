// Package spaces implements `hf spaces`: browsing (ls, info) and the
// runtime of a Space (runtime, wait, logs, pause, restart, settings,
// hardware, dev-mode, secrets, variables, volumes, duplicate, templates).
package spaces

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf spaces` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := repolist.NewGroupCmd(f, hfhub.RepoSpace, "Browse Spaces and manage their runtime")
	cmd.AddCommand(
		newRuntimeCmd(f), newWaitCmd(f), newLogsCmd(f), newPauseCmd(f), newRestartCmd(f),
		newSettingsCmd(f), newHardwareCmd(f), newTemplatesCmd(f), newDevModeCmd(f),
		newKeysCmd(f, true), newKeysCmd(f, false), newVolumesCmd(f), newDuplicateCmd(f),
	)
	return cmd
}

// spaceArg is the Space id of a command's first argument.
func spaceArg(args []string) (string, error) {
	if err := hfhub.ValidateRepoID(args[0]); err != nil {
		return "", cmdutil.FlagErrorf("%v", err)
	}
	return args[0], nil
}

// withClient runs fn with the invocation's client and the Space id.
func withClient(f *cmdutil.Factory, fn func(ctx context.Context, c *hfhub.Client, id string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, a []string) error {
		id, err := spaceArg(a)
		if err != nil {
			return err
		}
		c, err := f.Client()
		if err != nil {
			return err
		}
		return fn(cmd.Context(), c, id)
	}
}

// runtimeJSON is the --format json document of a runtime.
type runtimeJSON struct {
	SpaceID string `json:"space_id"`
	*hfhub.SpaceRuntime
}

// printRuntime prints a runtime as fields (a title line first on a
// terminal), or as JSON.
func printRuntime(p *cmdutil.Printer, id string, rt *hfhub.SpaceRuntime) error {
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	sleep := "never"
	if d, ok := rt.SleepTime(); ok {
		sleep = d.String()
	}
	var domains []string
	for _, d := range rt.Domains {
		domains = append(domains, d.Domain+" ("+d.Stage+")")
	}
	var vols []string
	for _, v := range rt.Volumes {
		vols = append(vols, volumeURI(v))
	}
	fields := [][2]string{
		{"space", id},
		{"stage", rt.Stage},
		{"hardware", or(rt.CurrentHardware(), "-")},
		{"requested hardware", or(rt.RequestedHardware(), "-")},
		{"sleep time", sleep},
		{"storage", or(rt.StorageTier(), "-")},
		{"dev mode", fmt.Sprint(rt.DevMode)},
		{"domains", or(strings.Join(domains, ", "), "-")},
		{"volumes", or(strings.Join(vols, ", "), "-")},
	}
	if rt.ErrorMessage != "" {
		fields = append(fields, [2]string{"error", rt.ErrorMessage})
	}
	return p.Fields(fields, runtimeJSON{id, rt})
}

func newRuntimeCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "runtime <space-id>",
		Short: "Show a Space's runtime: stage, hardware, sleep time, storage, domains",
		Long: `Show a Space's runtime: stage, current and requested hardware, sleep time,
persistent storage, dev mode, domains and volumes. (The Python hf CLI shows
these inside hf spaces info.)`,
		Example: "  $ hf spaces runtime acme/demo\n  $ hf spaces runtime acme/demo --format json",
		Args:    cobra.ExactArgs(1),
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			rt, err := c.SpaceRuntime(ctx, id)
			if err != nil {
				return err
			}
			return printRuntime(f.Printer(), id, rt)
		}),
	}
}

func newWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout string
	var every time.Duration
	cmd := &cobra.Command{
		Use:   "wait <space-id>",
		Short: "Wait until a Space has finished building and starting",
		Long: `Wait until a Space leaves the building and starting stages. Exits 0 when it
runs, 1 when it settled in another stage (BUILD_ERROR, RUNTIME_ERROR, PAUSED...)
or the timeout passed.`,
		Example: "  $ hf spaces wait acme/demo\n  $ hf spaces wait acme/demo --timeout 5m",
		Args:    cobra.ExactArgs(1),
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			var d time.Duration
			if timeout != "" {
				var err error
				if d, err = cmdutil.ParseDuration(timeout); err != nil {
					return err
				}
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, d)
				defer cancel()
			}
			p := f.Printer()
			p.Infof("Waiting for Space %s to be ready...", id)
			rt, err := c.WaitForSpace(ctx, id, &hfhub.WaitForSpaceOptions{PollInterval: every})
			if err != nil && ctx.Err() == context.DeadlineExceeded && rt != nil {
				return cmdutil.Errorf(cmdutil.ExitError, "raise --timeout, or see `hf spaces logs "+id+" --build`",
					"timed out after %s waiting for Space %s (still %s)", timeout, id, rt.Stage)
			}
			if err != nil {
				return err
			}
			if p.IsJSON() {
				return p.JSON(runtimeJSON{id, rt})
			}
			p.Line("Space %s is %s", id, rt.Stage)
			return nil
		}),
	}
	cmd.Flags().StringVar(&timeout, "timeout", "", "give up after this `duration`: seconds, or a number with s, m, h or d")
	cmd.Flags().DurationVar(&every, "poll-interval", time.Second, "time between two status checks")
	return cmd
}

// actionCmd is a verb that changes a Space and prints the runtime it
// answers.
func actionCmd(f *cmdutil.Factory, use, short, example string, act func(ctx context.Context, c *hfhub.Client, id string) (*hfhub.SpaceRuntime, string, error)) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, Example: example, Args: cobra.ExactArgs(1),
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			rt, msg, err := act(ctx, c, id)
			if err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(runtimeJSON{id, rt})
			}
			p.Line("%s (stage %s)", msg, rt.Stage)
			return nil
		}),
	}
}

func newPauseCmd(f *cmdutil.Factory) *cobra.Command {
	return actionCmd(f, "pause <space-id>", "Pause a Space (paused time is not billed)", "  $ hf spaces pause acme/demo",
		func(ctx context.Context, c *hfhub.Client, id string) (*hfhub.SpaceRuntime, string, error) {
			rt, err := c.PauseSpace(ctx, id)
			return rt, "Paused Space " + id + "; restart it with `hf spaces restart " + id + "`", err
		})
}

func newRestartCmd(f *cmdutil.Factory) *cobra.Command {
	var factory bool
	cmd := actionCmd(f, "restart <space-id>", "Restart a Space, paused or not", "  $ hf spaces restart acme/demo\n  $ hf spaces restart acme/demo --factory-reboot",
		func(ctx context.Context, c *hfhub.Client, id string) (*hfhub.SpaceRuntime, string, error) {
			rt, err := c.RestartSpace(ctx, id, &hfhub.RestartSpaceOptions{FactoryReboot: factory})
			return rt, "Restarting Space " + id + "; follow it with `hf spaces wait " + id + "`", err
		})
	cmd.Flags().BoolVar(&factory, "factory-reboot", false, "rebuild from scratch, without the build cache")
	return cmd
}

func newSettingsCmd(f *cmdutil.Factory) *cobra.Command {
	var hardware string
	var sleep int64
	var cmd *cobra.Command
	cmd = actionCmd(f, "settings <space-id>", "Change a Space's hardware or sleep time",
		"  $ hf spaces settings acme/demo --hardware t4-medium\n  $ hf spaces settings acme/demo --sleep-time 3600",
		func(ctx context.Context, c *hfhub.Client, id string) (*hfhub.SpaceRuntime, string, error) {
			var sl *int64
			if cmd.Flags().Changed("sleep-time") {
				sl = &sleep
			}
			switch {
			case hardware != "":
				rt, err := c.RequestSpaceHardware(ctx, id, hardware, &hfhub.RequestSpaceHardwareOptions{SleepTime: sl})
				return rt, "Requested " + hardware + " for Space " + id, err
			case sl != nil:
				rt, err := c.SetSpaceSleepTime(ctx, id, sleep)
				return rt, fmt.Sprintf("Set the sleep time of Space %s to %ds", id, sleep), err
			}
			return nil, "", cmdutil.FlagErrorf("nothing to change: give --hardware or --sleep-time")
		})
	cmd.Flags().StringVar(&hardware, "hardware", "", "hardware `flavor`, e.g. cpu-upgrade, t4-medium (`hf spaces hardware` lists them)")
	cmd.Flags().Int64Var(&sleep, "sleep-time", 0, "idle `seconds` before the Space sleeps; -1 never (upgraded hardware only)")
	return cmd
}

func newDevModeCmd(f *cmdutil.Factory) *cobra.Command {
	var stop bool
	cmd := actionCmd(f, "dev-mode <space-id>", "Enable (or with --stop disable) dev mode on a Space", "  $ hf spaces dev-mode acme/demo\n  $ hf spaces dev-mode acme/demo --stop", func(ctx context.Context, c *hfhub.Client, id string) (*hfhub.SpaceRuntime, string, error) {
		if stop {
			rt, err := c.DisableSpaceDevMode(ctx, id)
			return rt, "Dev mode disabled for " + id, err
		}
		rt, err := c.EnableSpaceDevMode(ctx, id)
		return rt, "Dev mode enabled for " + id + "; connect at " + c.Endpoint() + "/spaces/" + id + "/dev-mode/vscode-web", err
	})
	cmd.Flags().BoolVar(&stop, "stop", false, "disable dev mode")
	return cmd
}

func newHardwareCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "hardware",
		Short:   "List the hardware Spaces can run on",
		Example: "  $ hf spaces hardware",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			hw, err := c.ListSpacesHardware(cmd.Context())
			if err != nil {
				return err
			}
			return PrintHardware(f.Printer(), hw)
		},
	}
}

// PrintHardware prints a hardware list as Python hf does (name, pretty
// name, cpu, ram, accelerator, cost per minute and hour).
func PrintHardware(p *cmdutil.Printer, hw []hfhub.HardwareFlavor) error {
	rows := make([][]string, len(hw))
	for i, h := range hw {
		acc, min, hour := "-", "free", "free"
		if a := h.Accelerator; a != nil {
			acc = a.Quantity + "x " + a.Model + " (" + a.VRAM + ")"
		}
		if h.UnitCostUSD > 0 {
			min, hour = fmt.Sprintf("$%.4f", h.UnitCostUSD), fmt.Sprintf("$%.2f", h.UnitCostUSD*60)
		}
		rows[i] = []string{h.Name, h.PrettyName, h.CPU, h.RAM, acc, min, hour}
	}
	return p.Table([]string{"NAME", "PRETTY NAME", "CPU", "RAM", "ACCELERATOR", "COST/MIN", "COST/HOUR"}, rows, hw)
}

func newTemplatesCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "templates",
		Short:   "List the templates new Spaces can start from",
		Example: "  $ hf spaces templates",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			ts, err := c.ListSpaceTemplates(cmd.Context())
			if err != nil {
				return err
			}
			rows := make([][]string, len(ts))
			for i, t := range ts {
				rows[i] = []string{t.RepoID, t.Name, t.SDK, fmt.Sprint(t.PreferredPrivate)}
			}
			return f.Printer().Table([]string{"REPO ID", "NAME", "SDK", "PRIVATE"}, rows, ts)
		},
	}
}

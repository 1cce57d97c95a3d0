package jobs

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// newUVCmd returns `hf jobs uv run` (or, scheduled, `hf jobs scheduled uv
// run <schedule>`).
func newUVCmd(f *cmdutil.Factory, scheduled bool) *cobra.Command {
	group := &cobra.Command{Use: "uv <command>", Short: "Run uv scripts (Python with inline dependencies) as jobs"}
	var s specFlags
	var o hfhub.UVJobOptions
	var detach, suspend, concurrency bool
	use, n := "run [flags] <script> [<args>...]", 1
	if scheduled {
		use, n = "run [flags] <schedule> <script> [<args>...]", 2
	}
	run := &cobra.Command{
		Use:   use,
		Short: "Run a local script, a URL or a command with uv run",
		Long: `Run a Python script with uv run in a job. A local script travels inside the
job (base64 in UV_SCRIPT_ENCODED, at most 256 KiB); a URL is fetched by uv.
(Python hf 1.28 uploads local scripts to a bucket instead.)`,
		Example: "  $ hf jobs uv run train.py --epochs 3\n  $ hf jobs uv run --with torch --flavor t4-small train.py",
		Args:    cobra.MinimumNArgs(n),
		RunE: func(cmd *cobra.Command, args []string) error {
			schedule := ""
			if scheduled {
				schedule, args = args[0], args[1:]
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			base, err := s.spec(f, c, o.Image, []string{"uv"}) // the command is built below
			if err != nil {
				return err
			}
			o.JobSpec = *base
			o.JobSpec.Command = nil
			spec, err := hfhub.UVJobSpec(args[0], args[1:], &o)
			if err != nil {
				return validationIsUsage(err)
			}
			if scheduled {
				return schedule1(cmd, f, c, schedule, spec, suspend, concurrency)
			}
			return start(cmd.Context(), f, c, spec, detach)
		},
	}
	run.Flags().SetInterspersed(false)
	s.add(run)
	run.Flags().StringArrayVar(&o.With, "with", nil, "run with this package installed (repeatable)")
	run.Flags().StringVarP(&o.Python, "python", "p", "", "the Python `version` to run with")
	run.Flags().StringVar(&o.Image, "image", "", "a Docker image with uv (default "+hfhub.DefaultUVImage+")")
	if scheduled {
		run.Flags().BoolVar(&suspend, "suspend", false, "create the schedule suspended")
		run.Flags().BoolVar(&concurrency, "concurrency", false, "let a run start while the previous one runs")
	} else {
		run.Flags().BoolVarP(&detach, "detach", "d", false, "print the job id and return at once")
	}
	group.AddCommand(run)
	return group
}

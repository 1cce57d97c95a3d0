package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/spaces"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func jobRows(p *cmdutil.Printer, jobs []*hfhub.JobInfo) [][]string {
	rows := make([][]string, len(jobs))
	for i, j := range jobs {
		rows[i] = []string{j.ID, j.Image(), commandOf(j.Command), timeOrDash(p, j.CreatedAt), j.Status.Stage, orDash(j.Labels["name"]), orDash(j.Flavor)}
	}
	return rows
}

var jobHeaders = []string{"JOB ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAME", "FLAVOR"}

func newPsCmd(f *cmdutil.Factory) *cobra.Command {
	var o hfhub.ListJobsOptions
	var all bool
	var labels []string
	cmd := &cobra.Command{
		Use:     "ps",
		Aliases: []string{"ls", "list"},
		Short:   "List jobs (running ones unless --all)",
		Example: "  $ hf jobs ps\n  $ hf jobs ps -a --label team=ml\n  $ hf jobs ps --status ERROR --namespace acme",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, l := range labels {
				k, v, ok := strings.Cut(l, "=")
				if !ok || k == "" {
					return cmdutil.FlagErrorf("--label %q: use KEY=VALUE", l)
				}
				if o.Labels == nil {
					o.Labels = map[string]string{}
				}
				o.Labels[k] = v
			}
			if !all && len(o.Stages) == 0 {
				o.Stages = []string{hfhub.JobStageRunning, hfhub.JobStageScheduling}
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			jobs, err := hfhub.Collect(c.ListJobs(cmd.Context(), &o))
			if err != nil {
				return validationIsUsage(err)
			}
			if jobs == nil {
				jobs = []*hfhub.JobInfo{}
			}
			p := f.Printer()
			if len(jobs) == 0 && !p.IsJSON() {
				p.Infof("No jobs%s.", map[bool]string{true: "", false: " running (--all lists finished ones too)"}[all])
			}
			return p.Table(jobHeaders, jobRows(p, jobs), jobs)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "list finished jobs too")
	cmd.Flags().StringArrayVar(&o.Stages, "status", nil, "only jobs in this `stage` (RUNNING, COMPLETED, ERROR...; repeatable)")
	cmd.Flags().StringArrayVarP(&labels, "label", "l", nil, "only jobs with this label `KEY=VALUE` (repeatable)")
	cmd.Flags().StringVar(&o.Namespace, "namespace", "", "list the jobs of this user or organization")
	return cmd
}

// jobCmd is a verb on job ids ("namespace/id" or id).
func jobCmd(f *cmdutil.Factory, use, short, example string, minArgs int, act func(ctx context.Context, c *hfhub.Client, ns, id string) error) (*cobra.Command, *string) {
	var namespace string
	cmd := &cobra.Command{
		Use: use, Short: short, Example: example, Args: cobra.MinimumNArgs(minArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, a := range args {
				ns, id := jobArg(a, namespace)
				if err := act(cmd.Context(), c, ns, id); err != nil {
					return validationIsUsage(err)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&namespace, "namespace", "", "the jobs' user or organization (default: yours, or namespace/id)")
	return cmd, &namespace
}

func newInspectCmd(f *cmdutil.Factory) *cobra.Command {
	var list []*hfhub.JobInfo
	cmd, _ := jobCmd(f, "inspect <job-id>...", "Show jobs in full (JSON)", "  $ hf jobs inspect 6890a2...\n  $ hf jobs inspect acme/6890a2...", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			j, err := c.InspectJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
			if err == nil {
				list = append(list, j)
			}
			return err
		})
	inner := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		list = nil
		if err := inner(cmd, args); err != nil {
			return err
		}
		return f.Printer().JSON(list)
	}
	return cmd
}

func newCancelCmd(f *cmdutil.Factory) *cobra.Command {
	cmd, _ := jobCmd(f, "cancel <job-id>...", "Cancel scheduling or running jobs", "  $ hf jobs cancel 6890a2...", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			if err := c.CancelJob(ctx, id, &hfhub.JobOptions{Namespace: ns}); err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSONLine(map[string]any{"job_id": id, "canceled": true})
			}
			p.Line("Canceled job %s", id)
			return nil
		})
	return cmd
}

func newLogsCmd(f *cmdutil.Factory) *cobra.Command {
	var o hfhub.JobLogsOptions
	cmd, ns := jobCmd(f, "logs <job-id>", "Print (or follow) a job's logs", "  $ hf jobs logs 6890a2...\n  $ hf jobs logs -f 6890a2...\n  $ hf jobs logs -n 20 6890a2...", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			o.Namespace = ns
			_, err := cmdutil.StreamLines(ctx, f.Printer(), c.JobLogs(ctx, id, &o), func(l hfhub.LogLine) string { return l.Text }, 0)
			return err
		})
	_ = ns
	cmd.Args = cobra.ExactArgs(1)
	cmd.Flags().BoolVarP(&o.Follow, "follow", "f", false, "stream lines until the job ends or Ctrl-C (exit 130)")
	cmd.Flags().IntVarP(&o.Tail, "tail", "n", 0, "start at the last `n` lines")
	return cmd
}

func newStatsCmd(f *cmdutil.Factory) *cobra.Command {
	cmd, _ := jobCmd(f, "stats <job-id>", "Stream a running job's CPU, memory, network and GPU use", "  $ hf jobs stats 6890a2...", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			p := f.Printer()
			if !p.IsJSON() && f.IO.IsStdoutTTY() {
				p.Line("%s", f.IO.Bold("JOB ID\tCPU %\tMEM USAGE / LIMIT\tNET RX / TX\tGPU"))
			}
			_, err := cmdutil.StreamLines(ctx, p, c.JobMetrics(ctx, id, &hfhub.JobMetricsOptions{Namespace: ns}), func(m hfhub.JobMetrics) string {
				var gpus []string
				for _, k := range sortedGPUs(m.GPUs) {
					g := m.GPUs[k]
					gpus = append(gpus, fmt.Sprintf("%s %.0f%% %s/%s", k, g.Utilization, cmdutil.HumanSize(g.MemoryUsedBytes), cmdutil.HumanSize(g.MemoryTotalBytes)))
				}
				return fmt.Sprintf("%s\t%.1f%%\t%s / %s\t%s/s / %s/s\t%s", id, m.CPUUsagePct, cmdutil.HumanSize(m.MemoryUsedBytes), cmdutil.HumanSize(m.MemoryTotalBytes),
					cmdutil.HumanSize(int64(m.RxBps)), cmdutil.HumanSize(int64(m.TxBps)), orDash(strings.Join(gpus, ", ")))
			}, 0)
			return err
		})
	cmd.Args = cobra.ExactArgs(1)
	return cmd
}

func sortedGPUs(m map[string]hfhub.JobGPUMetrics) []string {
	s := make(map[string]string, len(m))
	for k := range m {
		s[k] = k
	}
	return sortedKeys(s)
}

func newHardwareCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use: "hardware", Short: "List the hardware jobs can run on", Args: cobra.NoArgs, Example: "  $ hf jobs hardware",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			hw, err := c.ListJobsHardware(cmd.Context())
			if err != nil {
				return err
			}
			return spaces.PrintHardware(f.Printer(), hw)
		},
	}
}

func newWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout string
	cmd, _ := jobCmd(f, "wait <job-id>...", "Wait until jobs finish (exit 1 unless all completed)", "  $ hf jobs wait 6890a2... --timeout 1h", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			if timeout != "" {
				d, err := cmdutil.ParseDuration(timeout)
				if err != nil {
					return err
				}
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, d)
				defer cancel()
			}
			j, err := c.WaitForJob(ctx, id, &hfhub.WaitForJobOptions{Namespace: ns})
			if err != nil && ctx.Err() == context.DeadlineExceeded && j != nil {
				return cmdutil.Errorf(cmdutil.ExitError, "raise --timeout", "timed out after %s waiting for job %s (still %s)", timeout, id, j.Status.Stage)
			}
			if err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSONLine(j)
			}
			p.Line("Job %s %s", id, j.Status.Stage)
			return nil
		})
	cmd.Flags().StringVar(&timeout, "timeout", "", "give up after this `duration`")
	return cmd
}

func newDuplicateCmd(f *cmdutil.Factory) *cobra.Command {
	var ef cmdutil.EnvFlags
	var detach bool
	cmd, _ := jobCmd(f, "duplicate <job-id>", "Run a new job with the spec of an existing one", "  $ hf jobs duplicate 6890a2... -s HF_TOKEN", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			tok, _ := c.Token()
			_, secrets, err := ef.Parse(f.Getenv, tok)
			if err != nil {
				return err
			}
			j, err := c.DuplicateJob(ctx, id, &hfhub.DuplicateJobOptions{Namespace: ns, Secrets: toMap(secrets)})
			if err != nil {
				return err
			}
			p := f.Printer()
			if detach {
				if p.IsJSON() {
					return p.JSON(j)
				}
				p.Line("%s", j.ID)
				return nil
			}
			p.Infof("Job started with id %s\nView it at %s", j.ID, j.URL)
			return follow(ctx, f, c, j)
		})
	cmd.Long = "Run a new job with the image, command, env, flavor, timeout, labels and volumes of an\nexisting one. The Hub never returns secret values: give the job's secrets again with -s."
	cmd.Args = cobra.ExactArgs(1)
	cmdutil.AddEnvFlags(cmd, &ef)
	for _, n := range []string{"env", "env-file"} {
		cmd.Flags().Lookup(n).Hidden = true
	}
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "print the job id and return at once")
	return cmd
}

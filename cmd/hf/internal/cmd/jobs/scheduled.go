package jobs

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func newScheduledCmd(f *cmdutil.Factory) *cobra.Command {
	group := &cobra.Command{
		Use:   "scheduled <command>",
		Short: "Run jobs on a schedule (cron, UTC)",
		Long: `Create and manage scheduled jobs. A schedule is @hourly, @daily, @weekly,
@monthly, @yearly (@annually) or five cron fields "minute hour day month
weekday" in UTC, e.g. "0 9 * * 1" (Mondays at 9:00).`,
	}
	var s specFlags
	var suspend, concurrency bool
	run := &cobra.Command{
		Use:     "run [flags] <schedule> <image> <command> [<args>...]",
		Short:   "Schedule a job",
		Example: "  $ hf jobs scheduled run @hourly python:3.12 python report.py\n  $ hf jobs scheduled run \"0 9 * * 1\" -s HF_TOKEN python:3.12 python weekly.py",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := hfhub.ValidateSchedule(args[0]); err != nil {
				return cmdutil.FlagErrorf("%v", err)
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			spec, err := s.spec(f, c, args[1], args[2:])
			if err != nil {
				return err
			}
			return schedule1(cmd, f, c, args[0], spec, suspend, concurrency)
		},
	}
	run.Flags().SetInterspersed(false)
	s.add(run)
	run.Flags().BoolVar(&suspend, "suspend", false, "create the schedule suspended")
	run.Flags().BoolVar(&concurrency, "concurrency", false, "let a run start while the previous one runs")

	var namespace string
	ps := &cobra.Command{
		Use: "ps", Aliases: []string{"ls", "list"}, Short: "List scheduled jobs", Args: cobra.NoArgs,
		Example: "  $ hf jobs scheduled ps",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			list, err := c.ListScheduledJobs(cmd.Context(), &hfhub.JobOptions{Namespace: namespace})
			if err != nil {
				return validationIsUsage(err)
			}
			if list == nil {
				list = []*hfhub.ScheduledJobInfo{}
			}
			p := f.Printer()
			rows := make([][]string, len(list))
			for i, sj := range list {
				img := sj.JobSpec.DockerImage
				if img == "" {
					img = "hf.co/spaces/" + sj.JobSpec.SpaceID
				}
				last := "-"
				if sj.Status.LastJob != nil {
					last = sj.Status.LastJob.ID + " " + p.Time(sj.Status.LastJob.At)
				}
				rows[i] = []string{sj.ID, sj.Schedule, img, commandOf(sj.JobSpec.Command), last, timeOrDash(p, sj.Status.NextJobRunAt), map[bool]string{true: "yes", false: "no"}[sj.Suspend]}
			}
			return p.Table([]string{"ID", "SCHEDULE", "IMAGE", "COMMAND", "LAST RUN", "NEXT RUN", "SUSPENDED"}, rows, list)
		},
	}
	ps.Flags().StringVar(&namespace, "namespace", "", "the schedules of this user or organization")

	one := func(use, short string, act func(ctx context.Context, c *hfhub.Client, ns, id string) (any, string, error)) *cobra.Command {
		cmd, _ := jobCmd(f, use, short, "  $ hf jobs scheduled "+use[:len(use)-len(" <id>...")]+" 6890a2...", 1,
			func(ctx context.Context, c *hfhub.Client, ns, id string) error {
				v, line, err := act(ctx, c, ns, id)
				if err != nil {
					return err
				}
				p := f.Printer()
				if p.IsJSON() {
					return p.JSONLine(v)
				}
				p.Line("%s", line)
				return nil
			})
		return cmd
	}
	var found []*hfhub.ScheduledJobInfo
	inspect, _ := jobCmd(f, "inspect <id>...", "Show scheduled jobs in full (JSON)", "  $ hf jobs scheduled inspect 6890a2...", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			sj, err := c.InspectScheduledJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
			if err == nil {
				found = append(found, sj)
			}
			return err
		})
	inner := inspect.RunE
	inspect.RunE = func(cmd *cobra.Command, args []string) error {
		found = nil
		if err := inner(cmd, args); err != nil {
			return err
		}
		return f.Printer().JSON(found)
	}
	del := one("delete <id>...", "Delete schedules (their past runs stay)", func(ctx context.Context, c *hfhub.Client, ns, id string) (any, string, error) {
		return map[string]any{"id": id, "deleted": true}, "Deleted scheduled job " + id, c.DeleteScheduledJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
	})
	sus := one("suspend <id>...", "Suspend schedules", func(ctx context.Context, c *hfhub.Client, ns, id string) (any, string, error) {
		return map[string]any{"id": id, "suspend": true}, "Suspended scheduled job " + id, c.SuspendScheduledJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
	})
	res := one("resume <id>...", "Resume suspended schedules", func(ctx context.Context, c *hfhub.Client, ns, id string) (any, string, error) {
		return map[string]any{"id": id, "suspend": false}, "Resumed scheduled job " + id, c.ResumeScheduledJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
	})
	trig := one("trigger <id>...", "Run scheduled jobs now", func(ctx context.Context, c *hfhub.Client, ns, id string) (any, string, error) {
		j, err := c.TriggerScheduledJob(ctx, id, &hfhub.JobOptions{Namespace: ns})
		if err != nil {
			return nil, "", err
		}
		return j, "Started job " + j.ID, nil
	})
	group.AddCommand(run, ps, inspect, del, sus, res, trig, newLabelsCmd(f, true), newUVCmd(f, true))
	return group
}

// schedule1 creates a schedule and prints it.
func schedule1(cmd *cobra.Command, f *cmdutil.Factory, c *hfhub.Client, schedule string, spec *hfhub.JobSpec, suspend, concurrency bool) error {
	sj, err := c.CreateScheduledJob(cmd.Context(), schedule, spec, &hfhub.ScheduledJobOptions{Suspend: suspend, Concurrency: concurrency})
	if err != nil {
		return validationIsUsage(err)
	}
	p := f.Printer()
	if p.IsJSON() {
		return p.JSON(sj)
	}
	p.Line("%s", sj.ID)
	if sj.Status.NextJobRunAt != nil {
		p.Infof("Scheduled %s; next run %s", sj.Schedule, sj.Status.NextJobRunAt.Format("2006-01-02 15:04 MST"))
	}
	return nil
}

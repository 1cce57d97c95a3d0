// Package jobs implements `hf jobs`: run containers (or uv scripts) on Hub
// hardware, follow their logs and metrics, list, inspect, cancel and
// schedule them.
package jobs

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf jobs` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs <command>",
		Short: "Run and manage Jobs on Hub hardware",
		Long: `Run a container (a Docker image or a Space's image) or a uv script on Hub
hardware, follow its logs and metrics, list, inspect, cancel, duplicate and
schedule jobs. Job ids may be written namespace/id.`,
	}
	cmd.AddCommand(newLabelsCmd(f, false), newRunCmd(f), newUVCmd(f, false), newPsCmd(f), newInspectCmd(f), newLogsCmd(f), newCancelCmd(f),
		newStatsCmd(f), newHardwareCmd(f), newWaitCmd(f), newDuplicateCmd(f), newScheduledCmd(f))
	return cmd
}

// specFlags are the flags every run (and scheduled run) takes.
type specFlags struct {
	env       cmdutil.EnvFlags
	flavor    string
	timeout   string
	name      string
	labels    []string
	volumes   []string
	namespace string
	expose    []int
	ssh       bool
	resource  string
}

func (s *specFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	cmdutil.AddEnvFlags(cmd, &s.env)
	fl.StringVar(&s.flavor, "flavor", "", "hardware `flavor` (default cpu-basic; `hf jobs hardware` lists them)")
	fl.StringVar(&s.timeout, "timeout", "", "stop the job after this `duration`: seconds, or a number with s, m, h or d")
	fl.StringVar(&s.name, "name", "", "name the job (stored as the name label)")
	fl.StringArrayVarP(&s.labels, "label", "l", nil, "set a label `KEY=VALUE` (or KEY; repeatable)")
	fl.StringVar(&s.namespace, "namespace", "", "run under this user or organization (default: your user)")
	cmdutil.VolumeFlag(cmd, &s.volumes)
	fl.IntSliceVar(&s.expose, "expose", nil, "expose a container `port` through the jobs proxy (repeatable)")
	fl.BoolVar(&s.ssh, "ssh", false, "make the container reachable over SSH (needs a key on your Hub account)")
	fl.StringVar(&s.resource, "resource-group-id", "", "create the job in this resource group of an organization")
}

// spec builds the job spec; bad flags are usage errors, found before any
// request.
func (s *specFlags) spec(f *cmdutil.Factory, c *hfhub.Client, image string, command []string) (*hfhub.JobSpec, error) {
	if len(command) == 0 || strings.TrimSpace(strings.Join(command, "")) == "" {
		return nil, cmdutil.FlagErrorf("no command: give the program to run after the image, e.g. hf jobs run python:3.12 python -c \"print(1)\"")
	}
	tok, _ := c.Token()
	vars, secrets, err := s.env.Parse(f.Getenv, tok)
	if err != nil {
		return nil, err
	}
	vols, err := cmdutil.ParseVolumes(s.volumes)
	if err != nil {
		return nil, err
	}
	spec := &hfhub.JobSpec{Image: image, Command: command, Env: toMap(vars), Secrets: toMap(secrets), Flavor: s.flavor, Name: s.name, Volumes: vols, Namespace: s.namespace,
		Expose: s.expose, SSH: s.ssh, ResourceGroupID: s.resource}
	if s.timeout != "" {
		if spec.Timeout, err = cmdutil.ParseDuration(s.timeout); err != nil {
			return nil, err
		}
	}
	for _, l := range s.labels {
		k, v, _ := strings.Cut(l, "=")
		if k == "" {
			return nil, cmdutil.FlagErrorf("--label %q: use KEY=VALUE", l)
		}
		if spec.Labels == nil {
			spec.Labels = map[string]string{}
		}
		spec.Labels[k] = v
	}
	return spec, nil
}

func toMap(kvs []hfhub.SpaceKeyValue) map[string]string {
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// validationIsUsage turns the library's "refused before any request"
// errors into usage errors (exit 2).
func validationIsUsage(err error) error {
	if err != nil && isValidation(err) {
		return cmdutil.FlagErrorf("%v", err)
	}
	return err
}

func newRunCmd(f *cmdutil.Factory) *cobra.Command {
	var s specFlags
	var detach bool
	cmd := &cobra.Command{
		Use:   "run [flags] <image> <command> [<args>...]",
		Short: "Run a job and follow its logs",
		Long: `Run a command in a container on Hub hardware. The image is a Docker image
(python:3.12) or a Space's (hf.co/spaces/org/name). Without --detach the logs
are followed until the job ends (exit 1 if it fails; Ctrl-C stops following,
exit 130, and the job keeps running: cancel it with hf jobs cancel). Flags go
before the image.`,
		Example: `  $ hf jobs run python:3.12 python -c "print('hello')"
  $ hf jobs run --flavor t4-small -s HF_TOKEN -e MODE=prod pytorch/pytorch:latest python train.py
  $ hf jobs run -d --timeout 2h hf.co/spaces/acme/tool ./run.sh`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Client()
			if err != nil {
				return err
			}
			spec, err := s.spec(f, c, args[0], args[1:])
			if err != nil {
				return err
			}
			return start(cmd.Context(), f, c, spec, detach)
		},
	}
	cmd.Flags().SetInterspersed(false)
	s.add(cmd)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "print the job id and return at once")
	return cmd
}

// start runs spec, then prints its id (detach) or follows it to its end.
func start(ctx context.Context, f *cmdutil.Factory, c *hfhub.Client, spec *hfhub.JobSpec, detach bool) error {
	j, err := c.RunJob(ctx, spec)
	if err != nil {
		return validationIsUsage(err)
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
}

// follow prints a job's logs until it ends and fails when it did not
// complete.
func follow(ctx context.Context, f *cmdutil.Factory, c *hfhub.Client, j *hfhub.JobInfo) error {
	p := f.Printer()
	if _, err := cmdutil.StreamLines(ctx, p, c.JobLogs(ctx, j.ID, &hfhub.JobLogsOptions{Namespace: j.Owner.Name, Follow: true}),
		func(l hfhub.LogLine) string { return l.Text }, 0); err != nil {
		return err
	}
	final, err := c.WaitForJob(ctx, j.ID, &hfhub.WaitForJobOptions{Namespace: j.Owner.Name})
	if err != nil {
		return err
	}
	p.Infof("Job %s %s", final.ID, final.Status.Stage)
	return nil
}

// jobArg splits a "namespace/id" argument; --namespace wins.
func jobArg(arg, namespace string) (ns, id string) {
	ns, id = hfhub.SplitJobID(arg)
	if namespace != "" {
		ns = namespace
	}
	return ns, id
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func commandOf(cmd []string) string {
	s := strings.Join(cmd, " ")
	if len(s) > 50 {
		s = s[:47] + "..."
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(p *cmdutil.Printer, t *time.Time) string {
	if t == nil {
		return "-"
	}
	return p.Time(*t)
}

func isValidation(err error) bool { return errors.Is(err, hfhub.ErrValidation) }

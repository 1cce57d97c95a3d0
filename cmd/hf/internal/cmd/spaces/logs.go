package spaces

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func newLogsCmd(f *cmdutil.Factory) *cobra.Command {
	var o hfhub.SpaceLogsOptions
	var tail int
	cmd := &cobra.Command{
		Use:   "logs <space-id>",
		Short: "Print (or follow) a Space's run or build logs",
		Long: `Print the run logs of a Space, or its build logs with --build. Without
--follow only the lines already written are printed; with --follow lines
are printed as they come until the Space stops (or the build ends), or
Ctrl-C (exit 130). With --format json each line is a JSON object
{"data", "timestamp"}.`,
		Example: "  $ hf spaces logs acme/demo\n  $ hf spaces logs acme/demo --build\n  $ hf spaces logs -f acme/demo\n  $ hf spaces logs -n 50 acme/demo",
		Args:    cobra.ExactArgs(1),
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			if o.Follow && tail > 0 {
				return cmdutil.FlagErrorf("--follow and --tail do not go together: --follow streams, --tail shows the last lines")
			}
			if tail < 0 {
				return cmdutil.FlagErrorf("--tail %d: use a number of lines", tail)
			}
			p := f.Printer()
			n, err := cmdutil.StreamLines(ctx, p, c.SpaceLogs(ctx, id, &o), func(l hfhub.LogLine) string { return l.Text }, tail)
			if err == nil && n == 0 && !o.Build {
				p.Infof("No run logs for Space %s yet; try --build for the build logs.", id)
			}
			return err
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Build, "build", false, "the container build logs instead of the run logs")
	fl.BoolVarP(&o.Follow, "follow", "f", false, "stream lines as they come until the stream ends or Ctrl-C")
	fl.IntVarP(&tail, "tail", "n", 0, "print only the last `n` lines")
	return cmd
}

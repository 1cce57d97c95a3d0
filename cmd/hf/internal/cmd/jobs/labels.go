package jobs

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// newLabelsCmd returns `hf jobs labels` (or `hf jobs scheduled labels`).
func newLabelsCmd(f *cmdutil.Factory, scheduled bool) *cobra.Command {
	var labels []string
	var clear bool
	what := "a job"
	if scheduled {
		what = "a scheduled job"
	}
	cmd, _ := jobCmd(f, "labels <id>", "Replace the labels of "+what, "  $ hf jobs labels 6890a2... -l env=prod -l team=ml\n  $ hf jobs labels 6890a2... --clear", 1,
		func(ctx context.Context, c *hfhub.Client, ns, id string) error {
			m := map[string]string{}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if k == "" {
					return cmdutil.FlagErrorf("--label %q: use KEY=VALUE", l)
				}
				m[k] = v
			}
			if len(m) == 0 && !clear {
				return cmdutil.FlagErrorf("give -l KEY=VALUE, or --clear to remove every label")
			}
			var v any
			var err error
			if scheduled {
				v, err = c.UpdateScheduledJobLabels(ctx, id, m, &hfhub.JobOptions{Namespace: ns})
			} else {
				v, err = c.UpdateJobLabels(ctx, id, m, &hfhub.JobOptions{Namespace: ns})
			}
			if err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(v)
			}
			p.Line("Labels of %s: %s", id, orDash(labelsOf(m)))
			return nil
		})
	cmd.Args = cobra.ExactArgs(1)
	cmd.Flags().StringArrayVarP(&labels, "label", "l", nil, "a label `KEY=VALUE` (repeatable)")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove every label")
	return cmd
}

func labelsOf(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}

// Package webhooks implements `hf webhooks`: list, show, create, update,
// enable, disable and delete the signed-in user's webhooks, and read a
// webhook's delivery log on `hf serve`. Names and flags follow the Python
// CLI's `hf webhooks`.
package webhooks

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf webhooks` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "webhooks <command>",
		Aliases: []string{"webhook"},
		Short:   "Manage webhooks on the Hub",
		Long: "Manage webhooks on the Hub: HTTP POSTs to your URL on repo events (pushes, settings,\n" +
			"creation, deletion, moves) and discussion events (new discussions and pull requests,\n" +
			"comments, status changes, merges) of the users, orgs and repos a webhook watches.\n" +
			"Go services receive them with the webhook package (webhook.NewHandler).",
	}
	cmd.AddCommand(newListCmd(f), newInfoCmd(f), newCreateCmd(f), newUpdateCmd(f),
		newToggleCmd(f, "enable"), newToggleCmd(f, "disable"), newDeleteCmd(f), newDeliveriesCmd(f))
	return cmd
}

// run makes act the run function of cmd, with a client.
func run(f *cmdutil.Factory, cmd *cobra.Command, act func(ctx context.Context, c *hfhub.Client, args []string) error) *cobra.Command {
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := f.Client()
		if err != nil {
			return err
		}
		return act(cmd.Context(), c, args)
	}
	return cmd
}

func watchedStrings(h *hfhub.WebhookInfo) []string {
	out := make([]string, 0, len(h.Watched))
	for _, w := range h.Watched {
		out = append(out, w.Type+":"+w.Name)
	}
	return out
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	return run(f, &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your webhooks",
		Example: "  $ hf webhooks ls\n  $ hf webhooks ls --format json",
		Args:    cobra.NoArgs,
	}, func(ctx context.Context, c *hfhub.Client, _ []string) error {
		list := []*hfhub.WebhookInfo{}
		var rows [][]string
		for h, err := range c.ListWebhooks(ctx) {
			if err != nil {
				return err
			}
			list = append(list, h)
			rows = append(rows, []string{h.ID, h.URL, strconv.FormatBool(h.Disabled), strings.Join(h.Domains, ","), strings.Join(watchedStrings(h), ",")})
		}
		return f.Printer().Table([]string{"ID", "URL", "DISABLED", "DOMAINS", "WATCHED"}, rows, list)
	})
}

func newInfoCmd(f *cmdutil.Factory) *cobra.Command {
	return run(f, &cobra.Command{
		Use:     "info <webhook-id>",
		Short:   "Show a webhook",
		Example: "  $ hf webhooks info 6579ab...",
		Args:    cobra.ExactArgs(1),
	}, func(ctx context.Context, c *hfhub.Client, args []string) error {
		h, err := c.Webhook(ctx, args[0])
		if err != nil {
			return err
		}
		secret := ""
		if h.Secret != "" {
			secret = "(set)"
		}
		return f.Printer().Fields([][2]string{{"id", h.ID}, {"url", h.URL}, {"disabled", strconv.FormatBool(h.Disabled)},
			{"domains", strings.Join(h.Domains, ", ")}, {"watched", strings.Join(watchedStrings(h), ", ")}, {"secret", secret}}, h)
	})
}

// specFlags are the flags of create and update.
type specFlags struct {
	url, secret, jobID string
	watch, domains     []string
}

func (s *specFlags) add(cmd *cobra.Command, update bool) {
	fl := cmd.Flags()
	what := ""
	if update {
		what = "new "
	}
	fl.StringVar(&s.url, "url", "", what+"URL the deliveries are POSTed to")
	fl.StringArrayVar(&s.watch, "watch", nil, "item to watch, as type:name (user, org, model, dataset, space); repeatable"+map[bool]string{true: "; replaces the list"}[update])
	fl.StringArrayVar(&s.domains, "domain", nil, "domain to watch: repo or discussions; repeatable (default both)")
	fl.StringVar(&s.secret, "secret", "", what+"secret sent in X-Webhook-Secret")
	if !update {
		fl.StringVar(&s.jobID, "job-id", "", "trigger a Job instead of a URL (the Hub only)")
	}
}

func (s *specFlags) options() (hfhub.WebhookOptions, error) {
	o := hfhub.WebhookOptions{URL: s.url, Secret: s.secret}
	for _, w := range s.watch {
		item, err := hfhub.ParseWebhookWatchedItem(w)
		if err != nil {
			return o, cmdutil.FlagErrorf("--watch: %v", err)
		}
		o.Watched = append(o.Watched, item)
	}
	for _, d := range s.domains {
		if d != "repo" && d != "discussions" {
			return o, cmdutil.FlagErrorf("--domain %q: use repo or discussions", d)
		}
		o.Domains = append(o.Domains, d)
	}
	return o, nil
}

func newCreateCmd(f *cmdutil.Factory) *cobra.Command {
	var spec specFlags
	cmd := run(f, &cobra.Command{
		Use:   "create --url URL --watch TYPE:NAME...",
		Short: "Create a webhook",
		Example: "  $ hf webhooks create --url https://example.com/hook --watch model:acme/bert\n" +
			"  $ hf webhooks create --url https://example.com/hook --watch org:acme --watch model:gpt2 --domain repo --secret s3cret",
		Args: cobra.NoArgs,
	}, func(ctx context.Context, c *hfhub.Client, _ []string) error {
		switch {
		case spec.jobID != "" && spec.url != "":
			return cmdutil.FlagErrorf("--url and --job-id are exclusive: pass one")
		case spec.jobID != "":
			return cmdutil.Errorf(cmdutil.ExitUsage, "use --url", "Job webhooks (--job-id) are not supported by hf; give a --url")
		case spec.url == "" || len(spec.watch) == 0:
			return cmdutil.FlagErrorf("create needs --url and at least one --watch type:name")
		}
		o, err := spec.options()
		if err != nil {
			return err
		}
		h, err := c.CreateWebhook(ctx, o)
		if err != nil {
			return err
		}
		return f.Printer().Result("Webhook created: "+h.ID, map[string]any{"id": h.ID})
	})
	spec.add(cmd, false)
	return cmd
}

func newUpdateCmd(f *cmdutil.Factory) *cobra.Command {
	var spec specFlags
	cmd := run(f, &cobra.Command{
		Use:     "update <webhook-id>",
		Short:   "Change a webhook (only the options given)",
		Example: "  $ hf webhooks update 6579ab... --url https://new.example.com/hook\n  $ hf webhooks update 6579ab... --watch model:gpt2 --domain repo",
		Args:    cobra.ExactArgs(1),
	}, func(ctx context.Context, c *hfhub.Client, args []string) error {
		o, err := spec.options()
		if err != nil {
			return err
		}
		h, err := c.UpdateWebhook(ctx, args[0], o)
		if err != nil {
			return err
		}
		return f.Printer().Result("Webhook updated: "+h.ID, map[string]any{"id": h.ID})
	})
	spec.add(cmd, true)
	return cmd
}

func newToggleCmd(f *cmdutil.Factory, action string) *cobra.Command {
	return run(f, &cobra.Command{
		Use:     action + " <webhook-id>",
		Short:   strings.ToUpper(action[:1]) + action[1:] + " a webhook",
		Example: "  $ hf webhooks " + action + " 6579ab...",
		Args:    cobra.ExactArgs(1),
	}, func(ctx context.Context, c *hfhub.Client, args []string) error {
		toggle := c.EnableWebhook
		if action == "disable" {
			toggle = c.DisableWebhook
		}
		h, err := toggle(ctx, args[0])
		if err != nil {
			return err
		}
		return f.Printer().Result("Webhook "+action+"d: "+h.ID, map[string]any{"id": h.ID, "disabled": h.Disabled})
	})
}

func newDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	var yes bool
	cmd := run(f, &cobra.Command{
		Use:     "delete <webhook-id>",
		Short:   "Delete a webhook",
		Example: "  $ hf webhooks delete 6579ab... --yes",
		Args:    cobra.ExactArgs(1),
	}, func(ctx context.Context, c *hfhub.Client, args []string) error {
		if err := cmdutil.Confirm(f.IO, yes, "Delete webhook "+args[0]+"?"); err != nil {
			return err
		}
		if err := c.DeleteWebhook(ctx, args[0]); err != nil {
			return err
		}
		return f.Printer().Result("Webhook deleted: "+args[0], map[string]any{"id": args[0]})
	})
	cmdutil.YesFlag(cmd, &yes)
	return cmd
}

func newDeliveriesCmd(f *cmdutil.Factory) *cobra.Command {
	return run(f, &cobra.Command{
		Use:     "deliveries <webhook-id>",
		Short:   "Show a webhook's delivery log (hf serve)",
		Example: "  $ hf webhooks deliveries 6579ab...",
		Args:    cobra.ExactArgs(1),
	}, func(ctx context.Context, c *hfhub.Client, args []string) error {
		list, err := c.WebhookDeliveries(ctx, args[0])
		if err != nil {
			return err
		}
		rows := make([][]string, 0, len(list))
		for _, d := range list {
			rows = append(rows, []string{d.Time, d.Event, d.Repo, strconv.Itoa(d.Status), strconv.Itoa(d.Attempts), strconv.FormatBool(d.OK), d.Error})
		}
		return f.Printer().Table([]string{"TIME", "EVENT", "REPO", "STATUS", "ATTEMPTS", "OK", "ERROR"}, rows, list)
	})
}

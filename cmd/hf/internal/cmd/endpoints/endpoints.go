// Package endpoints implements `hf endpoints`: dedicated Inference
// Endpoints (their own API host, HF_INFERENCE_ENDPOINTS_ENDPOINT).
package endpoints

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf endpoints` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "endpoints <command>",
		Short: "Manage dedicated Inference Endpoints",
		Long: `Deploy, update, pause, resume, scale to zero and delete Inference Endpoints.
The API has its own host: https://api.endpoints.huggingface.cloud/v2, or
HF_INFERENCE_ENDPOINTS_ENDPOINT (the catalog: HF_INFERENCE_CATALOG_ENDPOINT).`,
	}
	cmd.AddCommand(newListCmd(f), newDescribeCmd(f), newDeployCmd(f), newUpdateCmd(f), newDeleteCmd(f),
		newStateCmd(f, "pause", "Pause an endpoint (not billed while paused)"),
		newResumeCmd(f),
		newStateCmd(f, "scale-to-zero", "Scale an endpoint to zero replicas (the next request wakes it)"),
		newHardwareCmd(f), newCatalogCmd(f), newWaitCmd(f))
	return cmd
}

func addNamespace(cmd *cobra.Command, ns *string) {
	cmd.Flags().StringVar(ns, "namespace", "", "the endpoint's user or organization (default: yours)")
}

func client(f *cmdutil.Factory) (*hfhub.Client, error) { return f.Client() }

// printEndpoint prints one endpoint as fields, or JSON.
func printEndpoint(p *cmdutil.Printer, ep *hfhub.InferenceEndpoint) error {
	sc := ep.Compute.Scaling
	fields := [][2]string{
		{"name", ep.Name},
		{"namespace", ep.Namespace},
		{"state", ep.Status.State},
		{"url", orDash(ep.URL())},
		{"model", ep.Model.Repository + revision(ep.Model.Revision)},
		{"task", orDash(ep.Model.Task)},
		{"framework", orDash(ep.Model.Framework)},
		{"hardware", ep.Provider.Vendor + "/" + ep.Provider.Region + " " + ep.Compute.Accelerator + " " + ep.Compute.InstanceType + " " + ep.Compute.InstanceSize},
		{"replicas", fmt.Sprintf("%d-%d (ready %d)", sc.MinReplica, sc.MaxReplica, ep.Status.ReadyReplica)},
		{"type", ep.Type},
	}
	if ep.Status.Message != "" {
		fields = append(fields, [2]string{"message", ep.Status.Message})
	}
	return p.Fields(fields, ep)
}

func revision(r string) string {
	if r == "" {
		return ""
	}
	return "@" + r
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	var ns string
	cmd := &cobra.Command{
		Use: "ls", Aliases: []string{"list"}, Short: "List Inference Endpoints", Args: cobra.NoArgs,
		Example: "  $ hf endpoints ls\n  $ hf endpoints ls --namespace acme",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := client(f)
			if err != nil {
				return err
			}
			list, err := c.ListInferenceEndpoints(cmd.Context(), &hfhub.EndpointOptions{Namespace: ns})
			if err != nil {
				return err
			}
			rows := make([][]string, len(list))
			for i, ep := range list {
				rows[i] = []string{ep.Name, ep.Model.Repository, ep.Status.State, orDash(ep.Model.Task), ep.Compute.Accelerator + " " + ep.Compute.InstanceType + " " + ep.Compute.InstanceSize, orDash(ep.URL())}
			}
			return f.Printer().Table([]string{"NAME", "MODEL", "STATE", "TASK", "HARDWARE", "URL"}, rows, list)
		},
	}
	addNamespace(cmd, &ns)
	return cmd
}

// oneCmd is a verb on one endpoint name that prints the endpoint.
func oneCmd(f *cmdutil.Factory, use, short, example string, act func(ctx context.Context, c *hfhub.Client, name, ns string) (*hfhub.InferenceEndpoint, error)) *cobra.Command {
	var ns string
	cmd := &cobra.Command{
		Use: use, Short: short, Example: example, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := client(f)
			if err != nil {
				return err
			}
			ep, err := act(cmd.Context(), c, args[0], ns)
			if err != nil {
				return usage(err)
			}
			return printEndpoint(f.Printer(), ep)
		},
	}
	addNamespace(cmd, &ns)
	return cmd
}

func usage(err error) error {
	if errors.Is(err, hfhub.ErrValidation) {
		return cmdutil.FlagErrorf("%v", err)
	}
	return err
}

func newDescribeCmd(f *cmdutil.Factory) *cobra.Command {
	return oneCmd(f, "describe <name>", "Show an Inference Endpoint", "  $ hf endpoints describe my-endpoint", func(ctx context.Context, c *hfhub.Client, name, ns string) (*hfhub.InferenceEndpoint, error) {
		return c.InferenceEndpoint(ctx, name, &hfhub.EndpointOptions{Namespace: ns})
	})
}

func newStateCmd(f *cmdutil.Factory, verb, short string) *cobra.Command {
	return oneCmd(f, verb+" <name>", short, "  $ hf endpoints "+verb+" my-endpoint", func(ctx context.Context, c *hfhub.Client, name, ns string) (*hfhub.InferenceEndpoint, error) {
		o := &hfhub.EndpointOptions{Namespace: ns}
		if verb == "pause" {
			return c.PauseInferenceEndpoint(ctx, name, o)
		}
		return c.ScaleToZeroInferenceEndpoint(ctx, name, o)
	})
}

func newResumeCmd(f *cmdutil.Factory) *cobra.Command {
	var failIfRunning bool
	cmd := oneCmd(f, "resume <name>", "Resume a paused or scaled-to-zero endpoint", "  $ hf endpoints resume my-endpoint", func(ctx context.Context, c *hfhub.Client, name, ns string) (*hfhub.InferenceEndpoint, error) {
		return c.ResumeInferenceEndpoint(ctx, name, &hfhub.ResumeInferenceEndpointOptions{Namespace: ns, FailIfRunning: failIfRunning})
	})
	cmd.Flags().BoolVar(&failIfRunning, "fail-if-already-running", false, "fail when the endpoint already runs")
	return cmd
}

func newWaitCmd(f *cmdutil.Factory) *cobra.Command {
	var timeout string
	var every time.Duration
	cmd := oneCmd(f, "wait <name>", "Wait until an endpoint runs and answers its health route", "  $ hf endpoints wait my-endpoint --timeout 15m", func(ctx context.Context, c *hfhub.Client, name, ns string) (*hfhub.InferenceEndpoint, error) {
		if timeout != "" {
			d, err := cmdutil.ParseDuration(timeout)
			if err != nil {
				return nil, err
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return c.WaitForInferenceEndpoint(ctx, name, &hfhub.WaitForInferenceEndpointOptions{Namespace: ns, PollInterval: every})
	})
	cmd.Long = "Wait until an endpoint runs and its health route answers. (Python hf has no such command; deploy waits there.)"
	cmd.Flags().StringVar(&timeout, "timeout", "", "give up after this `duration`")
	cmd.Flags().DurationVar(&every, "poll-interval", 5*time.Second, "time between two status checks")
	return cmd
}

func newDeleteCmd(f *cmdutil.Factory) *cobra.Command {
	var ns string
	var yes bool
	cmd := &cobra.Command{
		Use: "delete <name>", Short: "Delete an Inference Endpoint", Args: cobra.ExactArgs(1),
		Example: "  $ hf endpoints delete my-endpoint --yes",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.Confirm(f.IO, yes, "Delete Inference Endpoint "+args[0]+"?"); err != nil {
				return err
			}
			c, err := client(f)
			if err != nil {
				return err
			}
			if err := c.DeleteInferenceEndpoint(cmd.Context(), args[0], &hfhub.EndpointOptions{Namespace: ns}); err != nil {
				return usage(err)
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"name": args[0], "deleted": true})
			}
			p.Line("Deleted Inference Endpoint %s", args[0])
			return nil
		},
	}
	addNamespace(cmd, &ns)
	cmdutil.YesFlag(cmd, &yes)
	return cmd
}

func newHardwareCmd(f *cmdutil.Factory) *cobra.Command {
	var ns, vendor, region, acc string
	cmd := &cobra.Command{
		Use: "hardware", Short: "List the machines endpoints can run on", Args: cobra.NoArgs,
		Example: "  $ hf endpoints hardware --accelerator gpu --vendor aws",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := client(f)
			if err != nil {
				return err
			}
			all, err := c.ListInferenceEndpointsHardware(cmd.Context(), &hfhub.EndpointOptions{Namespace: ns})
			if err != nil {
				return err
			}
			list := []hfhub.EndpointComputeOption{}
			for _, h := range all {
				if (vendor == "" || h.Vendor == vendor) && (region == "" || h.Region == region) && (acc == "" || h.Accelerator == acc) {
					list = append(list, h)
				}
			}
			rows := make([][]string, len(list))
			for i, h := range list {
				rows[i] = []string{h.Vendor, h.Region, h.Accelerator, h.InstanceType, h.InstanceSize, h.Architecture, fmt.Sprint(h.NumAccelerators), fmt.Sprintf("%.0f GB", h.MemoryGB), fmt.Sprintf("$%.2f", h.PricePerHour), h.Status}
			}
			return f.Printer().Table([]string{"VENDOR", "REGION", "ACCELERATOR", "INSTANCE TYPE", "SIZE", "ARCHITECTURE", "COUNT", "MEMORY", "PRICE/HOUR", "STATUS"}, rows, list)
		},
	}
	addNamespace(cmd, &ns)
	cmd.Flags().StringVar(&vendor, "vendor", "", "only this vendor (aws, gcp, azure)")
	cmd.Flags().StringVar(&region, "region", "", "only this region")
	cmd.Flags().StringVar(&acc, "accelerator", "", "only this accelerator (cpu, gpu, neuron)")
	return cmd
}

func newCatalogCmd(f *cmdutil.Factory) *cobra.Command {
	group := &cobra.Command{Use: "catalog <command>", Short: "The catalog of one-click deployable models"}
	ls := &cobra.Command{
		Use: "ls", Aliases: []string{"list"}, Short: "List catalog models", Args: cobra.NoArgs, Example: "  $ hf endpoints catalog ls",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := client(f)
			if err != nil {
				return err
			}
			ids, err := c.ListInferenceCatalog(cmd.Context())
			if err != nil {
				return err
			}
			rows := make([][]string, len(ids))
			for i, id := range ids {
				rows[i] = []string{id}
			}
			return f.Printer().Table([]string{"MODEL"}, rows, ids)
		},
	}
	var repo, name, ns string
	deploy := &cobra.Command{
		Use: "deploy", Short: "Deploy a catalog model with its recommended settings", Args: cobra.NoArgs,
		Example: "  $ hf endpoints catalog deploy --repo meta-llama/Llama-3.2-1B-Instruct",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if repo == "" {
				return cmdutil.FlagErrorf("--repo is required")
			}
			c, err := client(f)
			if err != nil {
				return err
			}
			ep, err := c.DeployFromCatalog(cmd.Context(), repo, name, &hfhub.EndpointOptions{Namespace: ns})
			if err != nil {
				return usage(err)
			}
			return printEndpoint(f.Printer(), ep)
		},
	}
	deploy.Flags().StringVar(&repo, "repo", "", "the catalog model `id`")
	deploy.Flags().StringVar(&name, "name", "", "the endpoint's name (default from the model)")
	addNamespace(deploy, &ns)
	group.AddCommand(ls, deploy)
	return group
}

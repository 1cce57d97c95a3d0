package endpoints

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// engines maps --engine to the image key of the API.
var engines = map[string]string{
	"custom": "custom", "hf-serve": "hfServe", "llamacpp": "llamacpp", "sglang": "sGLang", "tei": "tei",
	"tgi": "tgi", "tgi-neuron": "tgiNeuron", "vllm": "vLLM", "vllm-neuron": "vLLMNeuron",
}

// knobs are the flags deploy and update share.
type knobs struct {
	repo, revision, framework, task         string
	accelerator, instanceType, instanceSize string
	minReplica, maxReplica, scaleToZero     int
	customImage, engine, healthRoute        string
	port                                    int
	env                                     cmdutil.EnvFlags
}

func (k *knobs) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&k.repo, "repo", "", "the model repository, e.g. openai-community/gpt2")
	fl.StringVar(&k.revision, "revision", "", "the model revision")
	fl.StringVar(&k.framework, "framework", "", "the framework (default pytorch)")
	fl.StringVar(&k.task, "task", "", "the task, e.g. text-generation")
	fl.StringVar(&k.accelerator, "accelerator", "", "cpu, gpu or neuron")
	fl.StringVar(&k.instanceType, "instance-type", "", "e.g. intel-icl, nvidia-l4 (`hf endpoints hardware`)")
	fl.StringVar(&k.instanceSize, "instance-size", "", "e.g. x1, x2")
	fl.IntVar(&k.minReplica, "min-replica", 0, "fewest replicas (0 allows scaling to zero)")
	fl.IntVar(&k.maxReplica, "max-replica", 1, "most replicas")
	fl.IntVar(&k.scaleToZero, "scale-to-zero-timeout", 0, "idle `minutes` before scaling to zero")
	fl.StringVar(&k.customImage, "custom-image", "", "a container image `URL` to serve with")
	fl.StringVar(&k.engine, "engine", "", "engine of --custom-image: custom, hf-serve, llamacpp, sglang, tei, tgi, tgi-neuron, vllm, vllm-neuron")
	fl.StringVar(&k.healthRoute, "health-route", "", "health route of --custom-image")
	fl.IntVar(&k.port, "port", 0, "port of --custom-image")
	cmdutil.AddEnvFlags(cmd, &k.env)
}

// prepare checks the image flags, then returns the client, the image object
// and the parsed environment and secrets: what deploy and update both need
// before their request.
func (k *knobs) prepare(f *cmdutil.Factory) (c *hfhub.Client, img map[string]any, vars, secrets []hfhub.SpaceKeyValue, err error) {
	if img, err = k.image(); err != nil {
		return nil, nil, nil, nil, err
	}
	if c, err = f.Client(); err != nil {
		return nil, nil, nil, nil, err
	}
	tok, _ := c.Token()
	if vars, secrets, err = k.env.Parse(f.Getenv, tok); err != nil {
		return nil, nil, nil, nil, err
	}
	return c, img, vars, secrets, nil
}

// image builds the image object from the flags (nil: none given).
func (k *knobs) image() (map[string]any, error) {
	if k.customImage == "" {
		if k.engine != "" || k.healthRoute != "" || k.port != 0 {
			return nil, cmdutil.FlagErrorf("--engine, --health-route and --port go with --custom-image")
		}
		return nil, nil
	}
	key := "custom"
	if k.engine != "" {
		var ok bool
		if key, ok = engines[k.engine]; !ok {
			return nil, cmdutil.FlagErrorf("--engine %q: use custom, hf-serve, llamacpp, sglang, tei, tgi, tgi-neuron, vllm or vllm-neuron", k.engine)
		}
	}
	cfg := map[string]any{"url": k.customImage}
	if k.healthRoute != "" {
		cfg["healthRoute"] = k.healthRoute
	}
	if k.port != 0 {
		cfg["port"] = k.port
	}
	return map[string]any{key: cfg}, nil
}

func newDeployCmd(f *cmdutil.Factory) *cobra.Command {
	var k knobs
	var o hfhub.CreateInferenceEndpointOptions
	cmd := &cobra.Command{
		Use:   "deploy <name>",
		Short: "Deploy a model as an Inference Endpoint",
		Example: `  $ hf endpoints deploy my-llm --repo openai-community/gpt2 --task text-generation \
      --vendor aws --region us-east-1 --accelerator gpu --instance-type nvidia-l4 --instance-size x1
  $ hf endpoints wait my-llm`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, img, vars, secrets, err := k.prepare(f)
			if err != nil {
				return err
			}
			o.Name, o.Repository, o.Revision, o.Framework, o.Task = args[0], k.repo, k.revision, k.framework, k.task
			o.Accelerator, o.InstanceType, o.InstanceSize = k.accelerator, k.instanceType, k.instanceSize
			o.MinReplica, o.MaxReplica, o.ScaleToZeroTimeout, o.Image = k.minReplica, k.maxReplica, k.scaleToZero, img
			o.Env, o.Secrets = toMap(vars), toMap(secrets)
			ep, err := c.CreateInferenceEndpoint(cmd.Context(), &o)
			if err != nil {
				return usage(err)
			}
			return printEndpoint(f.Printer(), ep)
		},
	}
	k.add(cmd)
	cmd.Flags().StringVar(&o.Vendor, "vendor", "", "aws, gcp or azure")
	cmd.Flags().StringVar(&o.Region, "region", "", "e.g. us-east-1")
	cmd.Flags().StringVar(&o.Type, "type", "", "public, authenticated (default) or private")
	addNamespace(cmd, &o.Namespace)
	return cmd
}

func newUpdateCmd(f *cmdutil.Factory) *cobra.Command {
	var k knobs
	var ns string
	cmd := &cobra.Command{
		Use:     "update <name>",
		Short:   "Change an Inference Endpoint (it redeploys)",
		Example: "  $ hf endpoints update my-llm --min-replica 1 --max-replica 4\n  $ hf endpoints update my-llm --instance-type nvidia-a10g",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, img, vars, secrets, err := k.prepare(f)
			if err != nil {
				return err
			}
			o := &hfhub.UpdateInferenceEndpointOptions{Namespace: ns, Accelerator: k.accelerator, InstanceType: k.instanceType, InstanceSize: k.instanceSize,
				Repository: k.repo, Revision: k.revision, Task: k.task, Framework: k.framework, Image: img, Env: toMap(vars), Secrets: toMap(secrets)}
			fl := cmd.Flags()
			if fl.Changed("min-replica") {
				o.MinReplica = &k.minReplica
			}
			if fl.Changed("max-replica") {
				o.MaxReplica = &k.maxReplica
			}
			if fl.Changed("scale-to-zero-timeout") {
				o.ScaleToZeroTimeout = &k.scaleToZero
			}
			ep, err := c.UpdateInferenceEndpoint(cmd.Context(), args[0], o)
			if err != nil {
				return usage(err)
			}
			return printEndpoint(f.Printer(), ep)
		},
	}
	k.add(cmd)
	addNamespace(cmd, &ns)
	return cmd
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

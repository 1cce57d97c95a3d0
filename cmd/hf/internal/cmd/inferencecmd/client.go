// Package inferencecmd implements `hf chat` and `hf inference`: calls to
// models through the Inference Providers router, a provider, or any
// OpenAI-compatible server.
package inferencecmd

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/inference"
)

// Target is where calls go: flags shared by every inference command.
type Target struct {
	Provider string
	BaseURL  string
	BillTo   string
}

func (t *Target) addFlags(cmd *cobra.Command, persistent bool) {
	fl := cmd.Flags()
	if persistent {
		fl = cmd.PersistentFlags()
	}
	fl.StringVar(&t.Provider, "provider", "auto", "inference `provider` (auto, hf-inference, together, groq, …)")
	fl.StringVar(&t.BaseURL, "base-url", "", "send requests to this OpenAI-compatible server or Inference Endpoint `URL` instead of the router")
	fl.StringVar(&t.BillTo, "bill-to", "", "bill an `organization` you belong to (X-HF-Bill-To)")
}

// newClient builds an inference client from the factory's settings
// (token, endpoint, HF_ROUTER_URL) and the target flags.
func newClient(f *cmdutil.Factory, t *Target) (*inference.Client, error) {
	hub, err := f.Client()
	if err != nil {
		return nil, err
	}
	opts := []inference.Option{inference.WithHub(hub), inference.WithEnv(f.Getenv), inference.WithUserAgent(hub.UserAgent())}
	if t.Provider != "" {
		opts = append(opts, inference.WithProvider(t.Provider))
	}
	if t.BaseURL != "" {
		opts = append(opts, inference.WithBaseURL(t.BaseURL))
	}
	if t.BillTo != "" {
		opts = append(opts, inference.WithBillTo(t.BillTo))
	}
	c, err := inference.New(opts...)
	if err != nil {
		return nil, cmdutil.NewError(cmdutil.ExitUsage, "check --provider and --base-url", err)
	}
	return c, nil
}

// classify gives inference errors their exit codes and hints.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var code cmdutil.ExitCode
	hint := ""
	switch {
	case errors.Is(err, inference.ErrInvalidInput):
		code = cmdutil.ExitUsage
	case errors.Is(err, inference.ErrUnauthorized):
		code, hint = cmdutil.ExitAuth, "log in with `hf auth login` or set HF_TOKEN; provider keys work only with --provider"
	case errors.Is(err, inference.ErrNotSupportedByProvider):
		code, hint = cmdutil.ExitNotFound, "the model page lists its providers; try --provider auto"
	case errors.Is(err, inference.ErrModelNotFound):
		code, hint = cmdutil.ExitNotFound, "check the model id"
	case errors.Is(err, inference.ErrPaymentRequired):
		code, hint = cmdutil.ExitError, "add credits or bill an organization with --bill-to"
	case errors.Is(err, inference.ErrRateLimited), errors.Is(err, inference.ErrOverloaded), errors.Is(err, inference.ErrServer), errors.Is(err, inference.ErrTimeout):
		code, hint = cmdutil.ExitNetwork, "the provider is busy or failing; try again later or another --provider"
	default:
		return err
	}
	return cmdutil.NewError(code, hint, err)
}

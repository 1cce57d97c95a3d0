package hfhub_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/inference"
)

func newEndpointsClient(t *testing.T) (*hubtest.Endpoints, *hfhub.Client) {
	t.Helper()
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_alice", "alice", hubtest.Write))
	eps := hubtest.NewEndpoints(t, hubtest.WithEndpointsToken("hf_alice", "alice"))
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken("hf_alice"), hfhub.WithHFHome(t.TempDir()),
		hfhub.WithInferenceEndpointsURL(eps.URL), hfhub.WithInferenceCatalogURL(eps.CatalogURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return eps, c
}

var fastEndpointWait = &hfhub.WaitForInferenceEndpointOptions{PollInterval: time.Millisecond}

func TestInferenceEndpointLifecycle(t *testing.T) {
	eps, c := newEndpointsClient(t)
	ctx := t.Context()
	const secret = "ep-secret-value"
	ep, err := c.CreateInferenceEndpoint(ctx, &hfhub.CreateInferenceEndpointOptions{
		Name: "my-llm", Repository: "openai-community/gpt2", Task: "text-generation",
		Vendor: "aws", Region: "us-east-1", Accelerator: "gpu", InstanceType: "nvidia-l4", InstanceSize: "x1",
		MinReplica: 0, MaxReplica: 2, ScaleToZeroTimeout: 15,
		Env: map[string]string{"MAX_TOKENS": "512"}, Secrets: map[string]string{"API_KEY": secret},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Status.State != hfhub.EndpointPending || ep.URL() != "" || ep.Namespace != "alice" || ep.Compute.Scaling.MaxReplica != 2 ||
		*ep.Compute.Scaling.ScaleToZeroTimeout != 15 || ep.Model.Secrets["API_KEY"] == secret || ep.Model.Image["huggingface"] == nil {
		t.Errorf("created = %+v", ep)
	}
	if eps.Secrets("alice", "my-llm")["API_KEY"] != secret {
		t.Error("secret not sent")
	}
	ep, err = c.WaitForInferenceEndpoint(ctx, "my-llm", fastEndpointWait)
	if err != nil || ep.Status.State != hfhub.EndpointRunning || !strings.HasPrefix(ep.URL(), "http://127.0.0.1:") {
		t.Fatalf("WaitForInferenceEndpoint = %+v, %v", ep, err)
	}

	// The endpoint's URL plugs into the inference client's base-URL mode.
	ic, err := inference.New(inference.WithBaseURL(ep.URL()), inference.WithToken("hf_alice"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ic.ChatCompletion(ctx, &inference.ChatRequest{Messages: []inference.Message{{Role: "user", Content: inference.Text("hello")}}})
	if err != nil || len(resp.Choices) != 1 || resp.Choices[0].Message.Content.String() != "echo: hello" {
		t.Fatalf("chat through the endpoint = %+v, %v", resp, err)
	}
	if n := eps.Calls("alice", "my-llm"); n != 1 {
		t.Errorf("endpoint served %d calls", n)
	}

	list, err := c.ListInferenceEndpoints(ctx, nil)
	if err != nil || len(list) != 1 || list[0].Name != "my-llm" {
		t.Fatalf("ListInferenceEndpoints = %v, %v", list, err)
	}
	one := 1
	ep, err = c.UpdateInferenceEndpoint(ctx, "my-llm", &hfhub.UpdateInferenceEndpointOptions{MinReplica: &one, InstanceType: "nvidia-a10g"})
	if err != nil || ep.Compute.InstanceType != "nvidia-a10g" || ep.Compute.Scaling.MinReplica != 1 || ep.Compute.Scaling.MaxReplica != 2 || ep.Status.State != hfhub.EndpointPending {
		t.Fatalf("UpdateInferenceEndpoint = %+v, %v", ep, err)
	}
	if _, err := c.WaitForInferenceEndpoint(ctx, "my-llm", fastEndpointWait); err != nil {
		t.Fatal(err)
	}
	if ep, err = c.PauseInferenceEndpoint(ctx, "my-llm", nil); err != nil || ep.Status.State != hfhub.EndpointPaused {
		t.Fatalf("pause = %+v, %v", ep, err)
	}
	if ep, err = c.ResumeInferenceEndpoint(ctx, "my-llm", nil); err != nil || ep.Status.State != hfhub.EndpointPending {
		t.Fatalf("resume = %+v, %v", ep, err)
	}
	if _, err := c.WaitForInferenceEndpoint(ctx, "my-llm", fastEndpointWait); err != nil {
		t.Fatal(err)
	}
	if ep, err = c.ResumeInferenceEndpoint(ctx, "my-llm", nil); err != nil || ep.Status.State != hfhub.EndpointRunning {
		t.Errorf("resume a running endpoint (running ok) = %+v, %v", ep, err)
	}
	if _, err = c.ResumeInferenceEndpoint(ctx, "my-llm", &hfhub.ResumeInferenceEndpointOptions{FailIfRunning: true}); !errors.Is(err, hfhub.ErrBadRequest) {
		t.Errorf("resume with FailIfRunning: error = %v", err)
	}
	if ep, err = c.ScaleToZeroInferenceEndpoint(ctx, "my-llm", nil); err != nil || ep.Status.State != hfhub.EndpointScaledToZero {
		t.Fatalf("scale to zero = %+v, %v", ep, err)
	}
	if err := c.DeleteInferenceEndpoint(ctx, "my-llm", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InferenceEndpoint(ctx, "my-llm", nil); err == nil {
		t.Error("deleted endpoint still there")
	}
}

func TestInferenceEndpointFailuresAndLists(t *testing.T) {
	eps, c := newEndpointsClient(t)
	ctx := t.Context()
	opts := &hfhub.CreateInferenceEndpointOptions{Name: "bad", Repository: "acme/m", Vendor: "aws", Region: "us-east-1", Accelerator: "cpu", InstanceType: "intel-icl", InstanceSize: "x2"}
	eps.FailNextDeploy("alice", "bad", "model does not fit in memory")
	if _, err := c.CreateInferenceEndpoint(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForInferenceEndpoint(ctx, "bad", fastEndpointWait); !errors.Is(err, hfhub.ErrEndpointFailed) || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("failed deploy: error = %v", err)
	}
	if _, err := c.CreateInferenceEndpoint(ctx, opts); !errors.Is(err, hfhub.ErrConflict) {
		t.Errorf("create twice: error = %v, want ErrConflict", err)
	}
	// Never deployed in time.
	opts.Name = "slow"
	if _, err := c.CreateInferenceEndpoint(ctx, opts); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.WaitForInferenceEndpoint(dctx, "slow", fastEndpointWait); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
	for name, o := range map[string]*hfhub.CreateInferenceEndpointOptions{
		"no options":    nil,
		"no name":       {Repository: "a/b"},
		"no repository": {Name: "x", Vendor: "aws", Region: "r", Accelerator: "cpu", InstanceType: "t", InstanceSize: "s"},
		"bad env":       {Name: "x", Repository: "a/b", Vendor: "aws", Region: "r", Accelerator: "cpu", InstanceType: "t", InstanceSize: "s", Env: map[string]string{"A B": "1"}},
		"replicas":      {Name: "x", Repository: "a/b", Vendor: "aws", Region: "r", Accelerator: "cpu", InstanceType: "t", InstanceSize: "s", MinReplica: 3, MaxReplica: 1},
	} {
		if _, err := c.CreateInferenceEndpoint(ctx, o); !errors.Is(err, hfhub.ErrValidation) {
			t.Errorf("%s: error = %v, want ErrValidation", name, err)
		}
	}
	if _, err := c.UpdateInferenceEndpoint(ctx, "slow", nil); !errors.Is(err, hfhub.ErrValidation) {
		t.Errorf("empty update: %v", err)
	}
	if _, err := c.ListInferenceEndpoints(ctx, &hfhub.EndpointOptions{Namespace: "bob"}); !errors.Is(err, hfhub.ErrForbidden) {
		t.Errorf("another namespace: %v", err)
	}
	hw, err := c.ListInferenceEndpointsHardware(ctx, nil)
	if err != nil || len(hw) != 3 || hw[1].Vendor != "aws" || hw[1].InstanceType != "nvidia-l4" || hw[2].Region != "us-central1" || hw[0].GPUMemoryGB != nil {
		t.Errorf("hardware = %+v, %v", hw, err)
	}
	cat, err := c.ListInferenceCatalog(ctx)
	if err != nil || len(cat) == 0 {
		t.Fatalf("catalog = %v, %v", cat, err)
	}
	ep, err := c.DeployFromCatalog(ctx, cat[0], "", nil)
	if err != nil || ep.Model.Repository != cat[0] || ep.Namespace != "alice" {
		t.Errorf("DeployFromCatalog = %+v, %v", ep, err)
	}
	// Anonymous: the API refuses.
	anon, _ := hfhub.New(hfhub.WithAnonymous(), hfhub.WithHFHome(t.TempDir()), hfhub.WithInferenceEndpointsURL(eps.URL))
	if _, err := anon.ListInferenceEndpoints(ctx, &hfhub.EndpointOptions{Namespace: "alice"}); !errors.Is(err, hfhub.ErrUnauthorized) {
		t.Errorf("anonymous: %v", err)
	}
}

func TestInferenceEndpointsURLFromEnv(t *testing.T) {
	c, err := hfhub.New(hfhub.WithEnv(func(k string) string {
		switch k {
		case "HF_INFERENCE_ENDPOINTS_ENDPOINT":
			return "http://127.0.0.1:9/v2"
		case "HF_HOME":
			return t.TempDir()
		}
		return ""
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Config().InferenceEndpointsURL; got != "http://127.0.0.1:9/v2" {
		t.Errorf("from env = %q", got)
	}
	d, _ := hfhub.New(hfhub.WithEnv(func(string) string { return "" }), hfhub.WithHFHome(t.TempDir()))
	if got := d.Config().InferenceEndpointsURL; got != hfhub.DefaultInferenceEndpointsURL {
		t.Errorf("default = %q", got)
	}
	if _, err := hfhub.New(hfhub.WithInferenceEndpointsURL("ftp://x")); !errors.Is(err, hfhub.ErrValidation) {
		t.Errorf("bad URL: %v", err)
	}
}

package hfhub_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// Run a job, follow its logs to the end, read its final state.
func ExampleClient_RunJob() {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithToken("hf_alice", "alice", hubtest.Write),
		hubtest.WithJobScript(hubtest.JobScript{Logs: []string{"epoch 1: loss 0.9", "epoch 2: loss 0.4"}}))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken("hf_alice"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	j, err := c.RunJob(ctx, &hfhub.JobSpec{
		Image: "python:3.12", Command: []string{"python", "train.py"},
		Secrets: map[string]string{"HF_TOKEN": "hf_alice"}, Flavor: "t4-small", Timeout: time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	for line, err := range c.JobLogs(ctx, j.ID, &hfhub.JobLogsOptions{Follow: true}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(line.Text)
	}
	done, err := c.WaitForJob(ctx, j.ID, &hfhub.WaitForJobOptions{PollInterval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(done.Status.Stage, done.SecretNames())
	// Output:
	// epoch 1: loss 0.9
	// epoch 2: loss 0.4
	// COMPLETED [HF_TOKEN]
}

// Deploy a model, wait until it serves, then pause it.
func ExampleClient_CreateInferenceEndpoint() {
	eps, err := hubtest.ListenEndpoints("127.0.0.1:0", hubtest.WithEndpointsToken("hf_alice", "alice"))
	if err != nil {
		log.Fatal(err)
	}
	defer eps.Close()
	home, err := os.MkdirTemp("", "example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	c, err := hfhub.New(hfhub.WithToken("hf_alice"), hfhub.WithHFHome(home), hfhub.WithInferenceEndpointsURL(eps.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.CreateInferenceEndpoint(ctx, &hfhub.CreateInferenceEndpointOptions{
		Name: "my-llm", Namespace: "alice", Repository: "openai-community/gpt2", Task: "text-generation",
		Vendor: "aws", Region: "us-east-1", Accelerator: "gpu", InstanceType: "nvidia-l4", InstanceSize: "x1",
	})
	if err != nil {
		log.Fatal(err)
	}
	ep, err := c.WaitForInferenceEndpoint(ctx, "my-llm", &hfhub.WaitForInferenceEndpointOptions{Namespace: "alice", PollInterval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ep.Status.State, strings.HasPrefix(ep.URL(), "http://127.0.0.1:")) // give ep.URL() to inference.WithBaseURL
	ep, err = c.PauseInferenceEndpoint(ctx, "my-llm", &hfhub.EndpointOptions{Namespace: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ep.Status.State)
	// Output:
	// running true
	// paused
}

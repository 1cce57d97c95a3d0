package hfhub_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// A deploy script: set a secret, request hardware, wait until the Space
// runs, read its logs. hubtest simulates the Space's build.
func ExampleClient_WaitForSpace() {
	hub, err := hubtest.Listen("127.0.0.1:0",
		hubtest.WithToken("hf_alice", "alice", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "alice/demo", Files: map[string][]byte{"README.md": []byte("---\nsdk: gradio\n---\n")}}),
		hubtest.WithSpaceScript(hubtest.SpaceScript{BuildSteps: 2, RunLogs: []string{"Running on http://0.0.0.0:7860"}}))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken("hf_alice"))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := c.AddSpaceSecret(ctx, "alice/demo", "OPENAI_API_KEY", "sk-...", nil); err != nil {
		log.Fatal(err)
	}
	if _, err := c.RequestSpaceHardware(ctx, "alice/demo", "t4-small", nil); err != nil {
		log.Fatal(err)
	}
	rt, err := c.WaitForSpace(ctx, "alice/demo", &hfhub.WaitForSpaceOptions{PollInterval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rt.Stage, rt.CurrentHardware())
	for line, err := range c.SpaceLogs(ctx, "alice/demo", &hfhub.SpaceLogsOptions{IdleTimeout: 100 * time.Millisecond}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(line.Text)
	}
	// Output:
	// RUNNING t4-small
	// Running on http://0.0.0.0:7860
}

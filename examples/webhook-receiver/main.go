// Command webhook-receiver is a small Go service receiving Hub webhooks
// with webhook.Handler: it checks the secret, decodes each event and logs
// pushes, new pull requests, comments and merges.
//
// As a service (point a webhook of huggingface.co or `hf serve` at it):
//
//	WEBHOOK_SECRET=s3cret WEBHOOK_ADDR=:8080 go run ./examples/webhook-receiver
//
// Without WEBHOOK_ADDR it runs a self-contained demo on loopback: a test
// Hub, a webhook pointing at this receiver, a pull request, a comment and
// its merge, then it prints what arrived and exits.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/webhook"
)

// describe is one line about an event.
func describe(p *webhook.Payload) string {
	switch {
	case p.IsRepoContentUpdate():
		return fmt.Sprintf("push to %s %s: %s -> %.7s", p.Repo.Type, p.Repo.Name, p.UpdatedRefs[0].Ref, p.UpdatedRefs[0].NewSHA)
	case p.IsPullRequestMerged():
		return fmt.Sprintf("merged pull request #%d of %s", p.Discussion.Num, p.Repo.Name)
	case p.IsComment():
		return fmt.Sprintf("comment on #%d of %s: %q", p.Discussion.Num, p.Repo.Name, p.Comment.Content)
	case p.IsDiscussion():
		return fmt.Sprintf("%s #%d of %s (%s): %s", p.Event.Action, p.Discussion.Num, p.Repo.Name, p.Discussion.Status, p.Discussion.Title)
	}
	return fmt.Sprintf("%s.%s on %s", p.Event.Scope, p.Event.Action, p.Repo.Name)
}

func main() {
	secret := os.Getenv("WEBHOOK_SECRET")
	if addr := os.Getenv("WEBHOOK_ADDR"); addr != "" {
		h := webhook.NewHandler(secret, func(_ context.Context, p *webhook.Payload) error {
			log.Print(describe(p))
			return nil
		})
		log.Printf("receiving webhooks on %s/hook", addr)
		log.Fatal(http.ListenAndServe(addr, http.StripPrefix("/hook", h)))
	}
	if err := demo(); err != nil {
		log.Fatal(err)
	}
}

func demo() error {
	ctx := context.Background()
	var mu sync.Mutex
	var got []string
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: webhook.NewHandler("s3cret", func(_ context.Context, p *webhook.Payload) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, describe(p))
		return nil
	})}
	go srv.Serve(ln)
	defer srv.Close()

	hub, err := hubtest.Listen("127.0.0.1:0",
		hubtest.WithToken("hf_owner", "acme", hubtest.Write),
		hubtest.WithToken("hf_contributor", "bob", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/model", Files: map[string][]byte{"README.md": []byte("# model\n")}}))
	if err != nil {
		return err
	}
	defer hub.Close()
	home, err := os.MkdirTemp("", "webhook-receiver-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	client := func(tok string) (*hfhub.Client, error) {
		return hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken(tok), hfhub.WithHFHome(home))
	}
	owner, err := client("hf_owner")
	if err != nil {
		return err
	}
	bob, err := client("hf_contributor")
	if err != nil {
		return err
	}
	if _, err := owner.CreateWebhook(ctx, hfhub.WebhookOptions{URL: "http://" + ln.Addr().String(), Secret: "s3cret",
		Watched: []hfhub.WebhookWatchedItem{{Type: "user", Name: "acme"}}}); err != nil {
		return err
	}
	pr, err := bob.CreateCommit(ctx, "acme/model", []hfhub.CommitOperation{hfhub.AddFromBytes("README.md", []byte("# model\n\nUsage: ...\n"))},
		&hfhub.CommitOptions{Message: "Document usage", CreatePR: true})
	if err != nil {
		return err
	}
	if _, err := owner.CommentDiscussion(ctx, "acme/model", pr.PullRequestNum, "Thanks!", nil); err != nil {
		return err
	}
	if err := owner.MergePullRequest(ctx, "acme/model", pr.PullRequestNum, nil); err != nil {
		return err
	}
	hub.WaitWebhooks()
	mu.Lock()
	defer mu.Unlock()
	sort.Strings(got) // deliveries run concurrently
	for _, line := range got {
		fmt.Println(line)
	}
	if len(got) != 5 {
		return fmt.Errorf("received %d events, want 5", len(got))
	}
	return nil
}

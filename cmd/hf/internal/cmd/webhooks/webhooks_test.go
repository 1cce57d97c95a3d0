package webhooks_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/root"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/webhook"
)

func TestWebhooksCLI(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithToken("hf_alice", "alice", hubtest.Write),
		hubtest.WithToken("hf_read", "alice", hubtest.Read),
		hubtest.WithRepo(hubtest.Repo{ID: "alice/model"}))
	rcv := httptest.NewServer(webhook.NewHandler("s3cret", nil))
	defer rcv.Close()
	step := func(token string, want cmdutil.ExitCode, args ...string) string {
		t.Helper()
		f, out, _, _ := cmdutil.TestFactory(t)
		started := false
		err := cmdutil.Execute(t.Context(), root.NewCmd(f, &started), append([]string{"--endpoint", hub.URL, "--token", token}, args...)...)
		if code, _ := cmdutil.ExitCodeOf(err); code != want {
			t.Fatalf("hf %s: exit %d (%v), want %d", strings.Join(args, " "), code, err, want)
		}
		return out.String()
	}
	var created struct {
		ID string `json:"id"`
	}
	out := step("hf_alice", 0, "webhooks", "create", "--url", rcv.URL, "--watch", "user:alice", "--secret", "s3cret", "--format", "json")
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ID == "" {
		t.Fatalf("create: %q (%v)", out, err)
	}
	id := created.ID
	if out := step("hf_alice", 0, "webhooks", "ls"); !strings.Contains(out, id) || !strings.Contains(out, "user:alice") {
		t.Fatalf("ls: %q", out)
	}
	step("hf_alice", 0, "webhooks", "update", id, "--domain", "repo")
	if out := step("hf_alice", 0, "webhooks", "info", id); !strings.Contains(out, "domains\trepo\n") || !strings.Contains(out, "secret\t(set)") {
		t.Fatalf("info: %q", out)
	}
	step("hf_alice", 0, "repos", "settings", "alice/model", "--private")
	hub.WaitWebhooks()
	if out := step("hf_alice", 0, "webhooks", "deliveries", id); !strings.Contains(out, "repo.config.update\talice/model\t200\t1\ttrue") {
		t.Fatalf("deliveries: %q", out)
	}
	step("hf_alice", 0, "webhooks", "disable", id)
	step("hf_alice", 0, "webhooks", "enable", id)
	step("hf_read", cmdutil.ExitAuth, "webhooks", "disable", id)
	step("hf_alice", cmdutil.ExitUsage, "webhooks", "create", "--url", rcv.URL, "--watch", "alice")
	step("hf_alice", cmdutil.ExitUsage, "webhooks", "create", "--url", rcv.URL)
	step("hf_alice", cmdutil.ExitUsage, "webhooks", "delete", id)
	step("hf_alice", 0, "webhooks", "delete", id, "--yes")
	step("hf_alice", cmdutil.ExitNotFound, "webhooks", "info", id)
}

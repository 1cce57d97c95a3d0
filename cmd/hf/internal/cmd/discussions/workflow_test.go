package discussions_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/root"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// hf runs the whole `hf` command tree against hub with token and returns
// stdout and the exit code.
func hf(t *testing.T, hub *hubtest.Server, token string, args ...string) (string, cmdutil.ExitCode) {
	t.Helper()
	f, out, _, _ := cmdutil.TestFactory(t)
	started := false
	err := cmdutil.Execute(t.Context(), root.NewCmd(f, &started), append([]string{"--endpoint", hub.URL, "--token", token}, args...)...)
	code, _ := cmdutil.ExitCodeOf(err)
	return out.String(), code
}

// TestPullRequestWorkflowCLI is the review loop of docs/discussions.md:
// bob uploads a change as a pull request to alice's repo, alice reads the
// diff and comments, bob answers, alice merges, main has the change.
func TestPullRequestWorkflowCLI(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithToken("hf_alice", "alice", hubtest.Write),
		hubtest.WithToken("hf_bob", "bob", hubtest.Write),
		hubtest.WithToken("hf_reader", "carol", hubtest.Read),
		hubtest.WithRepo(hubtest.Repo{ID: "alice/model", Files: map[string][]byte{"README.md": []byte("# model\n")}}))
	local := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(local, []byte("# model\n\nNow with a usage section.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step := func(token string, want cmdutil.ExitCode, args ...string) string {
		t.Helper()
		out, code := hf(t, hub, token, args...)
		if code != want {
			t.Fatalf("hf %s: exit %d, want %d; stdout:\n%s", strings.Join(args, " "), code, want, out)
		}
		return out
	}

	step("hf_bob", 0, "upload", "alice/model", local, "README.md", "--create-pr", "--commit-message", "Document usage")
	var list []struct {
		Num    int    `json:"num"`
		Title  string `json:"title"`
		Status string `json:"status"`
		IsPR   bool   `json:"is_pull_request"`
	}
	if err := json.Unmarshal([]byte(step("hf_alice", 0, "discussions", "list", "alice/model", "--kind", "pull_request", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Num != 1 || !list[0].IsPR || list[0].Status != "open" || list[0].Title != "Document usage" {
		t.Fatalf("list: %+v", list)
	}
	if diff := step("hf_alice", 0, "discussions", "diff", "alice/model", "1"); !strings.Contains(diff, "+Now with a usage section.") {
		t.Fatalf("diff:\n%s", diff)
	}
	if err := os.WriteFile(local, []byte("# model\n\nNow with a usage section.\nAnd an example.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step("hf_bob", 0, "upload", "alice/model", local, "README.md", "--revision", "refs/pr/1", "--commit-message", "Add an example")
	step("hf_alice", 0, "discussions", "comment", "alice/model", "1", "--body", "Thanks, merging.")
	step("hf_reader", cmdutil.ExitAuth, "discussions", "comment", "alice/model", "1", "--body", "read token")
	step("hf_bob", cmdutil.ExitAuth, "discussions", "merge", "alice/model", "1", "--yes")
	step("hf_alice", cmdutil.ExitUsage, "discussions", "merge", "alice/model", "1") // no terminal, no --yes
	step("hf_alice", 0, "discussions", "merge", "alice/model", "1", "--yes")

	info := step("hf_alice", 0, "discussions", "info", "alice/model", "1", "--format", "json")
	var d struct {
		Status string `json:"status"`
		Events []struct {
			Type    string `json:"type"`
			Content string `json:"content"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(info), &d); err != nil {
		t.Fatal(err)
	}
	if d.Status != "merged" || len(d.Events) != 5 || d.Events[3].Content != "Thanks, merging." || d.Events[4].Type != "status-change" {
		t.Fatalf("info after merge: %s", info)
	}
	got, err := hub.Store().ReadFile("model", "alice/model", "main", "README.md")
	if err != nil || !strings.Contains(string(got), "And an example.") {
		t.Fatalf("main after merge: %q, %v", got, err)
	}

	// The other verbs on a discussion.
	out := step("hf_bob", 0, "discussions", "create", "alice/model", "--title", "A question", "--body", "How?", "--format", "json")
	var created struct {
		Num int    `json:"num"`
		URL string `json:"url"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Num != 2 || !strings.HasSuffix(created.URL, "/alice/model/discussions/2") {
		t.Fatalf("create: %s (%v)", out, err)
	}
	step("hf_bob", 0, "discussions", "rename", "alice/model", "2", "A better question")
	step("hf_bob", 0, "discussions", "close", "alice/model", "2", "-y", "--comment", "never mind")
	if out := step("hf_bob", 0, "discussions", "list", "alice/model"); out != "" {
		t.Fatalf("open discussions after close: %q", out)
	}
	if out := step("hf_bob", 0, "discussions", "ls", "alice/model", "--status", "closed"); !strings.Contains(out, "A better question") {
		t.Fatalf("closed list: %q", out)
	}
	step("hf_bob", 0, "discussions", "reopen", "alice/model", "2", "-y")
	step("hf_bob", cmdutil.ExitUsage, "discussions", "info", "alice/model", "zero")
	step("hf_bob", cmdutil.ExitNotFound, "discussions", "info", "alice/model", "9")
	step("hf_bob", cmdutil.ExitNotFound, "discussions", "list", "alice/missing")
	step("hf_bob", cmdutil.ExitUsage, "discussions", "comment", "alice/model", "2")
	step("hf_bob", cmdutil.ExitUsage, "discussions", "list", "alice/model", "--status", "weird")
}

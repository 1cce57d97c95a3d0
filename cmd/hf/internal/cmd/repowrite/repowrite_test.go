package repowrite

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// group wires the verbs under a stand-in `repo` command, as `hf repo` does.
func group(f *cmdutil.Factory) *cobra.Command {
	g := &cobra.Command{Use: "repo"}
	g.AddCommand(NewCmds(f)...)
	return g
}

func execute(t *testing.T, hub *hubtest.Server, args ...string) (string, error) {
	t.Helper()
	f, out, _, _ := cmdutil.TestFactory(t)
	f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
	err := cmdutil.Execute(t.Context(), group(f), args...)
	return out.String(), err
}

func exitCode(err error) cmdutil.ExitCode {
	code, _ := cmdutil.ExitCodeOf(err)
	return code
}

func TestRepoWriteCommands(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write))
	steps := []struct {
		args []string
		want string // substring of stdout
		code cmdutil.ExitCode
	}{
		{[]string{"create", "alice/m", "--private"}, hub.URL + "/alice/m", 0},
		{[]string{"create", "alice/m"}, "", cmdutil.ExitError},
		{[]string{"create", "alice/m", "--exist-ok"}, "/alice/m", 0},
		{[]string{"create", "alice/s", "--repo-type", "space"}, "", cmdutil.ExitUsage},
		{[]string{"create", "alice/s", "--type", "space", "--sdk", "gradio"}, "/spaces/alice/s", 0},
		{[]string{"create", "alice/p", "--private", "--public"}, "", cmdutil.ExitUsage},
		{[]string{"settings", "alice/m", "--public", "--gated", "manual"}, "Updated", 0},
		{[]string{"settings", "alice/m", "--private=false"}, "Updated", 0},
		{[]string{"settings", "alice/m", "--private", "--public"}, "", cmdutil.ExitUsage},
		{[]string{"settings", "alice/m"}, "", cmdutil.ExitUsage},
		{[]string{"branch", "create", "alice/m", "dev"}, "Created branch dev", 0},
		{[]string{"tag", "create", "alice/m", "v1", "--revision", "dev", "-m", "one"}, "Created tag v1", 0},
		{[]string{"tag", "list", "alice/m"}, "v1", 0},
		{[]string{"tag", "delete", "alice/m", "v1"}, "", cmdutil.ExitUsage}, // no terminal, no --yes
		{[]string{"tag", "delete", "alice/m", "v1", "--yes"}, "Deleted tag v1", 0},
		{[]string{"tag", "delete", "alice/m", "v1", "-y"}, "", cmdutil.ExitNotFound},
		{[]string{"branch", "delete", "alice/m", "dev"}, "", cmdutil.ExitUsage},
		{[]string{"branch", "delete", "alice/m", "dev", "-y"}, "Deleted branch dev", 0},
		{[]string{"delete-files", "alice/m", ".gitattributes"}, "/commit/", 0},
		{[]string{"delete-files", "alice/m", "nothing*"}, "", cmdutil.ExitNotFound},
		{[]string{"duplicate", "alice/m", "alice/m-copy"}, "/alice/m-copy", 0},
		{[]string{"duplicate", "alice/m", "m-copy"}, "", cmdutil.ExitError}, // exists (the bare name is alice's)
		{[]string{"duplicate", "alice/m", "m-copy", "--exist-ok"}, "/alice/m-copy", 0},
		{[]string{"duplicate", "alice/m", "alice/x", "--flavor", "t4-small"}, "", cmdutil.ExitUsage}, // not a Space
		{[]string{"duplicate", "alice/m", "alice/x", "--private", "--public"}, "", cmdutil.ExitUsage},
		{[]string{"move", "alice/m", "alice/m2"}, "/alice/m2", 0},
		{[]string{"delete", "alice/m2"}, "", cmdutil.ExitUsage}, // no terminal, no --yes
		{[]string{"delete", "alice/m2", "--yes"}, "Deleted model alice/m2", 0},
		{[]string{"delete", "alice/m2", "-y"}, "", cmdutil.ExitNotFound},
		{[]string{"delete", "alice/m2", "--missing-ok", "-y"}, "Deleted", 0},
	}
	for _, s := range steps {
		out, err := execute(t, hub, s.args...)
		if got := exitCode(err); got != s.code {
			t.Fatalf("hf repo %s: exit %d (%v), want %d", strings.Join(s.args, " "), got, err, s.code)
		}
		if !strings.Contains(out, s.want) {
			t.Fatalf("hf repo %s: stdout %q, want it to contain %q", strings.Join(s.args, " "), out, s.want)
		}
	}
}

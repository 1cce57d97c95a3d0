package endpoints

import (
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

const secretValue = "ep-secret-never-printed"

func TestEndpointsCommands(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write))
	eps := hubtest.NewEndpoints(t, hubtest.WithEndpointsToken("hf_w", "alice"))
	execute := func(format string, args ...string) (string, string, cmdutil.ExitCode) {
		f, out, errOut, _ := cmdutil.TestFactory(t)
		f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
		if format == "json" {
			f.Globals.Format = cmdutil.FormatJSON
		}
		base := f.Getenv
		f.Getenv = func(k string) string {
			switch k {
			case "HF_INFERENCE_ENDPOINTS_ENDPOINT":
				return eps.URL
			case "HF_INFERENCE_CATALOG_ENDPOINT":
				return eps.CatalogURL
			}
			return base(k)
		}
		err := cmdutil.Execute(t.Context(), NewCmd(f), args...)
		code, _ := cmdutil.ExitCodeOf(err)
		if err != nil {
			errOut.WriteString(err.Error())
		}
		return out.String(), errOut.String(), code
	}
	deploy := []string{"deploy", "my-llm", "--repo", "openai-community/gpt2", "--task", "text-generation", "--vendor", "aws", "--region", "us-east-1",
		"--accelerator", "gpu", "--instance-type", "nvidia-l4", "--instance-size", "x1", "--max-replica", "2", "-s", "API_KEY=" + secretValue, "-e", "MODE=prod"}
	steps := []struct {
		format string
		args   []string
		want   string
		code   cmdutil.ExitCode
	}{
		{"", deploy, "pending", 0},
		{"", deploy, "", cmdutil.ExitError}, // exists (409)
		{"", []string{"wait", "my-llm", "--timeout", "1m", "--poll-interval", "1ms"}, "running", 0},
		{"", []string{"ls"}, "my-llm", 0},
		{"json", []string{"describe", "my-llm"}, `"state": "running"`, 0},
		{"", []string{"update", "my-llm", "--min-replica", "1"}, "1-2", 0},
		{"", []string{"pause", "my-llm"}, "paused", 0},
		{"", []string{"resume", "my-llm"}, "pending", 0},
		{"", []string{"scale-to-zero", "my-llm"}, "scaledToZero", 0},
		{"", []string{"hardware", "--accelerator", "gpu"}, "nvidia-l4", 0},
		{"", []string{"catalog", "ls"}, "gpt2", 0},
		{"", []string{"catalog", "deploy", "--repo", "Qwen/Qwen2.5-7B-Instruct"}, "qwen-qwen2-5-7b-instruct", 0},
		{"", []string{"catalog", "deploy"}, "", cmdutil.ExitUsage},
		{"", []string{"deploy", "x", "--repo", "a/b"}, "", cmdutil.ExitUsage}, // no hardware
		{"", []string{"deploy", "x", "--engine", "vllm"}, "", cmdutil.ExitUsage},
		{"", []string{"delete", "my-llm"}, "", cmdutil.ExitUsage},
		{"", []string{"delete", "my-llm", "--yes"}, "Deleted", 0},
		{"", []string{"describe", "my-llm"}, "", cmdutil.ExitNotFound},
	}
	for _, s := range steps {
		out, errOut, code := execute(s.format, s.args...)
		if code != s.code || !strings.Contains(out, s.want) {
			t.Errorf("hf endpoints %s = exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(s.args, " "), code, out, errOut, s.code, s.want)
		}
		if strings.Contains(out+errOut, secretValue) {
			t.Errorf("hf endpoints %s printed a secret", s.args[0])
		}
	}
}

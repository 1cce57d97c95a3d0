package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

// TestUploadInvalidCard: `hf upload` of a folder whose README.md has bad
// metadata stops before any file byte is sent, showing the server's words.
func TestUploadInvalidCard(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "alice", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "alice/m", Files: map[string][]byte{"a.txt": []byte("a")}}))
	t.Setenv("HF_HOME", t.TempDir())
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: [1, 2]\ntags: 3\n---\n# m\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "weights.bin"), make([]byte, 1<<20), 0o644)
	for _, args := range [][]string{
		{"upload", "alice/m", dir},
		{"upload-large-folder", "alice/m", dir},
	} {
		hub.ResetRequests()
		io, _, _, errOut := cmdutil.Test()
		code := Run(t.Context(), append(args, "--endpoint", hub.URL, "--token", "hf_w"), io)
		if code != cmdutil.ExitError {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, cmdutil.ExitError, errOut)
		}
		for _, want := range []string{"invalid metadata in README.md", `"license[0]" must be one of`, `"tags" must be an array`} {
			if !strings.Contains(errOut.String(), want) {
				t.Errorf("%v: stderr %q lacks %q", args, errOut, want)
			}
		}
		for _, r := range hub.Requests() {
			if strings.Contains(r.Path, "/preupload/") || strings.Contains(r.Path, "/commit/") || strings.Contains(r.Path, ".git/") || strings.HasPrefix(r.Path, "/lfs") {
				t.Errorf("%v: %s %s sent after the refusal", args, r.Method, r.Path)
			}
		}
	}
}

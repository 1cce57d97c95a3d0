package root

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// TestRewriteRepoArgs pins how the ids a Python hf user types become plain
// ids and flags, on the real command tree.
func TestRewriteRepoArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    string // "" means unchanged
		wantErr string
	}{
		{"download datasets/acme/squad", "download acme/squad --type dataset", ""},
		{"download spaces/acme/demo app.py", "download acme/demo app.py --type space", ""},
		{"download models/acme/m", "download acme/m --type model", ""},
		{"download datasets/acme/squad --repo-type dataset", "download acme/squad --repo-type dataset", ""},
		{"download datasets/acme/squad --type=datasets", "download acme/squad --type=datasets", ""},
		{"download datasets/acme/squad --repo-type model", "", `ambiguous repo type: "datasets/acme/squad" is a dataset but --type says model`},
		{"download acme/squad --repo-type dataset", "", ""},
		{"download datasets/squad", "", ""}, // the user "datasets"
		{"download hf://datasets/acme/squad", "download acme/squad --type dataset", ""},
		{"download hf://datasets/acme/squad@v1/data/", "download acme/squad data/ --type dataset --revision v1", ""},
		{"download hf://acme/m@refs/pr/1/config.json --local-dir out", "download acme/m config.json --local-dir out --type model --revision refs/pr/1", ""},
		{"download hf://acme/m/a.txt b.txt", "", `names a path ("a.txt") and the command line gives "b.txt" too`},
		{"download hf://acme/m@v1 --revision v2", "", `conflicting revisions: "hf://acme/m@v1" says "v1" but --revision says "v2"`},
		{"download hf://acme/m@v1 --revision v1", "download acme/m --revision v1 --type model", ""},
		{"download hf://acme/m@refs/pr/1 --revision refs", "download acme/m pr/1 --revision refs --type model", ""},
		{"download hf://datasets/acme/d --type space", "", "ambiguous repo type"},
		{"download hf://buckets/acme/b/x", "", "is a bucket"},
		{"download hf://dataset/acme/d", "", `write "datasets/"`},
		{"download --repo-type dataset -- hf://datasets/acme/d", "download --repo-type dataset -- acme/d", ""}, // --type agrees
		{"upload hf://datasets/acme/d@dev/train ./data", "upload acme/d ./data train --type dataset --revision dev", ""},
		{"upload hf://datasets/acme/d/train", "", "needs the arguments before it"},
		{"repo tree hf://datasets/acme/d/sub -R", "repo tree acme/d sub -R --type dataset", ""},
		{"repos tree spaces/acme/demo", "repos tree acme/demo --type space", ""},
		{"repo delete hf://acme/m/x", "", "takes a repository, not a path inside it"},
		{"repo move datasets/acme/a datasets/acme/b", "repo move acme/a acme/b --type dataset", ""},
		{"repo move datasets/acme/a spaces/acme/b", "", "conflicting repo types"},
		{"repo create hf://acme/m@dev", "", "takes no revision"},
		{"datasets info hf://datasets/acme/squad@v1", "datasets info acme/squad --revision v1", ""},
		{"datasets info datasets/acme/squad", "datasets info acme/squad", ""},
		{"datasets info hf://acme/m", "", "is about datasets, and \"hf://acme/m\" is a model: use `hf models` instead"},
		{"models info spaces/acme/demo", "", "use `hf spaces` instead"},
		{"models ls hf://acme/m -R", "models ls acme/m -R", ""},
		{"datasets configs hf://datasets/acme/squad", "datasets configs acme/squad", ""},
		{"cache ls datasets/acme/squad", "", ""}, // not a repo-id command
		{"auth whoami", "", ""},
		{"--endpoint http://x download datasets/acme/squad", "--endpoint http://x download acme/squad --type dataset", ""},
	}
	for _, tt := range tests {
		io, _, _, _ := cmdutil.Test()
		started := false
		cmd := NewCmd(cmdutil.NewFactory(io), &started)
		args := strings.Fields(tt.in)
		got, err := cmdutil.RewriteRepoArgs(cmd, args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.in, err, tt.wantErr)
			}
			if _, ok := errors.AsType[*cmdutil.FlagError](err); err != nil && !ok {
				t.Errorf("%s: %v is not a usage error", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		want := args
		if tt.want != "" {
			want = strings.Fields(tt.want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.in, got, want)
		}
	}
}

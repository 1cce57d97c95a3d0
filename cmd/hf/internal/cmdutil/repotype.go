package cmdutil

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub"
)

// RepoTypeFlag adds --type (model, dataset or space; default model), also
// spelled --repo-type as in the Python CLI, to cmd, stored in dst;
// [ParseRepoType] reads it. A command with it also takes the repo ids of
// its Use line's <repo-id> arguments as "datasets/org/name" or hf:// URIs
// ([RewriteRepoArgs]).
func RepoTypeFlag(cmd *cobra.Command, dst *string) {
	fl := cmd.Flags()
	fl.StringVar(dst, "type", "model", "repository `type`: model, dataset or space (also --repo-type)")
	AliasRepoType(fl)
}

// AliasRepoType makes --repo-type another name of the --type flag of fl,
// as the Python CLI spells both.
func AliasRepoType(fl *pflag.FlagSet) {
	fl.SetNormalizeFunc(func(f *pflag.FlagSet, name string) pflag.NormalizedName {
		if name == "repo-type" {
			name = "type"
		}
		return pflag.NormalizedName(name)
	})
}

// ParseRepoType reads the value of --type; a bad one is a usage error.
func ParseRepoType(s string) (hfhub.RepoType, error) {
	rt, err := hfhub.ParseRepoType(s)
	if err != nil {
		return rt, FlagErrorf("--type: %w", err)
	}
	return rt, nil
}

package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
)

// RepoTypeFlag adds --repo-type (model, dataset or space; default model)
// to cmd, stored in dst; [ParseRepoType] reads it.
func RepoTypeFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "repo-type", "model", "repository `type`: model, dataset or space")
}

// ParseRepoType reads the value of --repo-type; a bad one is a usage error.
func ParseRepoType(s string) (hfhub.RepoType, error) {
	rt, err := hfhub.ParseRepoType(s)
	if err != nil {
		return rt, FlagErrorf("--repo-type: %w", err)
	}
	return rt, nil
}

// Package repowrite implements the verbs of `hf repo` that change
// repositories: create, delete, move, settings, branch create|delete,
// tag create|list|delete and delete-files. [NewCmds] returns them for the
// `hf repo` group to add.
package repowrite

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmds returns the write verbs of `hf repo`.
func NewCmds(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{
		NewCreateCmd(f, nil),
		NewDeleteCmd(f, nil),
		NewMoveCmd(f, nil),
		NewSettingsCmd(f, nil),
		NewBranchCmd(f),
		NewTagCmd(f),
		NewDeleteFilesCmd(f, nil),
	}
}

// repoTypeFlag adds --repo-type and returns a parser for its value.
func repoTypeFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "repo-type", "model", "repository `type`: model, dataset or space")
}

func parseType(s string) (hfhub.RepoType, error) {
	rt, err := hfhub.ParseRepoType(s)
	if err != nil {
		return rt, cmdutil.FlagErrorf("--repo-type: %v", err)
	}
	return rt, nil
}

// done prints a one-line result: JSON {"status", ...} with --format json,
// else the line on stdout.
func done(p *cmdutil.Printer, line string, data map[string]any) error {
	if p.IsJSON() {
		return p.JSON(data)
	}
	p.Line("%s", line)
	return nil
}

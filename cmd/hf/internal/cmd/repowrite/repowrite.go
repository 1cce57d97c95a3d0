// Package repowrite implements the verbs of `hf repo` that change
// repositories: create, delete, move, duplicate, settings, branch
// create|delete, tag create|list|delete and delete-files. [NewCmds] returns them for the
// `hf repo` group to add.
package repowrite

import (
	"github.com/spf13/cobra"

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
		NewDuplicateCmd(f, nil),
	}
}

// done prints a one-line result: JSON {"status", ...} with --format json,
// else the line on stdout.
func done(p *cmdutil.Printer, line string, data map[string]any) error {
	return p.Result(line, data)
}

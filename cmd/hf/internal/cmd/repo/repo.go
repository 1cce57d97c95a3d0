// Package repo implements the `hf repos` group (alias `hf repo`) and the
// `hf repo-files` group the Python CLI keeps for `hf repo-files delete`.
// This file wires the verbs; each verb has its own file.
package repo

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repolist"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repowrite"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the `hf repos` group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "repos <command>",
		Aliases: []string{"repo"},
		Short:   "Work with repositories on the Hub",
	}
	cmd.AddCommand(repolist.NewTreeCmd(f, nil), repolist.NewReposListCmd(f, nil))
	cmd.AddCommand(repowrite.NewCmds(f)...)
	return cmd
}

// NewRepoFilesCmd returns `hf repo-files` with its one verb, delete: the
// same as `hf repos delete-files`, under the name older Python CLIs used.
func NewRepoFilesCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "repo-files <command>",
		Short: "Delete files from a repo (the same as `hf repos delete-files`)",
	}
	del := repowrite.NewDeleteFilesCmd(f, nil)
	del.Use = "delete <repo-id> <pattern>..."
	del.Example = "  $ hf repo-files delete acme/model old.bin 'logs/*'"
	cmd.AddCommand(del)
	return cmd
}

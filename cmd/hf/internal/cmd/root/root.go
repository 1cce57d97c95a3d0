// Package root builds the hf command tree and runs it: [Main] is all that
// cmd/hf/main.go calls.
package root

import (
	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/auth"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/buckets"
	cachecmd "github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/cp"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/datasets"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/demo"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/discussions"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/download"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/endpoints"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/env"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/inferencecmd"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/jobs"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/models"
	mountcmd "github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/mount"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/repo"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/serve"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/spaces"
	synccmd "github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/sync"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/upload"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/version"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmd/webhooks"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// NewCmd returns the root command `hf` with every subcommand registered.
// started is set to true when a command's own run begins (after flag and
// argument checks), so Main can tell usage errors from run errors.
func NewCmd(f *cmdutil.Factory, started *bool) *cobra.Command {
	var format string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "hf <command> <subcommand> [flags]",
		Short: "Hugging Face Hub from the command line, in Go",
		Long: `hf works with the Hugging Face Hub and compatible servers: browse models,
datasets and spaces, download into the standard Hugging Face cache (shared with
the Python huggingface_hub client), upload, manage the cache, serve your own Hub.
Commands and flags follow the Python hf CLI; where hf differs, --help says so.

Output is a table on a terminal, tab-separated values in a pipe, and one JSON
document with --format json (or --json). Results go to stdout; progress,
warnings and errors go to stderr.

` + cmdutil.FormatHelp + `

Try it offline: hf demo

` + cmdutil.ErrorsHelp + `

` + cmdutil.ExitCodesHelp,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.ApplyFormatFlags(cmd, f.Globals, format, asJSON); err != nil {
				return err
			}
			*started = true
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: err}
	})
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.Globals.Token, "token", "", "access `token` to use instead of HF_TOKEN or the stored token")
	pf.StringVar(&f.Globals.Endpoint, "endpoint", "", "Hub `URL` to use instead of HF_ENDPOINT (default https://huggingface.co)")
	cmdutil.FormatFlags(pf, &format, &asJSON, f.Globals) // --format, --json, -q/--quiet, --no-truncate

	register(cmd, f)
	cmd.InitDefaultCompletionCmd() // bash, zsh, fish and powershell; listed in docs/cli.md
	rejectUnknownSubcommands(cmd)  // groups.go
	explainArgs(cmd)               // groups.go
	return cmd
}

// register adds every command group. To add a command, create
// cmd/hf/internal/cmd/<noun>/ and add one line here (see cmdutil's package
// documentation).
func register(cmd *cobra.Command, f *cmdutil.Factory) {
	cmd.AddCommand(
		auth.NewCmd(f),
		cachecmd.NewCmd(f),
		datasets.NewCmd(f),
		demo.NewCmd(f, nil),
		discussions.NewCmd(f),
		webhooks.NewCmd(f),
		download.NewCmd(f, nil),
		endpoints.NewCmd(f),
		env.NewCmd(f, nil),
		jobs.NewCmd(f),
		inferencecmd.NewChatCmd(f, nil),
		inferencecmd.NewCmd(f),
		models.NewCmd(f),
		repo.NewCmd(f),
		repo.NewRepoFilesCmd(f),
		serve.NewCmd(f, nil),
		spaces.NewCmd(f),
		upload.NewCmd(f, nil),
		upload.NewLargeFolderCmd(f, nil),
		version.NewCmd(f, nil),
		cp.NewCmd(f, nil),
		synccmd.NewCmd(f, nil),
		mountcmd.NewCmd(f, nil),
		buckets.NewCmd(f),
		mountcmd.NewUnmountCmd(f),
	)
}

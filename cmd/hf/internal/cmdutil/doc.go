// Package cmdutil holds what every hf command shares: the I/O streams and
// terminal detection ([IOStreams]), the global flags and lazily built
// dependencies ([Factory]), output in table or JSON form ([Printer]),
// transfer progress ([Progress]: bars on a terminal, JSON lines with
// --format json, nothing with --quiet or HF_HUB_DISABLE_PROGRESS_BARS), and
// the mapping of errors to exit codes ([ExitCodeOf]).
//
// # Adding a command
//
// Commands are grouped by noun, one folder per noun and one file per verb:
//
//	cmd/hf/internal/cmd/cache/cache.go   package cache: NewCmd wires the verbs
//	cmd/hf/internal/cmd/cache/ls.go      `hf cache ls`
//	cmd/hf/internal/cmd/cache/ls_test.go
//
// A verb file has an Options struct the flags write into, a NewCmd that
// takes the factory and an optional runF (tests pass one to check flag
// parsing without running anything), and a run function that calls the
// library and prints. No Hub logic lives in the CLI.
//
//	// Options is everything `hf cache ls` needs.
//	type Options struct {
//		IO      *cmdutil.IOStreams
//		Printer func() *cmdutil.Printer
//		Client  func() (*hfhub.Client, error)
//		RepoType string
//	}
//
//	func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
//		opts := &Options{IO: f.IO, Printer: f.Printer, Client: f.Client}
//		cmd := &cobra.Command{
//			Use:   "ls [<repo-id>...]",
//			Short: "List repos in the cache",
//			Args:  cobra.ArbitraryArgs,
//			RunE: func(cmd *cobra.Command, args []string) error {
//				if runF != nil {
//					return runF(cmd.Context(), opts)
//				}
//				return run(cmd.Context(), opts)
//			},
//		}
//		cmdutil.RepoTypeFlag(cmd, &opts.RepoType) // read with cmdutil.ParseRepoType
//		return cmd
//	}
//
// Then register the noun's NewCmd in cmd/hf/internal/cmd/root/root.go
// (function register) and run `go test ./cmd/hf/internal/cmd/root -update` to regenerate
// docs/cli.md (a test fails while it is stale).
//
// # Rules for commands
//
//   - Use the Python hf CLI's command and flag names; if hf differs, say so
//     in the command's Long help.
//   - Use cmd.Context(): it is cancelled on Ctrl-C (SIGINT) and SIGTERM.
//   - Results go to stdout through the Printer: Printer.Table for lists
//     (pass the original slice as data, so --format json keeps every field),
//     Printer.Fields for one object, Printer.JSON for a document,
//     Printer.Line for a path or URL. Diagnostics go through Printer.Infof
//     (stderr; silent with --quiet or --format json).
//   - Progress: p := f.Progress(); pass it to the library as its progress
//     observer (see progress_hub.go); call p.Wait() before printing results.
//   - Global flags (--token, --endpoint, --format, --quiet) are on every
//     command; do not redefine them. Use f.Client() to get the library
//     client built from them.
//   - Errors: return them. Bad flags or arguments: return
//     cmdutil.FlagErrorf(...) (exit 2). The library's errors map to exit
//     codes by themselves (not found 3, auth 4, network 5, Ctrl-C 130);
//     for your own failures return cmdutil.Errorf(code, hint, ...).
//     Root prints one line: "Error: <message>. Hint: <hint>", or with
//     --format json one object {"error", "hint", "exit_code", "kind"}
//     ([ErrorReport]).
//   - Sizes for people: [HumanSize] ("3.0M", as the Python CLI), counts
//     with [Plural] ("1 revision"); JSON keeps raw byte counts.
//   - The library's warnings reach stderr through [Factory.Logger], which
//     f.Client() passes to the client; a client built by hand should get it
//     too (hfhub.WithLogger).
//   - Never call os.Exit, never print to os.Stdout/os.Stderr directly.
//
// # Exit codes
//
//	0    success
//	1    any other failure
//	2    usage error: bad flag, argument or combination of flags
//	3    not found: repository, revision, file or cache entry
//	4    authentication: missing or invalid token, gated or forbidden repository
//	5    network or server: endpoint unreachable, 5xx, rate limited, offline mode
//	130  interrupted (Ctrl-C); partial downloads are kept and resume next time
package cmdutil

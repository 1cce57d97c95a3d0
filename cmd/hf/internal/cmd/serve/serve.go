// Package serve implements `hf serve`: a Hub-compatible server over a local
// store.
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/server"
	"github.com/hfhub-go/hfhub/store"
)

// Options is everything `hf serve` needs.
type Options struct {
	IO      *cmdutil.IOStreams
	Printer func() *cmdutil.Printer

	Dir     string
	Addr    string
	Tokens  string
	Imports []string // REF=FOLDER
	Demo    bool     // --demo: the demo repos of `hf demo`

	demoToken bool // --demo accepts DemoToken (no --tokens was given)

	// Mirror holds the mirror and cache-server flags and the operational
	// flags (TLS, log format, shutdown timeout) every mode uses.
	Mirror MirrorFlags
	// Server tunes the server of the store and cache modes.
	Server ServerFlags
}

// NewCmd returns `hf serve`. A non-nil runF runs instead of the command's
// own run function.
func NewCmd(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "serve --dir <store>",
		Short: "Serve repositories over the Hub's HTTP API (hf only)",
		Long: `Serve the repositories of a local store with the Hugging Face Hub's HTTP
API, so hf, the Python huggingface_hub client and the JS @huggingface/hub
client work against it with only the endpoint changed (HF_ENDPOINT=<url>).

--import adds a local folder as the head of a repo's main branch, creating the
repo if needed: ORG/NAME=FOLDER for a model, datasets/ORG/NAME=FOLDER and
spaces/ORG/NAME=FOLDER for the other types (a legacy id without an org, like
gpt2, works too). Importing a folder that already is the head changes
nothing, so restarting with the same flags is harmless.

--tokens names a file with one "TOKEN USERNAME read|write|admin" per line.
Without it the server is anonymous: public repos only, read-only.

--cache-dir serves an existing Hugging Face cache read-only instead of a
store, and --mirror runs a pull-through caching mirror of another Hub (blobs
kept in --store, a folder or an S3 bucket; see docs/mirror.md). Every mode
answers /healthz and /metrics (Prometheus text), logs one JSON line per request
on stderr (--log-format), serves HTTPS with --tls-cert/--tls-key and lets
requests in flight finish on shutdown (--shutdown-timeout).

A store or cache server answers /resolve/ of regular files with the Hub's
307 to /api/resolve-cache/ with --resolve-cache, refuses commit bodies over
--max-commit-size (413) and drops request bodies that send nothing for
--body-idle-timeout (408).

The URL is printed on stdout; requests are logged on stderr (not with
--quiet). SIGINT or SIGTERM stops the server gracefully.`,
		Example: "  $ hf serve --dir ./hub-store --import acme/tiny=./tiny-model\n  $ HF_ENDPOINT=http://127.0.0.1:8080 hf models ls\n  $ hf serve --demo   # the demo repos of hf demo, kept running",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Demo && opts.Mirror.Enabled() {
				return cmdutil.FlagErrorf("--demo serves a store of demo repos: it excludes --mirror and --cache-dir")
			}
			if opts.Dir == "" && !opts.Demo && !opts.Mirror.Enabled() {
				return cmdutil.FlagErrorf("--dir is required: the folder holding the store (created if missing); or serve a cache with --cache-dir, mirror a Hub with --mirror, or try the demo repos with --demo")
			}
			for _, imp := range opts.Imports {
				if ref, folder, ok := strings.Cut(imp, "="); !ok || ref == "" || folder == "" {
					return cmdutil.FlagErrorf("--import %q: want ORG/NAME=FOLDER", imp)
				}
			}
			if err := opts.Server.check(cmd, opts.Mirror.Mirror != ""); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Mirror.Enabled() {
				return RunMirror(cmd.Context(), opts, &opts.Mirror)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", "", "`folder` of the repository store (created if missing)")
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	fl.StringVar(&opts.Tokens, "tokens", "", "`file` of accepted tokens: TOKEN USERNAME read|write|admin per line")
	fl.StringArrayVar(&opts.Imports, "import", nil, "import `REF=FOLDER` as the head of a repo's main branch (repeatable)")
	fl.BoolVar(&opts.Demo, "demo", false, "serve the demo repos of `hf demo` (in --dir, or a temporary store removed at exit); without --tokens, token "+DemoToken+" may write")
	AddMirrorFlags(fl, &opts.Mirror)
	AddServerFlags(fl, &opts.Server)
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	p := opts.Printer()
	if opts.Demo {
		cleanup, err := prepareDemo(opts)
		if err != nil {
			return fmt.Errorf("prepare the demo repos: %w", err)
		}
		defer cleanup()
	}
	st, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	for _, imp := range opts.Imports {
		ref, folder, _ := strings.Cut(imp, "=")
		t, id, err := store.ParseRepoRef(ref)
		if err != nil {
			return cmdutil.FlagErrorf("--import %q: %w", imp, err)
		}
		commit, changed, err := st.ImportFolder(ctx, t, id, folder, store.ImportOptions{Create: &store.CreateOptions{}})
		if err != nil {
			return fmt.Errorf("import %s: %w", imp, err)
		}
		if changed {
			p.Infof("Imported %s into %s %s (commit %s).", folder, t, id, short(commit))
		} else {
			p.Infof("%s %s already holds %s (commit %s).", t, id, folder, short(commit))
		}
	}
	repos := 0
	for _, t := range []store.RepoType{store.Model, store.Dataset, store.Space} {
		repos += len(st.ListRepos(t))
	}
	return serveWith(ctx, opts, &opts.Mirror, func(logger *slog.Logger, tokens server.Tokens, _ *server.Metrics, started *Started) (*built, error) {
		sopts, err := opts.Server.options(tokens)
		if err != nil {
			return nil, err
		}
		xopts, err := opts.Server.xetOptions(filepath.Join(opts.Dir, "xet"))
		if err != nil {
			return nil, err
		}
		started.Mode, started.Dir, started.Repos = "store", opts.Dir, repos
		if opts.Demo {
			started.Mode = "demo"
			if opts.demoToken {
				started.DemoToken = DemoToken
			}
		}
		h := server.New(st, append(sopts, xopts...)...)
		startXetImport(ctx, h, logger)
		return &built{
			handler: h,
			health: func(context.Context) error {
				_, err := os.Stat(opts.Dir)
				return err
			},
			close: func() {},
		}, nil
	})
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

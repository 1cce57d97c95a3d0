// Package serve implements `hf serve`: a Hub-compatible server over a local
// store.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

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
}

// Started is what `hf serve --format json` prints once it listens.
type Started struct {
	URL   string `json:"url"`
	Dir   string `json:"dir"`
	Repos int    `json:"repos"`
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

The URL is printed on stdout; requests are logged on stderr (not with
--quiet). SIGINT or SIGTERM stops the server gracefully.`,
		Example: "  $ hf serve --dir ./hub-store --import acme/tiny=./tiny-model\n  $ HF_ENDPOINT=http://127.0.0.1:8080 hf models ls",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Dir == "" {
				return cmdutil.FlagErrorf("--dir is required: the folder holding the store (created if missing)")
			}
			for _, imp := range opts.Imports {
				if ref, folder, ok := strings.Cut(imp, "="); !ok || ref == "" || folder == "" {
					return cmdutil.FlagErrorf("--import %q: want ORG/NAME=FOLDER", imp)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", "", "`folder` of the repository store (created if missing)")
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	fl.StringVar(&opts.Tokens, "tokens", "", "`file` of accepted tokens: TOKEN USERNAME read|write|admin per line")
	fl.StringArrayVar(&opts.Imports, "import", nil, "import `REF=FOLDER` as the head of a repo's main branch (repeatable)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	p := opts.Printer()
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
	var sopts []server.Option
	if opts.Tokens != "" {
		toks, err := server.LoadTokens(opts.Tokens)
		if err != nil {
			return cmdutil.NewError(cmdutil.ExitUsage, "check the --tokens file", err)
		}
		sopts = append(sopts, server.WithTokens(toks))
	}
	if !p.Quiet {
		sopts = append(sopts, server.WithLogger(slog.New(slog.NewTextHandler(opts.IO.ErrOut, nil))))
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return cmdutil.NewError(cmdutil.ExitNetwork, "choose another --addr", err)
	}
	srv := &http.Server{Handler: server.New(st, sopts...), ReadHeaderTimeout: 30 * time.Second}
	url := "http://" + ln.Addr().String()
	repos := 0
	for _, t := range []store.RepoType{store.Model, store.Dataset, store.Space} {
		repos += len(st.ListRepos(t))
	}
	if p.IsJSON() {
		if err := p.JSON(Started{URL: url, Dir: opts.Dir, Repos: repos}); err != nil {
			return err
		}
	} else {
		p.Line("%s", url)
	}
	p.Infof("Serving %d repos from %s on %s (Ctrl-C to stop). Use it with HF_ENDPOINT=%s", repos, opts.Dir, url, url)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	p.Infof("Shutting down.")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil // stopping on a signal is how a server ends: success
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

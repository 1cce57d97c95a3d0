package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/server"
)

// MirrorFlags are the flags that make `hf serve` share an HF cache
// (--cache-dir) or run a pull-through mirror (--mirror), plus the
// operational flags both use.
type MirrorFlags struct {
	Mirror            string
	CacheDir          string
	Store             string
	UpstreamTokenFile string
	Offline           bool
	Allow, Deny       []string
	MaxSize           string
	MetadataTTL       time.Duration
	Rescan            time.Duration
	TLSCert, TLSKey   string
	LogFormat         string
	ShutdownTimeout   time.Duration

	// Getenv reads HF_MIRROR_UPSTREAM_TOKEN; os.Getenv when nil.
	Getenv func(string) string
}

// AddMirrorFlags registers the mirror and cache-server flags on fl.
func AddMirrorFlags(fl *pflag.FlagSet, mf *MirrorFlags) {
	fl.StringVar(&mf.Mirror, "mirror", "", "run a pull-through mirror of this Hub `URL` (e.g. https://huggingface.co)")
	fl.StringVar(&mf.CacheDir, "cache-dir", "", "share this Hugging Face cache `folder` read-only (e.g. ~/.cache/huggingface/hub)")
	fl.StringVar(&mf.Store, "store", "", "where the mirror keeps blobs: a `folder` or s3://BUCKET/PREFIX?endpoint=HOST:PORT (default: --dir)")
	fl.StringVar(&mf.UpstreamTokenFile, "upstream-token-file", "", "`file` holding the token the mirror sends upstream (default: $HF_MIRROR_UPSTREAM_TOKEN)")
	fl.BoolVar(&mf.Offline, "offline", false, "mirror: serve only what is stored, never contact the upstream")
	fl.StringArrayVar(&mf.Allow, "allow", nil, "mirror: serve only repos matching this `glob` (org/*, datasets/org/**; repeatable)")
	fl.StringArrayVar(&mf.Deny, "deny", nil, "mirror: refuse repos matching this `glob` (repeatable)")
	fl.StringVar(&mf.MaxSize, "max-size", "", "mirror: keep at most this much blob data, evicting the least recently used (e.g. 500G)")
	fl.DurationVar(&mf.MetadataTTL, "metadata-ttl", 30*time.Second, "mirror: reuse upstream metadata answers this long")
	fl.DurationVar(&mf.Rescan, "rescan", time.Minute, "cache server: rescan the cache this often (0: never)")
	fl.StringVar(&mf.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate `file` (with --tls-key)")
	fl.StringVar(&mf.TLSKey, "tls-key", "", "PEM private key `file` of --tls-cert")
	fl.StringVar(&mf.LogFormat, "log-format", "json", "access log format on stderr: json or text")
	fl.DurationVar(&mf.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGINT/SIGTERM, let requests in flight finish this long")
}

// Enabled reports whether --mirror or --cache-dir was given.
func (mf *MirrorFlags) Enabled() bool { return mf.Mirror != "" || mf.CacheDir != "" }

// Started is what `hf serve --format json` prints once it listens.
type Started struct {
	URL      string `json:"url"`
	Mode     string `json:"mode"` // "store", "demo", "mirror" or "cache"
	Dir      string `json:"dir,omitempty"`
	Repos    int    `json:"repos,omitempty"`
	Upstream string `json:"upstream,omitempty"`
	Store    string `json:"store,omitempty"`
	CacheDir string `json:"cache_dir,omitempty"`
	Offline  bool   `json:"offline,omitempty"`
	// DemoToken is the token a --demo server accepts, when it made one.
	DemoToken string `json:"demo_token,omitempty"`
}

// RunMirror serves a mirror (--mirror) or a cache (--cache-dir) until ctx
// ends, with /metrics, /healthz, access logs on stderr and optional TLS.
func RunMirror(ctx context.Context, opts *Options, mf *MirrorFlags) error {
	if mf.Mirror != "" && mf.CacheDir != "" {
		return cmdutil.FlagErrorf("--mirror and --cache-dir exclude each other: run one server per mode")
	}
	if len(opts.Imports) > 0 {
		return cmdutil.FlagErrorf("--import works with a store (--dir), not with --mirror or --cache-dir")
	}
	return serveWith(ctx, opts, mf, func(logger *slog.Logger, tokens server.Tokens, metrics *server.Metrics, started *Started) (*built, error) {
		return buildHandler(ctx, opts, mf, tokens, logger, metrics, started)
	})
}

// serveWith serves the handler that build makes until ctx ends, in any
// mode, with /metrics, /healthz, access logs on stderr, optional TLS and a
// graceful shutdown.
func serveWith(ctx context.Context, opts *Options, mf *MirrorFlags, build func(*slog.Logger, server.Tokens, *server.Metrics, *Started) (*built, error)) error {
	if (mf.TLSCert == "") != (mf.TLSKey == "") {
		return cmdutil.FlagErrorf("--tls-cert and --tls-key go together")
	}
	p := opts.Printer()
	var logger *slog.Logger
	switch {
	case p.Quiet:
	case mf.LogFormat == "text":
		logger = slog.New(slog.NewTextHandler(opts.IO.ErrOut, nil))
	case mf.LogFormat == "json" || mf.LogFormat == "":
		logger = slog.New(slog.NewJSONHandler(opts.IO.ErrOut, nil))
	default:
		return cmdutil.FlagErrorf("--log-format %q: use json or text", mf.LogFormat)
	}
	var tokens server.Tokens
	if opts.Tokens != "" {
		t, err := server.LoadTokens(opts.Tokens)
		if err != nil {
			return cmdutil.NewError(cmdutil.ExitUsage, "check the --tokens file", err)
		}
		tokens = t
	}
	metrics := server.NewMetrics()
	ops := server.OpsOptions{Logger: logger, Metrics: metrics}
	started := Started{}
	hd, err := build(logger, tokens, metrics, &started)
	if err != nil {
		return err
	}
	defer hd.close()
	ops.Health = hd.health
	if err := checkAddr(opts.Addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		if _, dns := errors.AsType[*net.DNSError](err); dns {
			return cmdutil.NewError(cmdutil.ExitUsage, "the host of --addr does not resolve: use an IP address such as 127.0.0.1 or 0.0.0.0, or a known name", err)
		}
		return cmdutil.NewError(cmdutil.ExitError, "choose another --addr (another process may hold the port, or it needs privileges)", err)
	}
	scheme := "http"
	if mf.TLSCert != "" {
		scheme = "https"
	}
	started.URL = scheme + "://" + ln.Addr().String()
	if p.IsJSON() {
		if err := p.JSON(started); err != nil {
			ln.Close()
			return err
		}
	} else {
		p.Line("%s", started.URL)
	}
	p.Infof("Serving %s on %s (/metrics, /healthz; Ctrl-C to stop). Use it with HF_ENDPOINT=%s", describe(started), started.URL, started.URL)
	if started.Mode == "demo" {
		demoNext(p, started.URL, started.DemoToken != "")
	}
	err = server.Serve(ctx, ln, server.Ops(hd.handler, ops), &server.ServeOptions{
		TLSCert: mf.TLSCert, TLSKey: mf.TLSKey, ShutdownTimeout: mf.ShutdownTimeout, Logger: logger,
	})
	if err != nil {
		return cmdutil.NewError(cmdutil.ExitNetwork, "", err)
	}
	p.Infof("Stopped.")
	return nil
}

// built is the handler of one mode and what it needs at the end.
type built struct {
	handler http.Handler
	health  func(context.Context) error
	close   func()
}

func buildHandler(ctx context.Context, opts *Options, mf *MirrorFlags, tokens server.Tokens, logger *slog.Logger, metrics *server.Metrics, started *Started) (*built, error) {
	if mf.CacheDir != "" {
		src, err := server.NewCacheSource(ctx, mf.CacheDir, mf.Rescan)
		if err != nil {
			return nil, cmdutil.NewError(cmdutil.ExitNotFound, "point --cache-dir at a Hugging Face hub cache (HF_HUB_CACHE)", err)
		}
		sopts, err := opts.Server.options(tokens)
		if err != nil {
			return nil, err
		}
		xopts, err := opts.Server.xetOptions(defaultXetDir())
		if err != nil {
			return nil, err
		}
		started.Mode, started.CacheDir = "cache", mf.CacheDir
		var h http.Handler
		if xopts == nil {
			h = server.NewCacheServer(src, sopts...)
		} else { // the same server, with Xet imports started
			xs := server.New(nil, append(append(sopts, xopts...), server.WithSource(src))...)
			startXetImport(ctx, xs, logger)
			h = server.ReadOnly(xs, "this server shares a Hugging Face cache read-only")
		}
		return &built{
			handler: h,
			health: func(context.Context) error {
				_, err := os.Stat(mf.CacheDir)
				return err
			},
			close: func() { src.Close() },
		}, nil
	}
	loc := mf.Store
	if loc == "" {
		loc = opts.Dir
	}
	if loc == "" {
		return nil, cmdutil.FlagErrorf("--mirror needs somewhere to keep blobs: --store FOLDER|s3://BUCKET/PREFIX (or --dir)")
	}
	var max int64
	if mf.MaxSize != "" {
		n, err := cache.ParseSize(mf.MaxSize)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--max-size %q: %v", mf.MaxSize, err)
		}
		max = n
	}
	getenv := mf.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	token := getenv("HF_MIRROR_UPSTREAM_TOKEN")
	if mf.UpstreamTokenFile != "" {
		data, err := os.ReadFile(mf.UpstreamTokenFile)
		if err != nil {
			return nil, cmdutil.NewError(cmdutil.ExitUsage, "check --upstream-token-file", err)
		}
		token = strings.TrimSpace(string(data))
	}
	st, err := objstore.Open(ctx, loc)
	if err != nil {
		return nil, cmdutil.NewError(cmdutil.ExitNetwork, "check the --store location and its credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", err)
	}
	m, err := server.NewMirror(ctx, server.MirrorOptions{
		Upstream: mf.Mirror, UpstreamToken: token, Store: st, MetadataTTL: mf.MetadataTTL,
		Offline: mf.Offline, Allow: mf.Allow, Deny: mf.Deny, MaxBytes: max, Tokens: tokens,
		Logger: logger, Metrics: metrics,
	})
	if err != nil {
		return nil, cmdutil.NewError(cmdutil.ExitUsage, "", err)
	}
	started.Mode, started.Upstream, started.Store, started.Offline = "mirror", mf.Mirror, st.String(), mf.Offline
	return &built{handler: m, health: m.Health, close: func() { m.Close() }}, nil
}

func describe(s Started) string {
	switch s.Mode {
	case "cache":
		return "the cache " + s.CacheDir + " read-only"
	case "store", "demo":
		return fmt.Sprintf("%s from %s", cmdutil.Plural(s.Repos, "repo", "repos"), s.Dir)
	}
	d := "a mirror of " + s.Upstream + " (store " + s.Store + ")"
	if s.Offline {
		d += ", offline"
	}
	return d
}

// checkAddr refuses a --addr that is not HOST:PORT with a port number, as a
// usage error, before anything listens.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return cmdutil.FlagErrorf("--addr %q: %v; use HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free one)", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return cmdutil.FlagErrorf("--addr %q: port %q is not a number from 0 to 65535; use HOST:PORT, e.g. 127.0.0.1:8080", addr, port)
	}
	return nil
}

package hfhub

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
)

// Client talks to one Hub endpoint the way the official Python client does.
// Create it with [New] and share it: it is safe for concurrent use. The zero
// value is not usable.
type Client struct {
	cfg         Config
	endpoint    string   // cfg.Endpoint without trailing slash
	endpointURL *url.URL // parsed endpoint
	hc          *http.Client
	userAgent   string
	logger      *slog.Logger

	maxRetries int
	baseWait   time.Duration
	maxWait    time.Duration
	// sleep waits d or until ctx is done; tests replace it to observe waits.
	sleep func(ctx context.Context, d time.Duration) error

	warned warnOnce
	budget budgetState // cache_budget.go
	xet    xetState    // xet_token.go
}

// Option configures a [Client] in [New]. Options override the environment.
type Option func(*clientOptions) error

type clientOptions struct {
	overrides  map[string]string // env-variable name -> value given by an option
	config     *Config
	getenv     func(string) string
	hc         *http.Client
	libName    string
	libVersion string
	userAgent  []string
	logger     *slog.Logger
	anonymous  bool
	maxRetries *int
	baseWait   time.Duration
	maxWait    time.Duration
}

func (o *clientOptions) set(name, value string) {
	if o.overrides == nil {
		o.overrides = map[string]string{}
	}
	o.overrides[name] = value
}

// WithEndpoint sets the Hub base URL (default https://huggingface.co, or
// HF_ENDPOINT). It may carry a path prefix.
func WithEndpoint(endpoint string) Option {
	return func(o *clientOptions) error {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: endpoint %q is not an http(s) URL", ErrValidation, endpoint)
		}
		o.set("HF_ENDPOINT", endpoint)
		return nil
	}
}

// WithToken sets the token sent as "Authorization: Bearer <token>" to the
// endpoint. It wins over HF_TOKEN and the token file and is sent even when
// HF_HUB_DISABLE_IMPLICIT_TOKEN is set.
func WithToken(token string) Option {
	return func(o *clientOptions) error {
		t := cleanToken(token)
		if t == "" {
			return fmt.Errorf("%w: empty token: use WithAnonymous to send none", ErrValidation)
		}
		o.set("HF_TOKEN", t)
		return nil
	}
}

// WithAnonymous sends no token at all, whatever the environment holds
// (Python's token=False).
func WithAnonymous() Option {
	return func(o *clientOptions) error { o.anonymous = true; return nil }
}

// WithHFHome sets the root of the caches and token files (HF_HOME).
func WithHFHome(dir string) Option {
	return func(o *clientOptions) error { o.set("HF_HOME", dir); return nil }
}

// WithCacheDir sets the hub file cache (HF_HUB_CACHE).
func WithCacheDir(dir string) Option {
	return func(o *clientOptions) error { o.set("HF_HUB_CACHE", dir); return nil }
}

// WithCacheGroupWritable makes the cache shareable by a group (true: folders
// 2775, files 0664, whatever the umask) or follow the umask (false), over
// HF_HUB_CACHE_PERMISSIONS (group or user).
func WithCacheGroupWritable(groupWritable bool) Option {
	return func(o *clientOptions) error {
		v := "user"
		if groupWritable {
			v = "group"
		}
		o.set(cache.EnvPermissions, v)
		return nil
	}
}

// WithCacheBudget sets a size budget for the cache, in bytes, over
// HF_HUB_CACHE_MAX_SIZE: after every [Client.Download] or [Client.Snapshot]
// that adds files to the cache, the least recently used revisions are
// evicted until the cache fits ([cache.Cache.Evict]). The revision just
// downloaded is never evicted, nor files another process has locked; an
// eviction problem is logged, never returned. 0 means no budget.
func WithCacheBudget(maxBytes int64) Option {
	return func(o *clientOptions) error {
		if maxBytes < 0 {
			return fmt.Errorf("%w: negative cache budget %d: use 0 for none", ErrValidation, maxBytes)
		}
		o.set(cache.EnvMaxSize, strconv.FormatInt(maxBytes, 10))
		return nil
	}
}

// WithTokenPath sets the token file (HF_TOKEN_PATH); stored_tokens sits
// beside it unless HF_STORED_TOKENS_PATH says otherwise.
func WithTokenPath(path string) Option {
	return func(o *clientOptions) error { o.set("HF_TOKEN_PATH", path); return nil }
}

// WithOffline forbids (true) or allows (false) network requests, overriding
// HF_HUB_OFFLINE. Requests then fail with [ErrOffline].
func WithOffline(offline bool) Option {
	return func(o *clientOptions) error {
		o.set("HF_HUB_OFFLINE", fmt.Sprint(offline))
		o.set("TRANSFORMERS_OFFLINE", fmt.Sprint(offline))
		return nil
	}
}

// WithHTTPClient makes the client send requests through a copy of hc (its
// Transport, Jar and Timeout are kept; its CheckRedirect is replaced by one
// that never forwards Authorization to another origin). Do not set a
// Timeout on hc if you download large files: it bounds the whole body.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *clientOptions) error {
		if hc == nil {
			return fmt.Errorf("%w: nil *http.Client", ErrValidation)
		}
		o.hc = hc
		return nil
	}
}

// WithUserAgent names the library or program using hfhub; it leads the
// User-Agent header as "<libName>/<libVersion>".
func WithUserAgent(libName, libVersion string) Option {
	return func(o *clientOptions) error {
		o.libName, o.libVersion = libName, libVersion
		return nil
	}
}

// WithUserAgentExtra appends "; <segment>" parts (like "file_type/config")
// to the User-Agent.
func WithUserAgentExtra(segments ...string) Option {
	return func(o *clientOptions) error { o.userAgent = append(o.userAgent, segments...); return nil }
}

// WithConfig uses cfg instead of the environment. Later options still
// override its fields. Empty Endpoint or CacheDir fields are filled with
// defaults.
func WithConfig(cfg Config) Option {
	return func(o *clientOptions) error { c := cfg; o.config = &c; return nil }
}

// WithEnv resolves the configuration from getenv instead of os.Getenv
// (handy in tests and for programs that keep settings elsewhere).
func WithEnv(getenv func(string) string) Option {
	return func(o *clientOptions) error { o.getenv = getenv; return nil }
}

// WithLogger sends the client's debug messages and the Hub's X-HF-Warning
// messages to l. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *clientOptions) error { o.logger = l; return nil }
}

// WithRetries sets the number of retries of idempotent requests after a
// 408, 429, 5xx or network error (default 5), and the exponential back-off
// bounds (default 1 s doubling up to 8 s; zero keeps the default). A
// Retry-After or RateLimit header still decides the wait when present.
func WithRetries(maxRetries int, baseWait, maxWait time.Duration) Option {
	return func(o *clientOptions) error {
		if maxRetries < 0 {
			return fmt.Errorf("%w: negative retry count %d", ErrValidation, maxRetries)
		}
		o.maxRetries, o.baseWait, o.maxWait = &maxRetries, baseWait, maxWait
		return nil
	}
}

// New returns a Client. Configuration is resolved once, here: explicit
// options, then the environment (HF_ENDPOINT, HF_HOME, HF_HUB_CACHE,
// HF_TOKEN, ... as in the Python client), then defaults. New does no I/O;
// the token file is read when a request needs it.
func New(opts ...Option) (*Client, error) {
	var o clientOptions
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("hfhub.New: %w", err)
		}
	}
	var cfg Config
	var err error
	if o.config != nil {
		cfg = fillConfig(*o.config, o.overrides)
	} else {
		getenv := o.getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		cfg, err = resolveConfig(func(name string) (string, string) {
			if v, ok := o.overrides[name]; ok && v != "" {
				return v, "option"
			}
			if v := getenv(name); v != "" {
				return v, "env " + name
			}
			return "", ""
		})
		if err != nil {
			return nil, fmt.Errorf("hfhub.New: %w", err)
		}
	}
	if cfg.CacheMaxSize < 0 {
		return nil, fmt.Errorf("hfhub.New: %w: negative CacheMaxSize %d: use 0 for no budget", ErrValidation, cfg.CacheMaxSize)
	}
	if o.anonymous {
		cfg.Anonymous = true
		cfg.sources["Anonymous"] = "option"
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("hfhub.New: %w: endpoint %q is not an http(s) URL", ErrValidation, cfg.Endpoint)
	}
	c := &Client{
		cfg:         cfg,
		endpoint:    strings.TrimRight(cfg.Endpoint, "/"),
		endpointURL: u,
		logger:      o.logger,
		maxRetries:  5,
		baseWait:    time.Second,
		maxWait:     8 * time.Second,
		sleep:       sleepCtx,
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if o.maxRetries != nil {
		c.maxRetries = *o.maxRetries
	}
	if o.baseWait > 0 {
		c.baseWait = o.baseWait
	}
	if o.maxWait > 0 {
		c.maxWait = o.maxWait
	}
	c.userAgent = buildUserAgent(o.libName, o.libVersion, o.userAgent, cfg.UserAgentOrigin)
	c.hc = c.newHTTPClient(o.hc)
	return c, nil
}

// fillConfig completes a Config given with WithConfig: an option given to
// New wins, then the Config's own non-zero value, then the default. The
// environment is not read.
func fillConfig(cfg Config, overrides map[string]string) Config {
	def, _ := resolveConfig(func(name string) (string, string) {
		if v := overrides[name]; v != "" {
			return v, "option"
		}
		return "", ""
	})
	src := map[string]string{}
	str := func(field, env string, dst *string, d string) {
		switch {
		case overrides[env] != "":
			*dst, src[field] = d, "option"
		case *dst != "":
			src[field] = "WithConfig"
		default:
			*dst, src[field] = d, def.sources[field]
		}
	}
	str("Endpoint", "HF_ENDPOINT", &cfg.Endpoint, def.Endpoint)
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	str("HFHome", "HF_HOME", &cfg.HFHome, def.HFHome)
	if src["HFHome"] != "default" { // paths below follow a given HF_HOME
		def, _ = resolveConfig(func(name string) (string, string) {
			if v := overrides[name]; v != "" {
				return v, "option"
			}
			if name == "HF_HOME" {
				return cfg.HFHome, "WithConfig"
			}
			return "", ""
		})
	}
	str("CacheDir", "HF_HUB_CACHE", &cfg.CacheDir, def.CacheDir)
	str("AssetsCacheDir", "", &cfg.AssetsCacheDir, def.AssetsCacheDir)
	str("XetCacheDir", "", &cfg.XetCacheDir, def.XetCacheDir)
	str("TokenPath", "HF_TOKEN_PATH", &cfg.TokenPath, def.TokenPath)
	if overrides["HF_TOKEN_PATH"] != "" && cfg.StoredTokensPath == "" {
		cfg.StoredTokensPath = def.StoredTokensPath
	}
	str("StoredTokensPath", "", &cfg.StoredTokensPath, filepath.Join(filepath.Dir(cfg.TokenPath), "stored_tokens"))
	str("Token", "HF_TOKEN", &cfg.Token, def.Token)
	cfg.explicitToken = cfg.Token != ""
	if v := overrides["HF_HUB_OFFLINE"]; v != "" {
		cfg.Offline, src["Offline"] = isTrue(v), "option"
	}
	if v := overrides[cache.EnvPermissions]; v != "" {
		cfg.CacheGroupWritable, src["CacheGroupWritable"] = v == "group", "option"
	}
	if v := overrides[cache.EnvMaxSize]; v != "" {
		cfg.CacheMaxSize, _ = strconv.ParseInt(v, 10, 64) // written by WithCacheBudget
		src["CacheMaxSize"] = "option"
	}
	fillXetConfig(&cfg, overrides, src) // download_xet.go
	// endpoints.go
	str("InferenceEndpointsURL", "HF_INFERENCE_ENDPOINTS_ENDPOINT", &cfg.InferenceEndpointsURL, def.InferenceEndpointsURL)
	str("InferenceCatalogURL", "HF_INFERENCE_CATALOG_ENDPOINT", &cfg.InferenceCatalogURL, def.InferenceCatalogURL)
	if cfg.EtagTimeout <= 0 {
		cfg.EtagTimeout = DefaultEtagTimeout
	}
	if cfg.DownloadTimeout <= 0 {
		cfg.DownloadTimeout = DefaultDownloadTimeout
	}
	for _, f := range []string{"Offline", "DisableImplicitToken", "EtagTimeout", "DownloadTimeout", "DisableProgressBars", "DisableSymlinks", "DisableTelemetry", "DisableXet", "UserAgentOrigin", "Debug", "HTTPSProxy", "HTTPProxy", "NoProxy", "Anonymous", "CacheGroupWritable", "CacheMaxSize"} {
		if _, ok := src[f]; !ok {
			src[f] = "WithConfig"
		}
	}
	cfg.sources = src
	return cfg
}

// Config returns the resolved configuration. [Config.Settings] tells where
// each value came from.
func (c *Client) Config() Config {
	cfg := c.cfg
	cfg.sources = make(map[string]string, len(c.cfg.sources))
	for k, v := range c.cfg.sources {
		cfg.sources[k] = v
	}
	return cfg
}

// Endpoint returns the Hub base URL, without trailing slash.
func (c *Client) Endpoint() string { return c.endpoint }

// CacheDir returns the hub file cache directory (HF_HUB_CACHE).
func (c *Client) CacheDir() string { return c.cfg.CacheDir }

// CloseIdleConnections closes the idle keep-alive connections of the
// client's transport (for example before shutting down a test server).
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// UserAgent returns the User-Agent header the client sends.
func (c *Client) UserAgent() string { return c.userAgent }

// buildUserAgent returns "[lib/ver; ]hfhub/<Version>; go/<ver>[; extra...][; origin/<o>]",
// segments trimmed and de-duplicated in order (spec §6.5).
func buildUserAgent(lib, libVer string, extra []string, origin string) string {
	var segs []string
	if lib != "" {
		if libVer == "" {
			libVer = "None"
		}
		segs = append(segs, lib+"/"+libVer)
	}
	segs = append(segs, "hfhub/"+Version, "go/"+strings.TrimPrefix(runtime.Version(), "go"))
	segs = append(segs, extra...)
	if origin != "" {
		segs = append(segs, "origin/"+origin)
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range segs {
		for _, p := range strings.Split(s, ";") {
			p = strings.TrimSpace(p)
			if p != "" && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return strings.Join(out, "; ")
}

// newHTTPClient returns the client used for every request: a copy of the
// caller's or our own, with per-phase timeouts (no total timeout) and a
// redirect policy that never forwards credentials to another origin.
func (c *Client) newHTTPClient(given *http.Client) *http.Client {
	var hc http.Client
	if given != nil {
		hc = *given
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = http.ProxyFromEnvironment
		t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = 10 * time.Second
		t.MaxIdleConnsPerHost = 16
		t.IdleConnTimeout = 90 * time.Second
		t.ExpectContinueTimeout = time.Second
		hc.Transport = t
	}
	hc.CheckRedirect = checkRedirect
	return &hc
}

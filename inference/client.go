package inference

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub"
)

// DefaultRouterURL is the base of the Inference Providers router.
const DefaultRouterURL = "https://router.huggingface.co"

// Client calls models through the Hugging Face router, a provider's own API,
// an OpenAI-compatible server or a dedicated Inference Endpoint (spec §1).
// Create it with [New] and share it: it is safe for concurrent use. The zero
// value is not usable.
type Client struct {
	hc        *http.Client
	hub       *hfhub.Client // endpoint and token settings only
	apiKey    string        // WithToken / WithAPIKey; "" = the hub token
	provider  string        // "auto" or a provider id
	model     string        // client-level model (id or URL)
	baseURL   string        // OpenAI-compatible server or endpoint URL
	routerURL string
	hubURL    string
	billTo    string
	headers   http.Header
	retry     *RetryPolicy
	userAgent string
	logger    *slog.Logger
	pollEvery time.Duration // fal/wavespeed polling interval; 0 = provider default
	idle      time.Duration // SSE idle timeout; 0 = none

	direct map[string]string // provider -> direct base override

	mappings sync.Map // HF model id -> []ProviderMapping
	nonTGI   sync.Map // model -> []string (parameters a non-TGI server refused)
}

// Option configures a [Client] in [New].
type Option func(*options) error

type options struct {
	c      *Client
	getenv func(string) string
	hubOpt []hfhub.Option
	hub    *hfhub.Client
	router string
}

// WithToken sets the key requests send: an HF token (hf_…, routed through
// the router) or a provider's own key (sent only to that provider, directly).
// Without it the Hub token rules apply (HF_TOKEN, then the stored token).
func WithToken(key string) Option {
	return func(o *options) error { o.c.apiKey = strings.TrimSpace(key); return nil }
}

// WithAPIKey is an alias of [WithToken], as api_key is of token in Python.
func WithAPIKey(key string) Option { return WithToken(key) }

// WithProvider selects the provider: "auto" (the default: the router picks
// for chat, the model's first mapped provider otherwise) or a provider id
// such as "together" or "hf-inference". [Providers] lists them.
func WithProvider(provider string) Option {
	return func(o *options) error {
		if provider != "" && provider != "auto" {
			if _, ok := providerTable[provider]; !ok {
				return fmt.Errorf("%w: provider %q is not known: use \"auto\" or one of %s", ErrInvalidInput, provider, strings.Join(Providers(), ", "))
			}
		}
		o.c.provider = provider
		return nil
	}
}

// WithModel sets the model used when a call names none: an HF model id, or
// an http(s) URL (an Inference Endpoint or any TGI/OpenAI-compatible server).
func WithModel(model string) Option {
	return func(o *options) error { o.c.model = model; return nil }
}

// WithBaseURL sends every request to an OpenAI-compatible server or a
// dedicated Inference Endpoint instead of the router: chat goes to
// {base}/v1/chat/completions by the path rule of spec §1.2, other tasks to
// the URL as given. No provider mapping is looked up.
func WithBaseURL(base string) Option {
	return func(o *options) error {
		if err := checkHTTPURL("base URL", base); err != nil {
			return err
		}
		o.c.baseURL = base
		return nil
	}
}

// WithRouterURL sets the router base (default HF_ROUTER_URL, else
// https://router.huggingface.co). Every router URL is derived from it,
// polling URLs included.
func WithRouterURL(router string) Option {
	return func(o *options) error {
		if err := checkHTTPURL("router URL", router); err != nil {
			return err
		}
		o.router = router
		return nil
	}
}

// WithProviderURL replaces a provider's direct base URL (used with the
// provider's own key), e.g. to go through a proxy or to test against a
// fake. For fal-ai it replaces both the sync and the queue base.
func WithProviderURL(provider, base string) Option {
	return func(o *options) error {
		if _, ok := providerTable[provider]; !ok {
			return fmt.Errorf("%w: provider %q is not known", ErrInvalidInput, provider)
		}
		if err := checkHTTPURL("provider URL", base); err != nil {
			return err
		}
		if o.c.direct == nil {
			o.c.direct = map[string]string{}
		}
		o.c.direct[provider] = strings.TrimRight(base, "/")
		return nil
	}
}

// WithHubEndpoint sets the Hub used for provider mappings (default
// HF_ENDPOINT, else https://huggingface.co).
func WithHubEndpoint(endpoint string) Option {
	return func(o *options) error { o.hubOpt = append(o.hubOpt, hfhub.WithEndpoint(endpoint)); return nil }
}

// WithHub takes the Hub endpoint and token settings from an existing
// client instead of the environment.
func WithHub(c *hfhub.Client) Option {
	return func(o *options) error { o.hub = c; return nil }
}

// WithEnv reads settings (HF_ENDPOINT, HF_TOKEN, HF_ROUTER_URL, …) through
// getenv instead of os.Getenv.
func WithEnv(getenv func(string) string) Option {
	return func(o *options) error { o.getenv = getenv; return nil }
}

// WithHTTPClient sends requests through hc. Its Timeout, if any, bounds
// whole streams too; prefer contexts.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error { o.c.hc = hc; return nil }
}

// WithHeader adds a header to every request; it overrides the defaults
// (e.g. "x-use-cache: false" or "x-wait-for-model: true" for hf-inference).
func WithHeader(key, value string) Option {
	return func(o *options) error { o.c.headers.Add(key, value); return nil }
}

// WithBillTo bills requests to an organisation or resource group the user
// belongs to (header X-HF-Bill-To).
func WithBillTo(org string) Option {
	return func(o *options) error { o.c.billTo = org; return nil }
}

// WithRetry enables the opt-in retry policy for 429 and 503 (spec §3.3).
// By default nothing is retried: inference requests are billed.
func WithRetry(p RetryPolicy) Option {
	return func(o *options) error { o.c.retry = &p; return nil }
}

// WithLogger receives warnings (staging providers, bill-to with a provider
// key). The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { o.c.logger = l; return nil }
}

// WithUserAgent sets the User-Agent header (default hfhub-go/inference).
func WithUserAgent(ua string) Option {
	return func(o *options) error { o.c.userAgent = ua; return nil }
}

// WithPollInterval sets how often async jobs (fal queue, wavespeed, zai,
// together video, replicate) are polled; 0 keeps each provider's default.
func WithPollInterval(d time.Duration) Option {
	return func(o *options) error { o.c.pollEvery = d; return nil }
}

// WithStreamIdleTimeout ends a stream with [ErrTimeout] when no byte arrives
// for d (a stalled provider otherwise hangs until the context ends).
func WithStreamIdleTimeout(d time.Duration) Option {
	return func(o *options) error { o.c.idle = d; return nil }
}

// New returns a Client. Settings are resolved here: options, then the
// environment (HF_ENDPOINT, HF_TOKEN or the stored token, HF_ROUTER_URL),
// then defaults. New does no network I/O.
func New(opts ...Option) (*Client, error) {
	o := &options{c: &Client{headers: http.Header{}, provider: "auto"}}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, fmt.Errorf("inference.New: %w", err)
		}
	}
	getenv := o.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	c := o.c
	if o.hub == nil {
		h, err := hfhub.New(append([]hfhub.Option{hfhub.WithEnv(getenv)}, o.hubOpt...)...)
		if err != nil {
			return nil, fmt.Errorf("inference.New: %w", err)
		}
		o.hub = h
	}
	c.hub = o.hub
	c.hubURL = strings.TrimRight(c.hub.Endpoint(), "/")
	c.routerURL = o.router
	if c.routerURL == "" {
		c.routerURL = getenv("HF_ROUTER_URL")
		if c.routerURL != "" {
			if err := checkHTTPURL("HF_ROUTER_URL", c.routerURL); err != nil {
				return nil, fmt.Errorf("inference.New: %w", err)
			}
		}
	}
	if c.routerURL == "" {
		c.routerURL = DefaultRouterURL
	}
	c.routerURL = strings.TrimRight(c.routerURL, "/")
	if c.baseURL != "" && isURL(c.model) {
		return nil, fmt.Errorf("inference.New: %w: give the server either as WithBaseURL or as a URL in WithModel, not both", ErrInvalidInput)
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	hc := *c.hc
	hc.CheckRedirect = dropAuthOnHostChange
	c.hc = &hc
	if c.userAgent == "" {
		c.userAgent = "hfhub-go/inference"
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// RouterURL returns the router base the client derives router URLs from.
func (c *Client) RouterURL() string { return c.routerURL }

// HubEndpoint returns the Hub the client reads provider mappings from.
func (c *Client) HubEndpoint() string { return c.hubURL }

// key returns the key requests send and whether it is an HF token.
func (c *Client) key() (string, bool) {
	if c.apiKey != "" {
		return c.apiKey, strings.HasPrefix(c.apiKey, "hf_")
	}
	t, _ := c.hub.Token()
	return t, true // the Hub token is an HF token; none at all is routed too (the router answers 401)
}

// hubToken is the token for Hub calls (mapping lookups): the key when it is
// an HF token, else the Hub token rules (Python uses the stored token).
func (c *Client) hubToken() string {
	if strings.HasPrefix(c.apiKey, "hf_") {
		return c.apiKey
	}
	t, _ := c.hub.Token()
	return t
}

// dropAuthOnHostChange follows up to 10 redirects and drops credentials
// whenever the host (with port) changes.
func dropAuthOnHostChange(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		req.Header.Del("Authorization")
		req.Header.Del("X-Key")
	}
	return nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func checkHTTPURL(what, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %s %q is not an http(s) URL", ErrInvalidInput, what, s)
	}
	return nil
}

// CloseIdleConnections closes the client's idle keep-alive connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

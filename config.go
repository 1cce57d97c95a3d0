package hfhub

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
)

// Config is the resolved configuration of a [Client]: each value comes from
// an option given to [New], else the environment (the Python client's
// variable names), else a default (spec §8.2). [LoadConfig] builds one from
// an environment; [Client.Config] returns the one a client uses, and
// [Config.Settings] tells where each value came from.
//
// The zero value is not a usable configuration: pass it through LoadConfig
// or set at least Endpoint and CacheDir.
type Config struct {
	Endpoint         string // Hub base URL, no trailing slash (HF_ENDPOINT)
	HFHome           string // root of caches and tokens (HF_HOME)
	CacheDir         string // the hub file cache (HF_HUB_CACHE)
	AssetsCacheDir   string // HF_ASSETS_CACHE
	XetCacheDir      string // HF_XET_CACHE
	TokenPath        string // the active token file (HF_TOKEN_PATH)
	StoredTokensPath string // named tokens, INI (HF_STORED_TOKENS_PATH)
	// CacheGroupWritable creates cache folders 2775 and files 0664 whatever
	// the umask, so the members of a group can share one cache
	// (HF_HUB_CACHE_PERMISSIONS=group; "user", the default, follows the
	// umask). See [cache.Options.GroupWritable].
	CacheGroupWritable bool
	// CacheMaxSize is a size budget for the cache in bytes; 0 means none.
	// When set, every download that adds to the cache is followed by an
	// eviction of the least recently used revisions until the cache fits
	// (HF_HUB_CACHE_MAX_SIZE, e.g. "50G"; see [cache.ParseSize] and
	// [WithCacheBudget]).
	CacheMaxSize int64
	// Token is the token from an option or the environment (HF_TOKEN,
	// HUGGING_FACE_HUB_TOKEN). When empty, requests use the token file at
	// TokenPath, read when needed.
	Token string
	// Anonymous sends no token at all (Python's token=False).
	Anonymous bool
	// Offline forbids every network request (HF_HUB_OFFLINE).
	Offline bool
	// DisableImplicitToken sends no token unless one was given explicitly
	// with WithToken (HF_HUB_DISABLE_IMPLICIT_TOKEN).
	DisableImplicitToken bool
	EtagTimeout          time.Duration // metadata HEAD timeout (HF_HUB_ETAG_TIMEOUT)
	DownloadTimeout      time.Duration // download read timeout (HF_HUB_DOWNLOAD_TIMEOUT)
	// DisableProgressBars is nil when HF_HUB_DISABLE_PROGRESS_BARS is unset
	// (the caller decides), else its value.
	DisableProgressBars *bool
	DisableSymlinks     bool // HF_HUB_DISABLE_SYMLINKS
	DisableTelemetry    bool // HF_HUB_DISABLE_TELEMETRY, DISABLE_TELEMETRY, DO_NOT_TRACK
	DisableXet          bool // HF_HUB_DISABLE_XET
	// XetChunkCacheSize is the size budget of the Xet chunk cache under
	// XetCacheDir (HF_XET_CHUNK_CACHE_SIZE_BYTES, default 10 GiB; 0 turns
	// the cache off).
	XetChunkCacheSize int64
	UserAgentOrigin   string // appended to the User-Agent as origin/<v> (HF_HUB_USER_AGENT_ORIGIN)
	Debug             bool   // HF_DEBUG
	// HTTPSProxy, HTTPProxy and NoProxy show the proxy variables; requests
	// use http.ProxyFromEnvironment (or the caller's own http.Client).
	HTTPSProxy, HTTPProxy, NoProxy string

	// InferenceEndpointsURL is the Inference Endpoints API, default
	// https://api.endpoints.huggingface.cloud/v2
	// (HF_INFERENCE_ENDPOINTS_ENDPOINT; Python reads no variable), and
	// InferenceCatalogURL its model catalog, default
	// https://endpoints.huggingface.co/api/catalog
	// (HF_INFERENCE_CATALOG_ENDPOINT). See endpoints.go.
	InferenceEndpointsURL, InferenceCatalogURL string

	sources       map[string]string // field name -> where its value came from
	explicitToken bool
}

// Setting is one configuration value and where it came from, for display
// (`hf env`).
type Setting struct {
	Name   string // the environment variable, e.g. "HF_ENDPOINT"
	Value  string // the value; tokens are masked
	Source string // "option", "env HF_X", "default", "from HF_HOME", "token file" or "not set"
}

// Settings lists the configuration with the source of each value. Tokens
// are shown masked. HF_TOKEN is the token requests would send: the option
// or environment token, else the token file's (source "token file", read
// now), else "(none)" with source "not set".
func (c Config) Settings() []Setting {
	src := func(field string) string {
		if s, ok := c.sources[field]; ok {
			return s
		}
		return "option"
	}
	b := func(v bool) string { return strconv.FormatBool(v) }
	pb := "unset"
	if c.DisableProgressBars != nil {
		pb = b(*c.DisableProgressBars)
	}
	perms := "user"
	if c.CacheGroupWritable {
		perms = "group"
	}
	budget := "0 (no budget)"
	if c.CacheMaxSize > 0 {
		budget = fmt.Sprintf("%d (%s)", c.CacheMaxSize, cache.FormatSize(c.CacheMaxSize))
	}
	tok, tokSrc := "(none)", "not set" // no token anywhere
	if c.Token != "" {
		tok, tokSrc = MaskToken(c.Token), src("Token")
	} else if c.TokenPath != "" {
		if t, _ := readTokenFile(c.TokenPath); t != "" { // an unreadable file sends no token either
			tok, tokSrc = MaskToken(t), "token file"
		}
	}
	return []Setting{
		{"HF_ENDPOINT", c.Endpoint, src("Endpoint")},
		{"HF_HOME", c.HFHome, src("HFHome")},
		{"HF_HUB_CACHE", c.CacheDir, src("CacheDir")},
		{cache.EnvPermissions, perms, src("CacheGroupWritable")},
		{cache.EnvMaxSize, budget, src("CacheMaxSize")},
		{"HF_ASSETS_CACHE", c.AssetsCacheDir, src("AssetsCacheDir")},
		{"HF_XET_CACHE", c.XetCacheDir, src("XetCacheDir")},
		{"HF_TOKEN_PATH", c.TokenPath, src("TokenPath")},
		{"HF_STORED_TOKENS_PATH", c.StoredTokensPath, src("StoredTokensPath")},
		{"HF_TOKEN", tok, tokSrc},
		{"HF_HUB_OFFLINE", b(c.Offline), src("Offline")},
		{"HF_HUB_DISABLE_IMPLICIT_TOKEN", b(c.DisableImplicitToken), src("DisableImplicitToken")},
		{"HF_HUB_ETAG_TIMEOUT", strconv.Itoa(int(c.EtagTimeout / time.Second)), src("EtagTimeout")},
		{"HF_HUB_DOWNLOAD_TIMEOUT", strconv.Itoa(int(c.DownloadTimeout / time.Second)), src("DownloadTimeout")},
		{"HF_HUB_DISABLE_PROGRESS_BARS", pb, src("DisableProgressBars")},
		{"HF_HUB_DISABLE_SYMLINKS", b(c.DisableSymlinks), src("DisableSymlinks")},
		{"HF_HUB_DISABLE_TELEMETRY", b(c.DisableTelemetry), src("DisableTelemetry")},
		{"HF_HUB_DISABLE_XET", b(c.DisableXet), src("DisableXet")},
		{EnvXetChunkCacheSize, xetCacheSetting(c.XetChunkCacheSize), src("XetChunkCacheSize")},
		{"HF_HUB_USER_AGENT_ORIGIN", c.UserAgentOrigin, src("UserAgentOrigin")},
		{"HF_DEBUG", b(c.Debug), src("Debug")},
		{"HTTPS_PROXY", c.HTTPSProxy, src("HTTPSProxy")},
		{"HTTP_PROXY", c.HTTPProxy, src("HTTPProxy")},
		{"NO_PROXY", c.NoProxy, src("NoProxy")},
	}
}

// Source returns where the value of a Config field (by Go field name, e.g.
// "CacheDir") came from: "option", "env NAME", "default" or "from NAME".
func (c Config) Source(field string) string {
	if s, ok := c.sources[field]; ok {
		return s
	}
	return "option"
}

// MaskToken shows only the start and end of a token ("hf_ab…yz"), for
// display. Short tokens are fully masked.
func MaskToken(t string) string {
	if len(t) < 12 {
		return strings.Repeat("*", len(t))
	}
	return t[:5] + "…" + t[len(t)-4:]
}

// LoadConfig resolves the configuration from an environment lookup function
// (os.Getenv in [New]); it reads nothing else and never fails on a missing
// variable. An unparsable number or an endpoint that is not an http(s) URL
// is an error naming the variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	return resolveConfig(func(name string) (string, string) {
		if v := getenv(name); v != "" {
			return v, "env " + name
		}
		return "", ""
	})
}

// isTrue parses a boolean the Python way: true iff upper-cased it is one of
// 1, ON, YES, TRUE.
func isTrue(v string) bool {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "1", "ON", "YES", "TRUE":
		return true
	}
	return false
}

// expandUser replaces a leading "~" by the home directory.
func expandUser(p, home string) string {
	if home != "" && (p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, "~"+string(filepath.Separator))) {
		return filepath.Join(home, p[1:])
	}
	return p
}

// resolveConfig resolves every value through get, which returns a variable's
// value and its source ("option" or "env NAME"), or "" when unset.
func resolveConfig(get func(name string) (value, source string)) (Config, error) {
	c := Config{sources: map[string]string{}}
	set := func(field, src string) { c.sources[field] = src }
	first := func(names ...string) (string, string) {
		for _, n := range names {
			if v, s := get(n); v != "" {
				return v, s
			}
		}
		return "", ""
	}
	home, _ := get("HOME")
	if home == "" {
		home, _ = os.UserHomeDir() // best effort: only used for defaults
	}
	staging := false
	if v, _ := get("HUGGINGFACE_CO_STAGING"); isTrue(v) {
		staging = true
	}

	// Endpoint.
	if v, s := get("HF_ENDPOINT"); v != "" {
		c.Endpoint, c.sources["Endpoint"] = strings.TrimRight(v, "/"), s
	} else if staging {
		c.Endpoint = StagingEndpoint
		set("Endpoint", "from HUGGINGFACE_CO_STAGING")
	} else {
		c.Endpoint = DefaultEndpoint
		set("Endpoint", "default")
	}
	if !strings.HasPrefix(c.Endpoint, "http://") && !strings.HasPrefix(c.Endpoint, "https://") {
		return c, fmt.Errorf("%w: HF_ENDPOINT %q is not an http(s) URL: set it like https://huggingface.co", ErrValidation, c.Endpoint)
	}

	// Directories.
	if v, s := get("HF_HOME"); v != "" {
		c.HFHome, c.sources["HFHome"] = expandUser(v, home), s
	} else if x, _ := get("XDG_CACHE_HOME"); x != "" {
		c.HFHome = filepath.Join(expandUser(x, home), "huggingface")
		set("HFHome", "from XDG_CACHE_HOME")
	} else {
		c.HFHome = filepath.Join(home, ".cache", "huggingface")
		set("HFHome", "default")
	}
	derived := func(field string, dst *string, def string, names ...string) {
		if v, s := first(names...); v != "" {
			*dst, c.sources[field] = expandUser(v, home), s
			return
		}
		*dst = def
		set(field, "from HF_HOME")
	}
	stagingHome := filepath.Join(home, ".cache", "huggingface_staging")
	cacheDef, tokenDef := filepath.Join(c.HFHome, "hub"), filepath.Join(c.HFHome, "token")
	if staging {
		cacheDef, tokenDef = filepath.Join(stagingHome, "hub"), filepath.Join(stagingHome, "token")
	}
	derived("CacheDir", &c.CacheDir, cacheDef, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE")
	derived("AssetsCacheDir", &c.AssetsCacheDir, filepath.Join(c.HFHome, "assets"), "HF_ASSETS_CACHE", "HUGGINGFACE_ASSETS_CACHE")
	derived("XetCacheDir", &c.XetCacheDir, filepath.Join(c.HFHome, "xet"), "HF_XET_CACHE")
	derived("TokenPath", &c.TokenPath, tokenDef, "HF_TOKEN_PATH")
	if v, s := get("HF_STORED_TOKENS_PATH"); v != "" {
		c.StoredTokensPath, c.sources["StoredTokensPath"] = expandUser(v, home), s
	} else {
		c.StoredTokensPath = filepath.Join(filepath.Dir(c.TokenPath), "stored_tokens")
		set("StoredTokensPath", "from HF_TOKEN_PATH")
	}

	// Token: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN; empty values fall through.
	set("Token", "token file")
	for _, n := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v, s := get(n); cleanToken(v) != "" {
			c.Token, c.sources["Token"] = cleanToken(v), s
			c.explicitToken = s == "option"
			break
		}
	}

	boolVar := func(field string, dst *bool, names ...string) {
		set(field, "default")
		for _, n := range names {
			if v, s := get(n); v != "" {
				*dst, c.sources[field] = isTrue(v), s
				if *dst {
					return
				}
			}
		}
	}
	boolVar("Offline", &c.Offline, "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
	boolVar("DisableImplicitToken", &c.DisableImplicitToken, "HF_HUB_DISABLE_IMPLICIT_TOKEN")
	boolVar("DisableSymlinks", &c.DisableSymlinks, "HF_HUB_DISABLE_SYMLINKS")
	boolVar("DisableTelemetry", &c.DisableTelemetry, "HF_HUB_DISABLE_TELEMETRY", "DISABLE_TELEMETRY", "DO_NOT_TRACK")
	boolVar("DisableXet", &c.DisableXet, "HF_HUB_DISABLE_XET")
	boolVar("Debug", &c.Debug, "HF_DEBUG")
	set("Anonymous", "default") // only WithAnonymous sets it; Python has no such variable
	set("DisableProgressBars", "default")
	if v, s := get("HF_HUB_DISABLE_PROGRESS_BARS"); v != "" {
		b := isTrue(v)
		c.DisableProgressBars, c.sources["DisableProgressBars"] = &b, s
	}

	secs := func(field string, dst *time.Duration, def time.Duration, name string) error {
		*dst = def
		set(field, "default")
		v, s := get(name)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return fmt.Errorf("%w: %s=%q is not a whole number of seconds", ErrValidation, name, v)
		}
		if n > 0 { // 0 means "use the default", as in Python
			*dst, c.sources[field] = time.Duration(n)*time.Second, s
		}
		return nil
	}
	if err := secs("EtagTimeout", &c.EtagTimeout, DefaultEtagTimeout, "HF_HUB_ETAG_TIMEOUT"); err != nil {
		return c, err
	}
	if err := secs("DownloadTimeout", &c.DownloadTimeout, DefaultDownloadTimeout, "HF_HUB_DOWNLOAD_TIMEOUT"); err != nil {
		return c, err
	}

	if err := c.resolveCacheSettings(get); err != nil {
		return c, err
	}

	str := func(field string, dst *string, names ...string) {
		set(field, "default")
		if v, s := first(names...); v != "" {
			*dst, c.sources[field] = v, s
		}
	}
	str("UserAgentOrigin", &c.UserAgentOrigin, "HF_HUB_USER_AGENT_ORIGIN")
	c.InferenceEndpointsURL, c.InferenceCatalogURL = DefaultInferenceEndpointsURL, DefaultInferenceCatalogURL // endpoints.go
	str("InferenceEndpointsURL", &c.InferenceEndpointsURL, "HF_INFERENCE_ENDPOINTS_ENDPOINT")
	str("InferenceCatalogURL", &c.InferenceCatalogURL, "HF_INFERENCE_CATALOG_ENDPOINT")
	str("HTTPSProxy", &c.HTTPSProxy, "HTTPS_PROXY", "https_proxy")
	str("HTTPProxy", &c.HTTPProxy, "HTTP_PROXY", "http_proxy")
	str("NoProxy", &c.NoProxy, "NO_PROXY", "no_proxy")
	return c, nil
}

// cleanToken removes CR and LF and surrounding whitespace (spec §6.1).
func cleanToken(t string) string {
	t = strings.ReplaceAll(t, "\r", "")
	t = strings.ReplaceAll(t, "\n", "")
	return strings.TrimSpace(t)
}

// resolveCacheSettings reads HF_HUB_CACHE_PERMISSIONS (user|group) and
// HF_HUB_CACHE_MAX_SIZE (a size such as "50G", or a byte count).
func (c *Config) resolveCacheSettings(get func(name string) (value, source string)) error {
	c.sources["CacheGroupWritable"] = "default"
	if v, s := get(cache.EnvPermissions); v != "" {
		g, err := cache.ParsePermissions(v)
		if err != nil {
			return fmt.Errorf("%w: %s=%q: set it to user (the default) or group", ErrValidation, cache.EnvPermissions, v)
		}
		c.CacheGroupWritable, c.sources["CacheGroupWritable"] = g, s
	}
	c.sources["CacheMaxSize"] = "default"
	if v, s := get(cache.EnvMaxSize); v != "" {
		n, err := cache.ParseSize(v)
		if err != nil {
			return fmt.Errorf("%w: %s=%q: want a size such as 50G, 800M or 10GiB (0 for no budget)", ErrValidation, cache.EnvMaxSize, v)
		}
		c.CacheMaxSize, c.sources["CacheMaxSize"] = n, s
	}
	return c.xetSettings(get) // xet_chunkcache.go
}

package hfhub

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(envMap(map[string]string{"HOME": "/home/u"}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"Endpoint", cfg.Endpoint, "https://huggingface.co"},
		{"HFHome", cfg.HFHome, "/home/u/.cache/huggingface"},
		{"CacheDir", cfg.CacheDir, "/home/u/.cache/huggingface/hub"},
		{"AssetsCacheDir", cfg.AssetsCacheDir, "/home/u/.cache/huggingface/assets"},
		{"XetCacheDir", cfg.XetCacheDir, "/home/u/.cache/huggingface/xet"},
		{"TokenPath", cfg.TokenPath, "/home/u/.cache/huggingface/token"},
		{"StoredTokensPath", cfg.StoredTokensPath, "/home/u/.cache/huggingface/stored_tokens"},
		{"Token", cfg.Token, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if cfg.EtagTimeout != 10*time.Second || cfg.DownloadTimeout != 10*time.Second || cfg.Offline || cfg.DisableProgressBars != nil {
		t.Errorf("cfg = %+v", cfg)
	}
	if s := cfg.Source("Endpoint"); s != "default" {
		t.Errorf("Source(Endpoint) = %q", s)
	}
	if s := cfg.Source("CacheDir"); s != "from HF_HOME" {
		t.Errorf("Source(CacheDir) = %q", s)
	}
}

func TestLoadConfigEnvironment(t *testing.T) {
	cfg, err := LoadConfig(envMap(map[string]string{
		"HOME":                          "/home/u",
		"HF_ENDPOINT":                   "http://127.0.0.1:9/",
		"XDG_CACHE_HOME":                "/xdg",
		"HUGGINGFACE_HUB_CACHE":         "/legacy-cache",
		"HF_TOKEN":                      " \r\n",
		"HUGGING_FACE_HUB_TOKEN":        "hf_legacy\n",
		"HF_TOKEN_PATH":                 "~/tok",
		"HF_HUB_OFFLINE":                "yes",
		"HF_HUB_DISABLE_IMPLICIT_TOKEN": "On",
		"HF_HUB_ETAG_TIMEOUT":           "0",
		"HF_HUB_DOWNLOAD_TIMEOUT":       "42",
		"HF_HUB_DISABLE_PROGRESS_BARS":  "false",
		"HF_HUB_USER_AGENT_ORIGIN":      "ci",
		"DO_NOT_TRACK":                  "1",
		"NO_PROXY":                      "localhost",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != "http://127.0.0.1:9" {
		t.Errorf("Endpoint = %q", cfg.Endpoint)
	}
	if cfg.HFHome != "/xdg/huggingface" || cfg.CacheDir != "/legacy-cache" {
		t.Errorf("HFHome %q CacheDir %q", cfg.HFHome, cfg.CacheDir)
	}
	if cfg.TokenPath != filepath.Join("/home/u", "tok") || cfg.StoredTokensPath != filepath.Join("/home/u", "stored_tokens") {
		t.Errorf("TokenPath %q StoredTokensPath %q", cfg.TokenPath, cfg.StoredTokensPath)
	}
	if cfg.Token != "hf_legacy" || cfg.Source("Token") != "env HUGGING_FACE_HUB_TOKEN" {
		t.Errorf("Token %q from %q: an empty HF_TOKEN must fall through", cfg.Token, cfg.Source("Token"))
	}
	if !cfg.Offline || !cfg.DisableImplicitToken || !cfg.DisableTelemetry {
		t.Errorf("booleans: %+v", cfg)
	}
	if cfg.EtagTimeout != DefaultEtagTimeout || cfg.DownloadTimeout != 42*time.Second {
		t.Errorf("timeouts %v %v", cfg.EtagTimeout, cfg.DownloadTimeout)
	}
	if cfg.DisableProgressBars == nil || *cfg.DisableProgressBars {
		t.Errorf("DisableProgressBars = %v", cfg.DisableProgressBars)
	}
	if cfg.UserAgentOrigin != "ci" || cfg.NoProxy != "localhost" {
		t.Errorf("origin %q noproxy %q", cfg.UserAgentOrigin, cfg.NoProxy)
	}
	for _, s := range cfg.Settings() {
		if s.Name == "HF_TOKEN" && s.Value == "hf_legacy" {
			t.Errorf("Settings shows the token in clear")
		}
	}
}

func TestLoadConfigPrecedence(t *testing.T) {
	cfg, _ := LoadConfig(envMap(map[string]string{"HOME": "/h", "HF_HOME": "/hf", "HF_HUB_CACHE": "/new", "HUGGINGFACE_HUB_CACHE": "/old", "HF_TOKEN": "a", "HUGGING_FACE_HUB_TOKEN": "b"}))
	if cfg.CacheDir != "/new" || cfg.Token != "a" || cfg.TokenPath != "/hf/token" {
		t.Errorf("CacheDir %q Token %q TokenPath %q", cfg.CacheDir, cfg.Token, cfg.TokenPath)
	}
	cfg, _ = LoadConfig(envMap(map[string]string{"HOME": "/h", "HUGGINGFACE_CO_STAGING": "1"}))
	if cfg.Endpoint != StagingEndpoint || cfg.CacheDir != "/h/.cache/huggingface_staging/hub" || cfg.TokenPath != "/h/.cache/huggingface_staging/token" {
		t.Errorf("staging: %+v", cfg)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, env := range []map[string]string{
		{"HF_HUB_ETAG_TIMEOUT": "ten"},
		{"HF_HUB_DOWNLOAD_TIMEOUT": "-1"},
		{"HF_ENDPOINT": "huggingface.co"},
	} {
		if _, err := LoadConfig(envMap(env)); !errors.Is(err, ErrValidation) {
			t.Errorf("LoadConfig(%v) error = %v, want ErrValidation", env, err)
		}
	}
}

func TestNewOptionsOverrideEnvironment(t *testing.T) {
	env := envMap(map[string]string{"HOME": "/h", "HF_ENDPOINT": "https://env.example", "HF_TOKEN": "hf_env", "HF_HUB_OFFLINE": "1"})
	c, err := New(WithEnv(env), WithEndpoint("http://127.0.0.1:1234/"), WithToken("hf_opt"), WithHFHome("/opt-home"), WithOffline(false))
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.Endpoint != "http://127.0.0.1:1234" || c.Endpoint() != "http://127.0.0.1:1234" {
		t.Errorf("Endpoint = %q", cfg.Endpoint)
	}
	if cfg.Token != "hf_opt" || cfg.Source("Token") != "option" {
		t.Errorf("Token = %q (%s)", cfg.Token, cfg.Source("Token"))
	}
	if cfg.HFHome != "/opt-home" || cfg.CacheDir != "/opt-home/hub" || cfg.TokenPath != "/opt-home/token" {
		t.Errorf("paths derived from the HF_HOME option: %+v", cfg)
	}
	if cfg.Offline {
		t.Errorf("WithOffline(false) must override HF_HUB_OFFLINE=1")
	}
	if cfg.Source("Endpoint") != "option" || cfg.Source("HFHome") != "option" {
		t.Errorf("sources: %v", cfg.sources)
	}

	for _, opt := range []Option{WithEndpoint("ftp://x"), WithToken("  "), WithHTTPClient(nil), WithRetries(-1, 0, 0)} {
		if _, err := New(opt); !errors.Is(err, ErrValidation) {
			t.Errorf("New(bad option) error = %v, want ErrValidation", err)
		}
	}
}

func TestNewWithConfig(t *testing.T) {
	c, err := New(WithConfig(Config{Endpoint: "http://127.0.0.1:5/", CacheDir: "/c"}), WithToken("hf_x"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.Endpoint != "http://127.0.0.1:5" || cfg.CacheDir != "/c" || cfg.Token != "hf_x" || cfg.EtagTimeout != DefaultEtagTimeout || cfg.TokenPath == "" {
		t.Errorf("cfg = %+v", cfg)
	}
	if tok, ok := c.token(); !ok || tok != "hf_x" {
		t.Errorf("token() = %q, %v", tok, ok)
	}
}

func TestUserAgent(t *testing.T) {
	c, err := New(WithEnv(envMap(map[string]string{"HF_HUB_USER_AGENT_ORIGIN": "ci"})), WithUserAgent("myapp", "1.2"), WithUserAgentExtra("file_type/config; myapp/1.2"))
	if err != nil {
		t.Fatal(err)
	}
	want := "myapp/1.2; hfhub/" + Version + "; go/"
	ua := c.UserAgent()
	if len(ua) < len(want) || ua[:len(want)] != want {
		t.Fatalf("UserAgent = %q, want prefix %q", ua, want)
	}
	if ua[len(ua)-len("; file_type/config; origin/ci"):] != "; file_type/config; origin/ci" {
		t.Errorf("UserAgent = %q: want extra segments de-duplicated and origin last", ua)
	}
}

func TestTokenResolution(t *testing.T) {
	dir := t.TempDir()
	tokenPath := filepath.Join(dir, "token")
	if err := writeSecretFile(tokenPath, []byte("hf_file\n")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		opts []Option
		want string // "" = no token sent
	}{
		{"token file", map[string]string{"HF_TOKEN_PATH": tokenPath}, nil, "hf_file"},
		{"HF_TOKEN beats the file", map[string]string{"HF_TOKEN_PATH": tokenPath, "HF_TOKEN": "hf_env"}, nil, "hf_env"},
		{"implicit token disabled", map[string]string{"HF_TOKEN_PATH": tokenPath, "HF_TOKEN": "hf_env", "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}, nil, ""},
		{"explicit token despite disabled implicit", map[string]string{"HF_HUB_DISABLE_IMPLICIT_TOKEN": "1"}, []Option{WithToken("hf_opt")}, "hf_opt"},
		{"anonymous", map[string]string{"HF_TOKEN": "hf_env"}, []Option{WithAnonymous()}, ""},
		{"no token anywhere", map[string]string{"HF_TOKEN_PATH": filepath.Join(dir, "missing")}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(append([]Option{WithEnv(envMap(tt.env))}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := c.token()
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("token() = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestWithConfigHFHomeDerivesPaths(t *testing.T) {
	c, err := New(WithConfig(Config{HFHome: "/hf", Endpoint: "http://127.0.0.1:1"}), WithTokenPath("/tok/token"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.CacheDir != "/hf/hub" || cfg.TokenPath != "/tok/token" || cfg.StoredTokensPath != "/tok/stored_tokens" {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg.Source("HFHome") != "WithConfig" || cfg.Source("TokenPath") != "option" || cfg.Source("CacheDir") != "from HF_HOME" {
		t.Errorf("sources = %v", cfg.sources)
	}
}

// Settings names the token requests would send: env, else the token file,
// else "(none)" from "not set".
func TestSettingsToken(t *testing.T) {
	dir := t.TempDir()
	tokenPath := filepath.Join(dir, "token")
	row := func(env map[string]string) Setting {
		t.Helper()
		cfg, err := LoadConfig(envMap(env))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range cfg.Settings() {
			if s.Name == "HF_TOKEN" {
				return s
			}
		}
		t.Fatal("Settings has no HF_TOKEN row")
		return Setting{}
	}
	if s := row(map[string]string{"HF_TOKEN_PATH": tokenPath}); s.Value != "(none)" || s.Source != "not set" {
		t.Errorf("no token: %+v, want (none) from not set", s)
	}
	if err := writeSecretFile(tokenPath, []byte("hf_filetokenabcdefghij\n")); err != nil {
		t.Fatal(err)
	}
	if s := row(map[string]string{"HF_TOKEN_PATH": tokenPath}); s.Value != MaskToken("hf_filetokenabcdefghij") || s.Source != "token file" {
		t.Errorf("token file: %+v, want the masked file token from token file", s)
	}
	if s := row(map[string]string{"HF_TOKEN_PATH": tokenPath, "HF_TOKEN": "hf_envtokenabcdefghij"}); s.Value != MaskToken("hf_envtokenabcdefghij") || s.Source != "env HF_TOKEN" {
		t.Errorf("env token: %+v, want the masked env token from env HF_TOKEN", s)
	}
}

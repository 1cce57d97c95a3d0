package hfhub

import (
	"errors"
	"testing"
)

func TestConfigCacheSettings(t *testing.T) {
	cfg, err := LoadConfig(envMap(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CacheGroupWritable || cfg.CacheMaxSize != 0 || cfg.Source("CacheGroupWritable") != "default" || cfg.Source("CacheMaxSize") != "default" {
		t.Errorf("defaults: group %v max %d (%s, %s)", cfg.CacheGroupWritable, cfg.CacheMaxSize, cfg.Source("CacheGroupWritable"), cfg.Source("CacheMaxSize"))
	}

	cfg, err = LoadConfig(envMap(map[string]string{"HOME": "/h", "HF_HUB_CACHE_PERMISSIONS": "group", "HF_HUB_CACHE_MAX_SIZE": "1.5G"}))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.CacheGroupWritable || cfg.CacheMaxSize != 1_500_000_000 {
		t.Errorf("env: group %v max %d", cfg.CacheGroupWritable, cfg.CacheMaxSize)
	}
	if cfg.Source("CacheGroupWritable") != "env HF_HUB_CACHE_PERMISSIONS" || cfg.Source("CacheMaxSize") != "env HF_HUB_CACHE_MAX_SIZE" {
		t.Errorf("sources %q %q", cfg.Source("CacheGroupWritable"), cfg.Source("CacheMaxSize"))
	}
	shown := map[string]Setting{}
	for _, s := range cfg.Settings() {
		shown[s.Name] = s
	}
	if s := shown["HF_HUB_CACHE_PERMISSIONS"]; s.Value != "group" || s.Source != "env HF_HUB_CACHE_PERMISSIONS" {
		t.Errorf("Settings HF_HUB_CACHE_PERMISSIONS = %+v", s)
	}
	if s := shown["HF_HUB_CACHE_MAX_SIZE"]; s.Value != "1500000000 (1.5G)" || s.Source != "env HF_HUB_CACHE_MAX_SIZE" {
		t.Errorf("Settings HF_HUB_CACHE_MAX_SIZE = %+v", s)
	}

	// A byte count is taken exactly; "user" is the default mode.
	cfg, err = LoadConfig(envMap(map[string]string{"HF_HUB_CACHE_PERMISSIONS": "user", "HF_HUB_CACHE_MAX_SIZE": "9007199254740993"}))
	if err != nil || cfg.CacheGroupWritable || cfg.CacheMaxSize != 9007199254740993 {
		t.Errorf("user / exact bytes: %v %d %v", cfg.CacheGroupWritable, cfg.CacheMaxSize, err)
	}

	for _, env := range []map[string]string{
		{"HF_HUB_CACHE_PERMISSIONS": "world"},
		{"HF_HUB_CACHE_MAX_SIZE": "lots"},
		{"HF_HUB_CACHE_MAX_SIZE": "-5G"},
	} {
		if _, err := LoadConfig(envMap(env)); !errors.Is(err, ErrValidation) {
			t.Errorf("LoadConfig(%v) error = %v, want ErrValidation", env, err)
		}
	}
}

func TestCacheOptionsOverrideEnvironment(t *testing.T) {
	env := envMap(map[string]string{"HOME": "/h", "HF_HUB_CACHE_PERMISSIONS": "group", "HF_HUB_CACHE_MAX_SIZE": "10G"})
	c, err := New(WithEnv(env), WithCacheGroupWritable(false), WithCacheBudget(1234))
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config()
	if cfg.CacheGroupWritable || cfg.CacheMaxSize != 1234 || cfg.Source("CacheGroupWritable") != "option" || cfg.Source("CacheMaxSize") != "option" {
		t.Errorf("options: group %v max %d (%s, %s)", cfg.CacheGroupWritable, cfg.CacheMaxSize, cfg.Source("CacheGroupWritable"), cfg.Source("CacheMaxSize"))
	}
	// WithCacheBudget(0) switches an environment budget off.
	c, _ = New(WithEnv(env), WithCacheBudget(0))
	if c.Config().CacheMaxSize != 0 || !c.Config().CacheGroupWritable {
		t.Errorf("WithCacheBudget(0): %+v", c.Config())
	}
	// The WithConfig path: the Config's own values, then options.
	c, err = New(WithConfig(Config{Endpoint: "http://127.0.0.1:1", CacheDir: "/c", CacheMaxSize: 99, CacheGroupWritable: true}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg := c.Config(); cfg.CacheMaxSize != 99 || !cfg.CacheGroupWritable || cfg.Source("CacheMaxSize") != "WithConfig" {
		t.Errorf("WithConfig: %+v (%s)", cfg, cfg.Source("CacheMaxSize"))
	}
	c, _ = New(WithConfig(Config{Endpoint: "http://127.0.0.1:1", CacheDir: "/c", CacheMaxSize: 99}), WithCacheBudget(7), WithCacheGroupWritable(true))
	if cfg := c.Config(); cfg.CacheMaxSize != 7 || !cfg.CacheGroupWritable || cfg.Source("CacheGroupWritable") != "option" {
		t.Errorf("WithConfig + options: %+v", cfg)
	}
	for _, opts := range [][]Option{
		{WithCacheBudget(-1)},
		{WithConfig(Config{Endpoint: "http://127.0.0.1:1", CacheDir: "/c", CacheMaxSize: -1})},
	} {
		if _, err := New(opts...); !errors.Is(err, ErrValidation) {
			t.Errorf("negative budget: error = %v, want ErrValidation", err)
		}
	}
}

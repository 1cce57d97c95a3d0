//go:build linux

package main

import (
	"strings"
	"testing"
)

// A library warning logged while progress bars are on the terminal is
// printed once, after the bars' last frame, instead of being torn by them
// or lost.
func TestWarningWithProgressBars(t *testing.T) {
	hub := newCacheHub(t)
	env := hfEnv(t, hub.URL, "HF_HUB_CACHE_MAX_SIZE=1")
	r := runWithTTYStderr(t, env, "download", "acme/one")
	if r.code != 0 {
		t.Fatalf("hf download on a terminal: exit %d\n%s", r.code, r.stderr)
	}
	const warning = "Warning: the cache is still over its budget"
	if n := strings.Count(r.stderr, warning); n != 1 {
		t.Fatalf("stderr on a terminal has the warning %d times, want once:\n%q", n, r.stderr)
	}
	if bar := strings.LastIndex(r.stderr, "model.safetensors"); bar < 0 || bar > strings.Index(r.stderr, warning) {
		t.Errorf("the warning is not after the progress bars:\n%q", r.stderr)
	}
}

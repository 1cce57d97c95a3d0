package cache

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The "missing" errors read plainly ("<what> is not in the cache at <dir>",
// no "file does not exist" tail) and still match their sentinel and
// fs.ErrNotExist.
func TestMissingErrorsArePlain(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	_, verifyRepo := c.Verify(t.Context(), "dataset", "nobody/none", nil)
	_, verifyRev := c.Verify(t.Context(), "model", "gpt2", &VerifyOptions{Revision: "nope"})
	_, pathErr := c.Path("model", "nobody/none", "", "config.json")
	missing := mustOpen(t, filepath.Join(t.TempDir(), "nope"), nil)
	_, scanErr := missing.Scan(t.Context())
	for _, tc := range []struct {
		err      error
		sentinel error
		want     string
	}{
		{verifyRepo, ErrNotCached, "dataset nobody/none is not in the cache at " + fx.dir},
		{verifyRev, ErrNotCached, `revision "nope" of gpt2 is not in the cache at ` + fx.dir},
		{pathErr, ErrNotCached, `"config.json" of nobody/none at revision main is not in the cache at ` + fx.dir},
		{scanErr, ErrCacheNotFound, "there is no cache at " + missing.Dir},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("error = %v, want %q", tc.err, tc.want)
		}
		if !errors.Is(tc.err, tc.sentinel) || !errors.Is(tc.err, fs.ErrNotExist) {
			t.Errorf("%v: errors.Is(%v) = false or errors.Is(fs.ErrNotExist) = false", tc.err, tc.sentinel)
		}
	}
	for _, s := range []error{ErrNotCached, ErrKnownMissing, ErrCacheNotFound} {
		if strings.HasSuffix(s.Error(), fs.ErrNotExist.Error()) || !errors.Is(s, fs.ErrNotExist) {
			t.Errorf("sentinel %q: want plain text that matches fs.ErrNotExist", s)
		}
	}
}

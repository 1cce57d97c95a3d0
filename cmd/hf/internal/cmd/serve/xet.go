package serve

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub/server"
	"github.com/hfhub-go/hfhub/xet/cas"
)

func addXetFlags(fl *pflag.FlagSet, sf *ServerFlags) {
	fl.BoolVar(&sf.Xet, "xet", false, "serve LFS files through Xet as well: X-Xet-Hash on /resolve, read tokens, a CAS with reconstructions and presigned xorb URLs (docs/xet.md)")
	fl.StringVar(&sf.XetDir, "xet-dir", "", "`folder` of the Xet content store (default: <dir>/xet, or the user cache folder with --cache-dir)")
}

// xetOptions opens the Xet content store when --xet is on.
func (sf *ServerFlags) xetOptions(defaultDir string) ([]server.Option, error) {
	if !sf.Xet {
		return nil, nil
	}
	dir := sf.XetDir
	if dir == "" {
		dir = defaultDir
	}
	c, err := cas.Open(dir)
	if err != nil {
		return nil, err
	}
	return []server.Option{server.WithXet(c)}, nil
}

// defaultXetDir is where a cache server keeps its Xet store: never inside
// the cache it serves read-only.
func defaultXetDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "hfhub", "xet-cas")
}

// startXetImport imports every LFS file of the served repos in the
// background, so tree listings carry xetHash soon after start; files asked
// for earlier are imported on first use.
func startXetImport(ctx context.Context, s *server.Server, logger *slog.Logger) {
	if s.XetStore() == nil {
		return
	}
	go func() {
		if err := s.ImportXet(ctx); err != nil && !errors.Is(err, context.Canceled) && logger != nil {
			logger.Warn("xet import", "error", err)
		}
	}()
}

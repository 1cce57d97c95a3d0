package hubtest

import (
	"path/filepath"
	"time"

	"github.com/hfhub-go/hfhub/server"
	"github.com/hfhub-go/hfhub/xet"
	"github.com/hfhub-go/hfhub/xet/cas"
)

// XetConfig tunes the Xet side of a test Hub ([WithXet]). The zero value
// is the server's defaults.
type XetConfig struct {
	// TokenLifetime and URLLifetime shorten the validity of read tokens and
	// presigned xorb URLs, to exercise refreshes.
	TokenLifetime, URLLifetime time.Duration
	// TermLevel answers reconstructions with whole terms at both ends.
	TermLevel bool
	// Compression is how imported chunks are stored (default: best per chunk).
	Compression xet.Compression
}

// WithXet serves LFS files through Xet as well (server.WithXet): /resolve
// carries X-Xet-Hash and the xet-auth Link, tree entries carry xetHash,
// and the content listener serves the CAS and presigned xorb URLs. Seeded
// and committed LFS files are imported before the call returns. Faults
// match CAS paths ("/xet-cas/v2/reconstructions", "/xet-xorb/") like any
// other.
func WithXet(c XetConfig) Option {
	return func(o *options) { o.xet = &c }
}

func (o *options) xetOptions() ([]server.Option, error) {
	if o.xet == nil {
		return nil, nil
	}
	c, err := cas.Open(filepath.Join(o.dir, "xet"), cas.WithCompression(o.xet.Compression))
	if err != nil {
		return nil, err
	}
	return []server.Option{server.WithXet(c), server.WithXetLifetimes(o.xet.TokenLifetime, o.xet.URLLifetime), server.WithXetTermLevel(o.xet.TermLevel)}, nil
}

// XetStore returns the server's Xet content store (nil without WithXet),
// e.g. to read its Stats.
func (s *Server) XetStore() *cas.Store { return s.handler.XetStore() }

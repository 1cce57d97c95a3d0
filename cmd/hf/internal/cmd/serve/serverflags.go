package serve

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/server"
)

// ServerFlags tune the Hub server of the store (--dir) and cache
// (--cache-dir) modes; a mirror answers with the upstream's shapes and
// takes none of them. The zero value is the server's defaults.
type ServerFlags struct {
	ResolveCache    bool          // --resolve-cache: server.WithResolveCache
	MaxCommitSize   string        // --max-commit-size, a size for cache.ParseSize ("": 1 GiB): server.WithMaxCommitBytes
	BodyIdleTimeout time.Duration // --body-idle-timeout (0: 1 minute, negative: never): server.WithBodyIdleTimeout
	Xet             bool          // --xet: server.WithXet (xet.go)
	XetDir          string        // --xet-dir: the Xet content store ("": a default per mode)
	PageSize        int           // --page-size (0: the Hub's page sizes): server.WithPageSize
}

// serverFlagNames are the flags of ServerFlags, for the --mirror check.
var serverFlagNames = []string{"resolve-cache", "max-commit-size", "body-idle-timeout", "xet", "xet-dir", "page-size"}

// AddServerFlags registers the server tuning flags on fl.
func AddServerFlags(fl *pflag.FlagSet, sf *ServerFlags) {
	fl.BoolVar(&sf.ResolveCache, "resolve-cache", false, "answer /resolve/ of regular (non-LFS) files with a 307 to /api/resolve-cache/, as the Hub does since 2026")
	fl.StringVar(&sf.MaxCommitSize, "max-commit-size", "1GiB", "refuse a commit whose request body is over this `size` with 413 (e.g. 64M, 2GiB)")
	addXetFlags(fl, sf)
	fl.DurationVar(&sf.BodyIdleTimeout, "body-idle-timeout", server.DefaultBodyIdleTimeout, "answer 408 and close the connection when a request body sends nothing this long (negative: never)")
	fl.IntVar(&sf.PageSize, "page-size", 0, "answer at most `n` items per page of repo listings, trees and commit histories (0: the Hub's sizes), to test clients' pagination")
}

// check refuses the server flags with --mirror and a size that does not
// parse or is not positive.
func (sf *ServerFlags) check(cmd *cobra.Command, mirror bool) error {
	if mirror {
		for _, name := range serverFlagNames {
			if cmd.Flags().Changed(name) {
				return cmdutil.FlagErrorf("--%s tunes the store (--dir) and cache (--cache-dir) servers; a --mirror answers like its upstream", name)
			}
		}
		return nil
	}
	_, err := sf.options(nil)
	return err
}

// options returns the server.Options of the store and cache modes: tokens
// (when any) and the tuning flags.
func (sf *ServerFlags) options(tokens server.Tokens) ([]server.Option, error) {
	opts := []server.Option{server.WithResolveCache(sf.ResolveCache), server.WithBodyIdleTimeout(sf.BodyIdleTimeout)}
	if sf.MaxCommitSize != "" {
		n, err := cache.ParseSize(sf.MaxCommitSize)
		if err != nil || n <= 0 {
			return nil, cmdutil.FlagErrorf("--max-commit-size %q: want a size above zero, e.g. 64M or 2GiB", sf.MaxCommitSize)
		}
		opts = append(opts, server.WithMaxCommitBytes(n))
	}
	if sf.PageSize < 0 {
		return nil, cmdutil.FlagErrorf("--page-size %d: want 0 (the Hub's page sizes) or more", sf.PageSize)
	}
	if sf.PageSize > 0 {
		opts = append(opts, server.WithPageSize(sf.PageSize))
	}
	if len(tokens) > 0 {
		opts = append(opts, server.WithTokens(tokens))
	}
	return opts, nil
}

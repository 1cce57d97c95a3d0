// Command mirrord runs the pull-through mirror of package server in front of
// an upstream Hub, for bench/mirror.sh: it prints the mirror's URL on stdout
// once it listens and serves until SIGINT or SIGTERM.
//
//	go run ./bench/mirrord -upstream http://127.0.0.1:8080 -store /tmp/mirror
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/server"
)

func main() {
	upstream := flag.String("upstream", "", "base URL of the Hub to mirror")
	storeLoc := flag.String("store", "", "folder or s3://bucket/prefix?endpoint=host:port for blobs")
	addr := flag.String("addr", "127.0.0.1:0", "host:port to listen on")
	flag.Parse()
	if err := run(*upstream, *storeLoc, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "mirrord:", err)
		os.Exit(1)
	}
}

func run(upstream, storeLoc, addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := objstore.Open(ctx, storeLoc)
	if err != nil {
		return err
	}
	m, err := server.NewMirror(ctx, server.MirrorOptions{Upstream: upstream, Store: st})
	if err != nil {
		return err
	}
	defer m.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	return server.Serve(ctx, ln, server.Ops(m, server.OpsOptions{Metrics: m.Metrics(), Health: m.Health}), nil)
}

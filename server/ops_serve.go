package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeOptions configures [Serve].
type ServeOptions struct {
	// TLSCert and TLSKey are PEM files; when both are set the listener
	// speaks HTTPS (HTTP/1.1 and HTTP/2).
	TLSCert, TLSKey string
	// ShutdownTimeout bounds the graceful shutdown once ctx ends: requests
	// in flight (downloads included) may finish within it, then remaining
	// connections are cut. Zero means 30 seconds.
	ShutdownTimeout time.Duration
	// Logger receives server errors (bad TLS handshakes, ...); nil
	// discards them.
	Logger *slog.Logger
}

// Serve answers HTTP requests on ln with h until ctx ends, then shuts down
// gracefully: it stops accepting, waits for requests in flight up to
// ShutdownTimeout, and returns nil. It returns early with an error when the
// listener fails or the TLS files cannot be loaded.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o *ServeOptions) error {
	if o == nil {
		o = &ServeOptions{}
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	if o.Logger != nil {
		hs.ErrorLog = slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn)
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		ln.Close()
		return errors.New("serve: TLS needs both a certificate and a key (--tls-cert and --tls-key)")
	}
	if o.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("serve: load TLS certificate %s and key %s: %w", o.TLSCert, o.TLSKey, err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	}
	errc := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			errc <- hs.ServeTLS(ln, "", "")
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	timeout := o.ShutdownTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
		return fmt.Errorf("serve: graceful shutdown did not finish within %s; remaining connections were closed", timeout)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

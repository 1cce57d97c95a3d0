package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// OpsOptions configures [Ops].
type OpsOptions struct {
	// Logger receives one access-log record per request (use a
	// slog.JSONHandler for structured logs); nil logs nothing.
	Logger *slog.Logger
	// Metrics collects request counts, bytes and durations and is served
	// at /metrics; nil makes a new registry.
	Metrics *Metrics
	// Health reports whether the service can answer; /healthz answers 503
	// with its error. Nil means always healthy.
	Health func(ctx context.Context) error
}

// Ops wraps h with the operational endpoints and instrumentation of a
// production server: GET /healthz (JSON status), GET /metrics (Prometheus
// text format), an access log record and request metrics for every other
// request.
func Ops(h http.Handler, o OpsOptions) http.Handler {
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	m := o.Metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			healthz(w, r, o.Health)
			return
		case "/metrics":
			m.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		m.Add(MetricInFlight, 1)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			d := time.Since(start)
			m.Add(MetricInFlight, -1)
			m.observe(d)
			m.Add(MetricRequests, 1, "method", r.Method, "code", strconv.Itoa(sw.status))
			if o.Logger != nil {
				o.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()),
					slog.String("query", r.URL.RawQuery), slog.Int("status", sw.status),
					slog.Int64("bytes", sw.bytes), slog.Duration("duration", d),
					slog.String("remote", r.RemoteAddr), slog.String("user_agent", r.UserAgent()),
					slog.String("request_id", w.Header().Get("X-Request-Id")),
					slog.String("cache", w.Header().Get("X-Mirror-Cache")))
			}
		}()
		h.ServeHTTP(sw, r)
	})
}

func healthz(w http.ResponseWriter, r *http.Request, check func(context.Context) error) {
	status, body := http.StatusOK, map[string]string{"status": "ok"}
	if check != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := check(ctx); err != nil {
			status, body = http.StatusServiceUnavailable, map[string]string{"status": "unhealthy", "error": err.Error()}
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		json.NewEncoder(w).Encode(body)
	}
}

// statusWriter records the status and body size of a response. It passes
// ReadFrom through so file bodies still go out with sendfile(2).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote && code >= 200 {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

func (s *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	s.wrote = true
	var n int64
	var err error
	if rf, ok := s.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(struct{ io.Writer }{s.ResponseWriter}, r)
	}
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

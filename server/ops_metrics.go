package server

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Metric names exported at /metrics by [Ops] and [Mirror].
const (
	MetricRequests        = "hfhub_http_requests_total"
	MetricResponseBytes   = "hfhub_http_response_bytes_total"
	MetricRequestDuration = "hfhub_http_request_duration_seconds"
	MetricInFlight        = "hfhub_http_requests_in_flight"
	MetricCacheHits       = "hfhub_mirror_cache_hits_total"
	MetricCacheMisses     = "hfhub_mirror_cache_misses_total"
	MetricUpstreamReqs    = "hfhub_mirror_upstream_requests_total"
	MetricUpstreamErrors  = "hfhub_mirror_upstream_errors_total"
	MetricUpstreamBytes   = "hfhub_mirror_upstream_bytes_total"
	MetricTransfers       = "hfhub_mirror_transfers_in_flight"
	MetricStoredBytes     = "hfhub_mirror_stored_bytes"
	MetricEvictions       = "hfhub_mirror_evictions_total"
)

var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}

// Metrics collects counters and gauges and writes them in the Prometheus
// text exposition format. The zero value is not usable; use [NewMetrics].
// It is safe for concurrent use.
type Metrics struct {
	start time.Time

	mu    sync.Mutex
	fams  map[string]*family
	hist  histogram
	order []string
}

type family struct {
	help, typ string
	values    map[string]float64 // rendered label set -> value
}

type histogram struct {
	counts []uint64
	sum    float64
	n      uint64
}

// NewMetrics returns a registry with the server's metric families declared.
func NewMetrics() *Metrics {
	m := &Metrics{start: time.Now(), fams: map[string]*family{}, hist: histogram{counts: make([]uint64, len(durationBuckets))}}
	for _, d := range []struct{ name, typ, help string }{
		{MetricRequests, "counter", "HTTP requests answered, by method and status code."},
		{MetricResponseBytes, "counter", "Response body bytes sent to clients, by kind (file or api)."},
		{MetricInFlight, "gauge", "HTTP requests being answered."},
		{MetricCacheHits, "counter", "Mirror answers served from its own store, by kind (blob or metadata)."},
		{MetricCacheMisses, "counter", "Mirror answers that needed the upstream, by kind (blob or metadata)."},
		{MetricUpstreamReqs, "counter", "Requests the mirror sent upstream, by kind (blob, resolve or metadata)."},
		{MetricUpstreamErrors, "counter", "Upstream failures, by kind (network, status, corrupt, short, store)."},
		{MetricUpstreamBytes, "counter", "Blob bytes received from the upstream."},
		{MetricTransfers, "gauge", "Blob transfers from the upstream in progress."},
		{MetricStoredBytes, "gauge", "Bytes of blobs the mirror keeps, as far as this instance knows."},
		{MetricEvictions, "counter", "Blobs evicted to stay within the size budget."},
	} {
		m.declare(d.name, d.typ, d.help)
	}
	return m
}

func (m *Metrics) declare(name, typ, help string) *family {
	f := &family{help: help, typ: typ, values: map[string]float64{}}
	m.fams[name] = f
	m.order = append(m.order, name)
	return f
}

// labels renders k1, v1, k2, v2... as {k1="v1",k2="v2"}.
func labels(kv []string) string {
	if len(kv) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(kv[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// Add adds v to the counter or gauge name with the label pairs kv.
// Unknown names are declared as untyped. A nil Metrics ignores the call.
func (m *Metrics) Add(name string, v float64, kv ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	f := m.fams[name]
	if f == nil {
		f = m.declare(name, "untyped", name)
	}
	f.values[labels(kv)] += v
	m.mu.Unlock()
}

// Set sets the gauge name with the label pairs kv to v.
func (m *Metrics) Set(name string, v float64, kv ...string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	f := m.fams[name]
	if f == nil {
		f = m.declare(name, "gauge", name)
	}
	f.values[labels(kv)] = v
	m.mu.Unlock()
}

// Value returns the current value of name with the label pairs kv.
func (m *Metrics) Value(name string, kv ...string) float64 {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.fams[name]; f != nil {
		return f.values[labels(kv)]
	}
	return 0
}

// observe records a request duration.
func (m *Metrics) observe(d time.Duration) {
	if m == nil {
		return
	}
	s := d.Seconds()
	m.mu.Lock()
	for i, b := range durationBuckets {
		if s <= b {
			m.hist.counts[i]++
		}
	}
	m.hist.sum += s
	m.hist.n++
	m.mu.Unlock()
}

// WriteTo writes every metric in the Prometheus text format 0.0.4.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	m.mu.Lock()
	for _, name := range m.order {
		f := m.fams[name]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, f.help, name, f.typ)
		keys := make([]string, 0, len(f.values))
		for k := range f.values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) == 0 && f.typ == "gauge" {
			fmt.Fprintf(&b, "%s 0\n", name)
		}
		for _, k := range keys {
			fmt.Fprintf(&b, "%s%s %s\n", name, k, formatFloat(f.values[k]))
		}
	}
	fmt.Fprintf(&b, "# HELP %s Time to answer HTTP requests (until the handler returns).\n# TYPE %s histogram\n", MetricRequestDuration, MetricRequestDuration)
	for i, ub := range durationBuckets {
		fmt.Fprintf(&b, "%s_bucket{le=\"%s\"} %d\n", MetricRequestDuration, formatFloat(ub), m.hist.counts[i])
	}
	fmt.Fprintf(&b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", MetricRequestDuration, m.hist.n,
		MetricRequestDuration, formatFloat(m.hist.sum), MetricRequestDuration, m.hist.n)
	m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP hfhub_process_start_time_seconds Start time of the process since the Unix epoch.\n# TYPE hfhub_process_start_time_seconds gauge\nhfhub_process_start_time_seconds %d\n", m.start.Unix())
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ServeHTTP answers with the metrics in the Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.WriteTo(w)
}

func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

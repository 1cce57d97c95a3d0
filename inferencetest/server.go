// Package inferencetest is a fake of the Hugging Face inference router,
// the providers behind it and the Hub calls an inference client makes, on
// real loopback TCP. It replays VCR cassettes (the recordings of
// huggingface_hub's tests), answers what the recordings predate (provider
// mappings, the new pipeline paths, the auto router), streams server-sent
// events with knobs for every parsing edge, injects faults, and serves a
// WebSocket real-time endpoint. Point a client's hub endpoint and router
// URL at [Server.URL]. Exported so users can test their own code.
package inferencetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// JSON decodes the request body into a generic map (nil if not JSON).
func (r Request) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	// URL is the base URL (http://127.0.0.1:port): hub endpoint, router
	// base and provider base at once.
	URL string

	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	replay   map[string]*queue
	handlers map[string]http.Handler
	prefixes map[string]http.Handler
	faults   map[string]*Fault
	sse      map[string]SSE
	log      []Request
	notify   []chan Request
}

type queue struct {
	items []*Interaction
	next  int
}

// Option configures a Server.
type Option func(*Server) error

// WithCassettes loads cassette files for replay.
func WithCassettes(paths ...string) Option {
	return func(s *Server) error {
		for _, p := range paths {
			c, err := LoadCassette(p)
			if err != nil {
				return err
			}
			s.AddCassette(c)
		}
		return nil
	}
}

// NewServer starts a fake for a test and closes it at the test's end.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Listen(opts...)
	if err != nil {
		t.Fatalf("inferencetest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen starts a fake on 127.0.0.1 (for examples and programs; call
// Close).
func Listen(opts ...Option) (*Server, error) {
	s := &Server{
		closing: make(chan struct{}), replay: map[string]*queue{}, handlers: map[string]http.Handler{},
		prefixes: map[string]http.Handler{}, faults: map[string]*Fault{}, sse: map[string]SSE{},
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server; stalled handlers are released first.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Client returns an http.Client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AddCassette adds a cassette's interactions to the replay set. Identical
// keys replay in recorded order and then keep answering with the last.
func (s *Server) AddCassette(c *Cassette) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range c.Interactions {
		it := &c.Interactions[i]
		k := Key(it.Method, it.URL)
		q := s.replay[k]
		if q == nil {
			q = &queue{}
			s.replay[k] = q
		}
		q.items = append(q.items, it)
	}
}

// Handle serves path (exact match, any method) with h, before replay.
// A pattern ending in "/" matches every path under it.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.HasSuffix(pattern, "/") {
		s.prefixes[pattern] = h
	} else {
		s.handlers[pattern] = h
	}
}

// HandleJSON answers path with a JSON value.
func (s *Server) HandleJSON(path string, status int, v any) {
	b, _ := json.Marshal(v)
	s.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}))
}

// Asset serves bytes at path with a content type (for output URLs).
func (s *Server) Asset(path, contentType string, data []byte) {
	s.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(data)
	}))
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// RequestsTo returns the requests whose path is path.
func (s *Server) RequestsTo(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Last returns the last request (zero Request if none).
func (s *Server) Last() Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) == 0 {
		return Request{}
	}
	return s.log[len(s.log)-1]
}

// Arrivals returns a channel that receives every request from now on
// (buffered; for tests that wait on "the request arrived").
func (s *Server) Arrivals() <-chan Request {
	ch := make(chan Request, 64)
	s.mu.Lock()
	s.notify = append(s.notify, ch)
	s.mu.Unlock()
	return ch
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	s.log = append(s.log, rec)
	for _, ch := range s.notify {
		select {
		case ch <- rec:
		default:
		}
	}
	f := s.takeFault(rec.Path)
	h := s.handlers[rec.Path]
	if h == nil {
		best := ""
		for p, ph := range s.prefixes {
			if strings.HasPrefix(rec.Path, p) && len(p) > len(best) {
				best, h = p, ph
			}
		}
	}
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	fw := &faultWriter{ResponseWriter: w, s: s, r: r}
	if f != nil {
		if done := s.applyFault(fw, r, f); done {
			return
		}
	}
	if h != nil {
		h.ServeHTTP(fw, r)
		return
	}
	it := s.lookup(r, body)
	if it == nil {
		writeJSON(fw, http.StatusNotFound, map[string]string{"error": "inferencetest: no recording for " + Key(r.Method, r.URL)})
		return
	}
	s.writeInteraction(fw, r, it)
}

// lookup finds the interaction for a request: exact key, then the
// aliases and the synthesised answers of spec §5.2.
func (s *Server) lookup(r *http.Request, body []byte) *Interaction {
	if it := s.take(Key(r.Method, r.URL)); it != nil {
		return it
	}
	p := r.URL.EscapedPath()
	if m := newPipelineRE.FindStringSubmatch(p); m != nil {
		if it := s.take(r.Method + " /hf-inference/pipeline/" + m[2] + "/" + m[1]); it != nil {
			return it
		}
	}
	if m := oldPipelineRE.FindStringSubmatch(p); m != nil {
		if it := s.take(r.Method + " /hf-inference/models/" + m[2] + "/pipeline/" + m[1]); it != nil {
			return it
		}
	}
	if r.Method == http.MethodGet && strings.HasPrefix(p, "/api/models/") && strings.Contains(r.URL.RawQuery, "inferenceProviderMapping") {
		return s.synthesiseMapping(strings.TrimPrefix(p, "/api/models/"))
	}
	if r.Method == http.MethodPost && p == "/v1/chat/completions" {
		var req struct {
			Model string `json:"model"`
		}
		json.Unmarshal(body, &req)
		return s.autoRoute(req.Model)
	}
	return nil
}

var (
	newPipelineRE = regexp.MustCompile(`^/hf-inference/models/(.+)/pipeline/([a-z-]+)$`)
	oldPipelineRE = regexp.MustCompile(`^/hf-inference/pipeline/([a-z-]+)/(.+)$`)
)

func (s *Server) take(key string) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.replay[key]
	if q == nil {
		return nil
	}
	it := q.items[min(q.next, len(q.items)-1)]
	if q.next < len(q.items) {
		q.next++
	}
	return it
}

func (s *Server) peek(key string) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.replay[key]; q != nil {
		return q.items[len(q.items)-1]
	}
	return nil
}

// synthesiseMapping answers a mapping lookup from the recorded plain
// model info (after its 307, if any): one hf-inference entry.
func (s *Server) synthesiseMapping(id string) *Interaction {
	info := s.peek("GET /api/models/" + id)
	for range 3 {
		if info == nil || info.Status < 300 || info.Status >= 400 {
			break
		}
		loc := info.Header.Get("Location")
		if i := strings.Index(loc, "/api/models/"); i >= 0 {
			loc = loc[i:]
		}
		info = s.peek("GET " + loc)
	}
	if info == nil || info.Status != 200 {
		return nil
	}
	var mi struct {
		ID          string   `json:"id"`
		MongoID     string   `json:"_id"`
		PipelineTag string   `json:"pipeline_tag"`
		Tags        []string `json:"tags"`
	}
	if json.Unmarshal(info.Body, &mi) != nil {
		return nil
	}
	task := mi.PipelineTag
	conversational := false
	for _, t := range mi.Tags {
		conversational = conversational || t == "conversational"
	}
	if conversational && (task == "text-generation" || task == "image-text-to-text") {
		task = "conversational"
	}
	b, _ := json.Marshal(map[string]any{"_id": mi.MongoID, "id": mi.ID, "inferenceProviderMapping": map[string]any{
		"hf-inference": map[string]any{"status": "live", "providerId": id, "task": task}}})
	return &Interaction{Method: "GET", Status: 200, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: b}
}

// autoRoute answers the auto router with the recording of the model's
// first provider.
func (s *Server) autoRoute(model string) *Interaction {
	id, _, _ := strings.Cut(model, ":")
	var order []string
	if m := s.peek("GET /api/models/" + id + "?expand=inferenceProviderMapping"); m != nil {
		var v struct {
			Mapping json.RawMessage `json:"inferenceProviderMapping"`
		}
		if json.Unmarshal(m.Body, &v) == nil {
			d := json.NewDecoder(bytes.NewReader(v.Mapping))
			if tok, err := d.Token(); err == nil && tok == json.Delim('{') {
				for d.More() {
					tok, err := d.Token()
					if err != nil {
						break
					}
					order = append(order, tok.(string))
					var skip json.RawMessage
					d.Decode(&skip)
				}
			}
		}
	}
	s.mu.Lock()
	var keys []string
	for k := range s.replay {
		if strings.HasPrefix(k, "POST /") && strings.HasSuffix(k, "/chat/completions") {
			keys = append(keys, k)
		}
	}
	s.mu.Unlock()
	sort.Strings(keys)
	for _, p := range order {
		for _, k := range keys {
			if strings.HasPrefix(k, "POST /"+p+"/") {
				return s.take(k)
			}
		}
	}
	for _, k := range keys {
		if strings.Contains(k, "/models/"+id+"/") {
			return s.take(k)
		}
	}
	return nil
}

var assetURLRE = regexp.MustCompile(`https?://([A-Za-z0-9.-]+)(/[^"'\s\\]*)`)

// writeInteraction replays a recorded response: headers (minus transfer
// ones), a Location on the fake, CDN URLs in bodies rewritten to the
// fake's /_assets/, SSE bodies event by event.
func (s *Server) writeInteraction(w *faultWriter, r *http.Request, it *Interaction) {
	for k, vs := range it.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection":
			continue
		}
		w.Header()[http.CanonicalHeaderKey(k)] = vs
	}
	if loc := w.Header().Get("Location"); loc != "" {
		if i := strings.Index(loc, "://"); i >= 0 {
			if j := strings.Index(loc[i+3:], "/"); j >= 0 {
				w.Header().Set("Location", loc[i+3+j:])
			}
		}
	}
	body := it.Body
	ct := w.Header().Get("Content-Type")
	if strings.Contains(ct, "json") || strings.HasPrefix(ct, "text/") {
		body = assetURLRE.ReplaceAllFunc(body, func(m []byte) []byte {
			sub := assetURLRE.FindSubmatch(m)
			if !isAssetHost(string(sub[1])) {
				return m
			}
			return []byte(s.URL + "/_assets/" + string(sub[1]) + string(sub[2]))
		})
	}
	if strings.HasPrefix(ct, "text/event-stream") && it.Status == 200 {
		s.mu.Lock()
		opt := s.sse[r.URL.EscapedPath()]
		s.mu.Unlock()
		w.WriteHeader(200)
		writeSSE(w, r, splitEvents(body), opt, s.closing)
		return
	}
	w.WriteHeader(it.Status)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Fault changes the answers for one path (see [Server.SetFault]).
type Fault struct {
	// Status (with Body, JSON or text) replaces the answer.
	Status int
	Body   string
	Header http.Header
	// RetryAfter sets Retry-After (with Status 429 or 503).
	RetryAfter string
	// EstimatedTime makes a 503 "model is loading" body.
	EstimatedTime float64
	// Delay waits before the headers.
	Delay time.Duration
	// StallAfter stalls forever after this many body bytes (until the
	// client goes away); CloseAfter cuts the connection after that many.
	// 0 disables each.
	StallAfter, CloseAfter int
	// Times is how many requests the fault applies to; 0 means all.
	Times int
}

// SetFault installs a fault for requests to path (exact).
func (s *Server) SetFault(path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = &f
}

// RateLimit answers the next n requests to path with 429 and Retry-After.
func (s *Server) RateLimit(path string, n int, retryAfter string) {
	s.SetFault(path, Fault{Status: 429, RetryAfter: retryAfter, Body: `{"error":"You have exceeded the rate limit, please retry later"}`, Times: n})
}

// ModelLoading answers the next n requests to path with 503 model loading.
func (s *Server) ModelLoading(path string, n int, estimated float64) {
	s.SetFault(path, Fault{Status: 503, EstimatedTime: estimated, Times: n})
}

func (s *Server) takeFault(path string) *Fault {
	f := s.faults[path]
	if f == nil {
		return nil
	}
	if f.Times > 0 {
		f.Times--
		if f.Times == 0 {
			delete(s.faults, path)
		}
	}
	c := *f
	return &c
}

// applyFault returns true when the fault produced the whole answer.
func (s *Server) applyFault(w *faultWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		case <-s.closing:
			return true
		}
	}
	w.stallAfter, w.closeAfter = f.StallAfter, f.CloseAfter
	for k, vs := range f.Header {
		w.Header()[k] = vs
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Status == 0 {
		return false
	}
	body := f.Body
	if body == "" && f.Status == 503 {
		if f.EstimatedTime > 0 {
			body = fmt.Sprintf(`{"error":"Model is currently loading","estimated_time":%g}`, f.EstimatedTime)
		} else {
			body = `{"error":"Service Unavailable"}`
		}
	}
	if strings.HasPrefix(strings.TrimSpace(body), "{") {
		w.Header().Set("Content-Type", "application/json")
	} else if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("X-Request-Id", "inferencetest-fault")
	w.WriteHeader(f.Status)
	io.WriteString(w, body)
	return true
}

// faultWriter counts body bytes and stalls or cuts the connection.
type faultWriter struct {
	http.ResponseWriter
	s                      *Server
	r                      *http.Request
	written                int
	stallAfter, closeAfter int
}

func (w *faultWriter) Write(p []byte) (int, error) {
	limit := 0
	switch {
	case w.closeAfter > 0:
		limit = w.closeAfter
	case w.stallAfter > 0:
		limit = w.stallAfter
	}
	if limit > 0 && w.written+len(p) >= limit {
		n, _ := w.ResponseWriter.Write(p[:limit-w.written])
		w.written += n
		w.Flush()
		if w.closeAfter > 0 {
			if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					if tc, ok := conn.(*net.TCPConn); ok {
						tc.SetLinger(0)
					}
					conn.Close()
				}
			}
			panic(http.ErrAbortHandler)
		}
		select {
		case <-w.r.Context().Done():
		case <-w.s.closing:
		}
		panic(http.ErrAbortHandler)
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += n
	return n, err
}

func (w *faultWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands over the connection (WebSocket handshakes).
func (w *faultWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *faultWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

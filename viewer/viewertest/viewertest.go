// Package viewertest runs a dataset viewer look-alike on loopback for tests.
// Its answers are the real responses recorded in the dataset viewer's
// OpenAPI document (openapi.json, from huggingface/dataset-viewer,
// docs/source/openapi.json, Apache License 2.0), so a client tested
// against it decodes what the real service sends.
//
// [NewServer] preloads answers for the datasets of the recorded examples
// (ibm/duorc, stanfordnlp/imdb, ylecun/mnist, nyu-mll/glue,
// julien-c/titanic-survival, severo/empty); [Server.Respond] adds more. A
// request without a dataset gets the recorded 422, an unknown dataset the
// recorded 404 (401 when no token is sent and the server wants one).
package viewertest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

//go:embed openapi.json
var openapi []byte

// Response is an answer of the server.
type Response struct {
	Status int
	// Header is added to the answer (X-Error-Code, X-Revision, ...).
	Header http.Header
	Body   []byte
}

// Request is one request the server received.
type Request struct {
	Path   string
	Query  url.Values
	Header http.Header
}

type route struct {
	path   string
	params url.Values
	resp   Response
}

// Server is a running look-alike. It is safe for concurrent use.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT".
	URL string

	srv   *httptest.Server
	token string

	mu       sync.Mutex
	routes   []route
	requests []Request
}

// Option configures a Server.
type Option func(*Server)

// WithToken makes the server require "Authorization: Bearer token": other
// requests get the recorded 401 answer.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// NewServer starts a server on 127.0.0.1, closed by t.Cleanup.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{}
	for _, o := range opts {
		o(s)
	}
	for _, p := range preloaded {
		r, err := Example(p.path, p.status, p.name)
		if err != nil {
			t.Fatalf("viewertest: %v", err)
		}
		s.Respond(p.path, p.params, r)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Respond makes requests to path whose query has every value of params
// (others, such as offset and length, are ignored) get r. Later calls take
// precedence.
func (s *Server) Respond(path string, params url.Values, r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes = append(s.routes, route{path: path, params: params, resp: r})
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.requests = append(s.requests, Request{Path: r.URL.Path, Query: q, Header: r.Header.Clone()})
	var found *Response
	for i := len(s.routes) - 1; i >= 0; i-- {
		rt := s.routes[i]
		if rt.path == r.URL.Path && matches(q, rt.params) {
			found = &rt.resp
			break
		}
	}
	s.mu.Unlock()
	var resp Response
	switch {
	case s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token:
		resp = mustExample("/rows", 401, "inexistent dataset, and not authenticated")
	case q.Get("dataset") == "":
		resp = mustExample("/rows", 422, "missing-dataset")
	case found != nil:
		resp = *found
	default:
		resp = mustExample("/rows", 404, "inexistent dataset, while authenticated")
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body) // the client may have gone; nothing to do
}

func matches(q, want url.Values) bool {
	for k, vs := range want {
		if q.Get(k) != vs[0] {
			return false
		}
	}
	return true
}

type preload struct {
	path   string
	params url.Values
	status int
	name   string
}

func ds(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var preloaded = []preload{
	{"/is-valid", ds("dataset", "ibm/duorc"), 200, "all the capabilities"},
	{"/is-valid", ds("dataset", "ibm/duorc", "config", "SelfRC"), 200, "all the capabilities, for a config"},
	{"/splits", ds("dataset", "ibm/duorc"), 200, "all splits in a dataset"},
	{"/splits", ds("dataset", "ibm/duorc", "config", "SelfRC"), 200, "splits for a single subset"},
	{"/splits", ds("dataset", "severo/empty"), 500, "error in the dataset itself"},
	{"/parquet", ds("dataset", "ibm/duorc"), 200, "ibm/duorc"},
	{"/parquet", ds("dataset", "ibm/duorc", "config", "ParaphraseRC"), 200, "duorc with ParaphraseRC config"},
	{"/info", ds("dataset", "ylecun/mnist"), 200, "dataset metadata"},
	{"/info", ds("dataset", "nyu-mll/glue", "config", "ax"), 200, "config metadata"},
	{"/size", ds("dataset", "ylecun/mnist"), 200, "dataset size"},
	{"/size", ds("dataset", "nyu-mll/glue", "config", "ax"), 200, "config size"},
	{"/first-rows", ds("dataset", "stanfordnlp/imdb", "config", "plain_text", "split", "train"), 200, "A simple dataset (stanfordnlp/stanfordnlp/imdb) with text and label"},
	{"/rows", ds("dataset", "stanfordnlp/imdb", "config", "plain_text", "split", "train"), 200, "A slice of a simple dataset (stanfordnlp/imdb)"},
	{"/search", ds("dataset", "stanfordnlp/imdb", "config", "plain_text", "split", "train"), 200, "Search on a text dataset (stanfordnlp/imdb)"},
	{"/filter", ds("dataset", "julien-c/titanic-survival", "config", "default", "split", "train"), 200, "Filter on float equality (julien-c/titanic-survival)"},
}

var (
	docOnce sync.Once
	doc     map[string]any
	docErr  error
)

func mustExample(path string, status int, name string) Response {
	r, err := Example(path, status, name)
	if err != nil {
		return Response{Status: 500, Body: []byte(fmt.Sprintf(`{"error":%q}`, err.Error()))}
	}
	return r
}

// Example returns the recorded answer named name for path and status in
// openapi.json, with the X-Error-Code header the real service sends for an
// error status.
func Example(path string, status int, name string) (Response, error) {
	docOnce.Do(func() { docErr = json.Unmarshal(openapi, &doc) })
	if docErr != nil {
		return Response{}, docErr
	}
	resp, ok := dig(doc, "paths", path, "get", "responses", fmt.Sprint(status)).(map[string]any)
	if !ok {
		return Response{}, fmt.Errorf("no recorded %d answer for %s", status, path)
	}
	if ref, ok := resp["$ref"].(string); ok {
		resp, _ = resolve(ref).(map[string]any)
	}
	content, _ := dig(resp, "content").(map[string]any)
	for _, c := range content {
		ex, ok := dig(c, "examples", name).(map[string]any)
		if !ok {
			continue
		}
		if ref, ok := ex["$ref"].(string); ok {
			ex, _ = resolve(ref).(map[string]any)
		}
		body, err := json.Marshal(ex["value"])
		if err != nil {
			return Response{}, err
		}
		r := Response{Status: status, Body: body, Header: http.Header{}}
		if code := errorCode(status, name); code != "" {
			r.Header.Set("X-Error-Code", code)
		}
		return r, nil
	}
	return Response{}, fmt.Errorf("no recorded example %q for %d on %s", name, status, path)
}

// Examples lists the names of the recorded answers for path and status.
func Examples(path string, status int) []string {
	docOnce.Do(func() { docErr = json.Unmarshal(openapi, &doc) })
	resp, _ := dig(doc, "paths", path, "get", "responses", fmt.Sprint(status)).(map[string]any)
	if ref, ok := resp["$ref"].(string); ok {
		resp, _ = resolve(ref).(map[string]any)
	}
	var out []string
	content, _ := dig(resp, "content").(map[string]any)
	for _, c := range content {
		exs, _ := dig(c, "examples").(map[string]any)
		for k := range exs {
			out = append(out, k)
		}
	}
	return out
}

func errorCode(status int, name string) string {
	switch status {
	case 401:
		return "ExternalUnauthenticatedError"
	case 404:
		if strings.Contains(name, "config") || strings.Contains(name, "split") {
			return "ResponseNotFound"
		}
		return "ExternalAuthenticatedError"
	case 422:
		return "MissingRequiredParameter"
	case 500:
		if strings.Contains(name, "not ready") {
			return "ResponseNotReady"
		}
		return "UnexpectedError"
	case 501:
		if strings.Contains(name, "too many") {
			return "DatasetWithTooManyConfigsError"
		}
		return "DatasetInBlockListError"
	}
	return ""
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func resolve(ref string) any {
	parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
	return dig(doc, parts...)
}

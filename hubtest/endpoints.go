package hubtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Endpoints is a fake Inference Endpoints API (its own host, like
// api.endpoints.huggingface.cloud/v2) on loopback. Give the client its URL
// with hfhub.WithInferenceEndpointsURL(e.URL) and the catalog with
// hfhub.WithInferenceCatalogURL(e.CatalogURL).
//
// Each endpoint goes pending → initializing → running, one step per read
// of it (GET /endpoint/{ns}/{name}); pause, resume and scale-to-zero work
// as on the API (resuming a running endpoint answers 400 "already
// running"). A running endpoint serves inference at its status.url, which
// is on this server: GET {healthRoute} answers 200, POST
// /v1/chat/completions an OpenAI-style reply echoing the last message, and
// POST to the URL itself [{"generated_text": ...}]. Its methods are safe
// for concurrent use.
type Endpoints struct {
	// URL is the API base; CatalogURL the catalog base.
	URL, CatalogURL string

	srv    *http.Server
	tokens map[string]string // token -> user
	mu     sync.Mutex
	eps    map[string]*fakeEndpoint // "ns/name"
	fail   map[string]string        // "ns/name" -> message: the next deploy fails
}

type fakeEndpoint struct {
	ns   string
	body map[string]any // the endpoint object without status
	st   string
	msg  string
	// calls counts inference requests served.
	calls   int
	created time.Time
}

// EndpointsOption configures [NewEndpoints].
type EndpointsOption func(*Endpoints)

// WithEndpointsToken accepts token as user's (without any, every request
// is accepted as user "alice").
func WithEndpointsToken(token, user string) EndpointsOption {
	return func(e *Endpoints) { e.tokens[token] = user }
}

// NewEndpoints starts the fake on 127.0.0.1; t.Cleanup closes it.
func NewEndpoints(t testing.TB, opts ...EndpointsOption) *Endpoints {
	t.Helper()
	e, err := ListenEndpoints("127.0.0.1:0", opts...)
	if err != nil {
		t.Fatalf("hubtest: %v", err)
	}
	t.Cleanup(e.Close)
	return e
}

// ListenEndpoints starts the fake on addr; the caller must Close it.
func ListenEndpoints(addr string, opts ...EndpointsOption) (*Endpoints, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	e := &Endpoints{tokens: map[string]string{}, eps: map[string]*fakeEndpoint{}, fail: map[string]string{}}
	for _, o := range opts {
		o(e)
	}
	base := "http://" + ln.Addr().String()
	e.URL, e.CatalogURL = base+"/v2", base+"/api/catalog"
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/", e.serveAPI)
	mux.HandleFunc("/api/catalog/", e.serveCatalog)
	mux.HandleFunc("/ep/", e.serveInference)
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go e.srv.Serve(ln) // returns http.ErrServerClosed on Close
	return e, nil
}

// Close stops the server.
func (e *Endpoints) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if e.srv.Shutdown(ctx) != nil {
		e.srv.Close()
	}
}

// State returns the state of endpoint ns/name ("" if none), without
// advancing it.
func (e *Endpoints) State(ns, name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ep, ok := e.eps[ns+"/"+name]; ok {
		return ep.st
	}
	return ""
}

// SetState forces an endpoint's state (e.g. "failed" with a message).
func (e *Endpoints) SetState(ns, name, state, message string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	ep, ok := e.eps[ns+"/"+name]
	if !ok {
		return fmt.Errorf("hubtest: no endpoint %s/%s", ns, name)
	}
	ep.st, ep.msg = state, message
	return nil
}

// FailNextDeploy makes the next deployment of ns/name end "failed" with
// message instead of running.
func (e *Endpoints) FailNextDeploy(ns, name, message string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fail[ns+"/"+name] = message
}

// Secrets returns the secret values endpoint ns/name was given (the API
// returns them redacted).
func (e *Endpoints) Secrets(ns, name string) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	if ep, ok := e.eps[ns+"/"+name]; ok {
		if m, ok := ep.body["model"].(map[string]any); ok {
			if s, ok := m["secrets"].(map[string]any); ok {
				for k, v := range s {
					out[k], _ = v.(string)
				}
			}
		}
	}
	return out
}

// Calls returns how many inference requests endpoint ns/name served.
func (e *Endpoints) Calls(ns, name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ep, ok := e.eps[ns+"/"+name]; ok {
		return ep.calls
	}
	return 0
}

func (e *Endpoints) user(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if len(e.tokens) == 0 {
		return "alice", true
	}
	if u, ok := e.tokens[tok]; ok && tok != "" {
		return u, true
	}
	epError(w, http.StatusUnauthorized, "Invalid credentials in Authorization header")
	return "", false
}

func epError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func epJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// view is the endpoint object the API returns; e.mu is held.
func (e *Endpoints) view(base string, ep *fakeEndpoint) map[string]any {
	out := map[string]any{}
	for k, v := range ep.body {
		out[k] = v
	}
	if m, ok := ep.body["model"].(map[string]any); ok {
		mm := map[string]any{}
		for k, v := range m {
			mm[k] = v
		}
		if s, ok := m["secrets"].(map[string]any); ok {
			red := map[string]any{}
			for k := range s {
				red[k] = "***"
			}
			mm["secrets"] = red
		}
		out["model"] = mm
	}
	ready := 0
	if ep.st == "running" {
		ready = 1
	}
	ts := ep.created.Format(time.RFC3339Nano)
	st := map[string]any{"state": ep.st, "createdAt": ts, "updatedAt": ts, "readyReplica": ready, "targetReplica": 1,
		"createdBy": map[string]any{"id": "0", "name": ep.ns}, "updatedBy": map[string]any{"id": "0", "name": ep.ns}}
	if ep.msg != "" {
		st["message"] = ep.msg
	}
	if ep.st == "running" || ep.st == "scaledToZero" {
		st["url"] = base + "/ep/" + ep.ns + "/" + ep.body["name"].(string)
	}
	out["status"] = st
	if _, ok := out["healthRoute"]; !ok {
		out["healthRoute"] = "/health"
	}
	return out
}

// observe moves a deploying endpoint one step; e.mu is held.
func (e *Endpoints) observe(key string, ep *fakeEndpoint) {
	switch ep.st {
	case "pending":
		ep.st = "initializing"
	case "initializing":
		ep.st = "running"
		if msg, ok := e.fail[key]; ok {
			delete(e.fail, key)
			ep.st, ep.msg = "failed", msg
		} else {
			ep.msg = "Endpoint is ready"
		}
	}
}

func baseOf(r *http.Request) string { return "http://" + r.Host }

func (e *Endpoints) serveAPI(w http.ResponseWriter, r *http.Request) {
	user, ok := e.user(w, r)
	if !ok {
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/"), "/"), "/")
	if len(segs) < 2 || (segs[0] != "endpoint" && segs[0] != "provider") {
		epError(w, http.StatusNotFound, "Not Found")
		return
	}
	ns := segs[1]
	if ns != user {
		epError(w, http.StatusForbidden, "You are not a member of namespace "+ns)
		return
	}
	if segs[0] == "provider" {
		epJSON(w, fakeProviders)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	base := baseOf(r)
	switch {
	case len(segs) == 2 && r.Method == http.MethodGet:
		keys := make([]string, 0, len(e.eps))
		for k, ep := range e.eps {
			if ep.ns == ns {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		items := []any{}
		for _, k := range keys {
			items = append(items, e.view(base, e.eps[k]))
		}
		epJSON(w, map[string]any{"items": items})
	case len(segs) == 2 && r.Method == http.MethodPost:
		var body map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
			epError(w, http.StatusBadRequest, "Invalid JSON: "+err.Error())
			return
		}
		ep, msg := e.create(ns, body)
		if msg != "" {
			status := http.StatusBadRequest
			if strings.Contains(msg, "already exists") {
				status = http.StatusConflict
			}
			epError(w, status, msg)
			return
		}
		epJSON(w, e.view(base, ep))
	case len(segs) >= 3:
		key := ns + "/" + segs[2]
		ep, ok := e.eps[key]
		if !ok {
			epError(w, http.StatusNotFound, "Endpoint "+segs[2]+" not found")
			return
		}
		action := ""
		if len(segs) == 4 {
			action = segs[3]
		}
		switch {
		case action == "" && r.Method == http.MethodGet:
			e.observe(key, ep)
		case action == "" && r.Method == http.MethodDelete:
			delete(e.eps, key)
			w.WriteHeader(http.StatusOK)
			return
		case action == "" && r.Method == http.MethodPut:
			var body map[string]any
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
				epError(w, http.StatusBadRequest, "Invalid JSON: "+err.Error())
				return
			}
			merge(ep.body, body)
			ep.st, ep.msg = "pending", ""
		case action == "pause" && r.Method == http.MethodPost:
			ep.st, ep.msg = "paused", "Endpoint paused by user"
		case action == "resume" && r.Method == http.MethodPost:
			if ep.st == "running" {
				epError(w, http.StatusBadRequest, "Endpoint is already running")
				return
			}
			ep.st, ep.msg = "pending", ""
		case action == "scale-to-zero" && r.Method == http.MethodPost:
			ep.st, ep.msg = "scaledToZero", "Endpoint scaled to zero"
		default:
			epError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		epJSON(w, e.view(base, ep))
	default:
		epError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

// create validates a create payload; e.mu is held.
func (e *Endpoints) create(ns string, body map[string]any) (*fakeEndpoint, string) {
	name, _ := body["name"].(string)
	model, _ := body["model"].(map[string]any)
	compute, _ := body["compute"].(map[string]any)
	switch {
	case name == "":
		return nil, `"name" is required`
	case model == nil || model["repository"] == nil || model["repository"] == "":
		return nil, `"model.repository" is required`
	case compute == nil || compute["instanceType"] == nil:
		return nil, `"compute.instanceType" is required`
	}
	if _, exists := e.eps[ns+"/"+name]; exists {
		return nil, "Endpoint " + name + " already exists"
	}
	delete(body, "status")
	ep := &fakeEndpoint{ns: ns, body: body, st: "pending", created: time.Now().UTC()}
	e.eps[ns+"/"+name] = ep
	return ep, ""
}

// merge applies a partial update.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok && k != "image" && k != "env" && k != "secrets" {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func (e *Endpoints) serveCatalog(w http.ResponseWriter, r *http.Request) {
	user, ok := e.user(w, r)
	if !ok {
		return
	}
	switch strings.TrimPrefix(r.URL.Path, "/api/catalog/") {
	case "repo-list":
		epJSON(w, map[string]any{"models": []string{"meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "openai-community/gpt2"}})
	case "deploy":
		var b struct {
			Namespace, RepoID, EndpointName string
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&b); err != nil || b.RepoID == "" {
			epError(w, http.StatusBadRequest, `"repoId" is required`)
			return
		}
		if b.Namespace != user {
			epError(w, http.StatusForbidden, "You are not a member of namespace "+b.Namespace)
			return
		}
		name := b.EndpointName
		if name == "" {
			name = strings.ToLower(strings.NewReplacer("/", "-", ".", "-", "_", "-").Replace(b.RepoID))
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		ep, msg := e.create(b.Namespace, map[string]any{
			"name": name, "type": "protected", "provider": map[string]any{"vendor": "aws", "region": "us-east-1"},
			"compute": map[string]any{"accelerator": "gpu", "instanceType": "nvidia-l4", "instanceSize": "x1", "scaling": map[string]any{"minReplica": 0, "maxReplica": 1, "scaleToZeroTimeout": 15}},
			"model":   map[string]any{"repository": b.RepoID, "framework": "pytorch", "task": "text-generation", "image": map[string]any{"tgi": map[string]any{}}},
		})
		if msg != "" {
			epError(w, http.StatusConflict, msg)
			return
		}
		epJSON(w, map[string]any{"endpoint": e.view(baseOf(r), ep)})
	default:
		epError(w, http.StatusNotFound, "Not Found")
	}
}

// serveInference answers the requests sent to a deployed endpoint's URL.
func (e *Endpoints) serveInference(w http.ResponseWriter, r *http.Request) {
	if _, ok := e.user(w, r); !ok {
		return
	}
	segs := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/ep/"), "/", 3)
	if len(segs) < 2 {
		epError(w, http.StatusNotFound, "Not Found")
		return
	}
	rest := ""
	if len(segs) == 3 {
		rest = "/" + segs[2]
	}
	e.mu.Lock()
	ep, ok := e.eps[segs[0]+"/"+segs[1]]
	state, health := "", "/health"
	if ok {
		state = ep.st
		if h, _ := ep.body["healthRoute"].(string); h != "" {
			health = h
		}
		if state == "scaledToZero" && r.Method == http.MethodPost {
			ep.st, state = "initializing", "initializing" // a request wakes it
		}
		if state == "running" && r.Method == http.MethodPost {
			ep.calls++
		}
	}
	e.mu.Unlock()
	switch {
	case !ok:
		epError(w, http.StatusNotFound, "Endpoint not found")
	case state != "running":
		epError(w, http.StatusServiceUnavailable, "Endpoint is "+state)
	case r.Method == http.MethodGet && rest == health:
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodPost && rest == "/v1/chat/completions":
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Content any `json:"content"`
			} `json:"messages"`
		}
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req)
		last := ""
		if n := len(req.Messages); n > 0 {
			last = fmt.Sprint(req.Messages[n-1].Content)
		}
		epJSON(w, map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": "echo: " + last}}},
			"usage":   map[string]any{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
		})
	case r.Method == http.MethodPost && rest == "":
		var req struct {
			Inputs any `json:"inputs"`
		}
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req)
		epJSON(w, []any{map[string]any{"generated_text": fmt.Sprint(req.Inputs) + " ... (generated)"}})
	default:
		epError(w, http.StatusNotFound, "Not Found")
	}
}

// fakeProviders is the answer of GET /provider/{ns}.
var fakeProviders = map[string]any{"vendors": []any{
	map[string]any{"name": "aws", "status": "available", "regions": []any{
		map[string]any{"name": "us-east-1", "label": "N. Virginia", "status": "available", "computes": []any{
			map[string]any{"id": "aws-us-east-1-cpu-intel-icl-x2", "accelerator": "cpu", "numAccelerators": 1, "numCpus": 2, "memoryGb": 4, "instanceType": "intel-icl", "instanceSize": "x2", "architecture": "Intel Ice Lake", "status": "available", "pricePerHour": 0.067},
			map[string]any{"id": "aws-us-east-1-nvidia-l4-x1", "accelerator": "gpu", "numAccelerators": 1, "numCpus": 7, "memoryGb": 30, "gpuMemoryGb": 24, "instanceType": "nvidia-l4", "instanceSize": "x1", "architecture": "Nvidia L4", "status": "available", "pricePerHour": 0.8},
		}},
	}},
	map[string]any{"name": "gcp", "status": "available", "regions": []any{
		map[string]any{"name": "us-central1", "label": "Iowa", "status": "available", "computes": []any{
			map[string]any{"id": "gcp-us-central1-nvidia-a100-x1", "accelerator": "gpu", "numAccelerators": 1, "numCpus": 11, "memoryGb": 80, "gpuMemoryGb": 80, "instanceType": "nvidia-a100", "instanceSize": "x1", "architecture": "Nvidia A100", "status": "low_availability", "pricePerHour": 3.6},
		}},
	}},
}}

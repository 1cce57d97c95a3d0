package hfhub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Default hosts of the Inference Endpoints API (its own host, not the Hub).
const (
	DefaultInferenceEndpointsURL = "https://api.endpoints.huggingface.cloud/v2"
	DefaultInferenceCatalogURL   = "https://endpoints.huggingface.co/api/catalog"
)

// WithInferenceEndpointsURL sets the Inference Endpoints API base URL
// (default [DefaultInferenceEndpointsURL], or
// HF_INFERENCE_ENDPOINTS_ENDPOINT). The token is sent there too.
func WithInferenceEndpointsURL(u string) Option {
	return func(o *clientOptions) error {
		if err := checkBaseURL("Inference Endpoints URL", u); err != nil {
			return err
		}
		o.set("HF_INFERENCE_ENDPOINTS_ENDPOINT", strings.TrimRight(u, "/"))
		return nil
	}
}

// WithInferenceCatalogURL sets the Inference Endpoints catalog base URL
// (default [DefaultInferenceCatalogURL], or HF_INFERENCE_CATALOG_ENDPOINT).
func WithInferenceCatalogURL(u string) Option {
	return func(o *clientOptions) error {
		if err := checkBaseURL("Inference catalog URL", u); err != nil {
			return err
		}
		o.set("HF_INFERENCE_CATALOG_ENDPOINT", strings.TrimRight(u, "/"))
		return nil
	}
}

func checkBaseURL(what, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: %s %q is not an http(s) URL", ErrValidation, what, s)
	}
	return nil
}

// Inference Endpoint states ([InferenceEndpointStatus].State).
const (
	EndpointPending      = "pending"
	EndpointInitializing = "initializing"
	EndpointUpdating     = "updating"
	EndpointUpdateFailed = "updateFailed"
	EndpointRunning      = "running"
	EndpointPaused       = "paused"
	EndpointFailed       = "failed"
	EndpointScaledToZero = "scaledToZero"
)

// InferenceEndpoint is a dedicated Inference Endpoint.
type InferenceEndpoint struct {
	Name string `json:"name"`
	// Type is "public", "protected" (deprecated alias), "authenticated" or
	// "private".
	Type        string                  `json:"type"`
	AccountID   *string                 `json:"accountId"`
	Provider    EndpointProvider        `json:"provider"`
	Compute     EndpointCompute         `json:"compute"`
	Model       EndpointModel           `json:"model"`
	Status      InferenceEndpointStatus `json:"status"`
	HealthRoute string                  `json:"healthRoute,omitempty"`
	Route       map[string]any          `json:"route,omitempty"`
	Tags        []string                `json:"tags,omitempty"`
	CacheHTTP   *bool                   `json:"cacheHttpResponses,omitempty"`

	// Namespace is the owner, set by the client.
	Namespace string `json:"namespace,omitempty"`
}

// EndpointProvider is where an endpoint runs.
type EndpointProvider struct {
	Vendor string `json:"vendor"`
	Region string `json:"region"`
}

// EndpointCompute is an endpoint's hardware and scaling.
type EndpointCompute struct {
	Accelerator  string          `json:"accelerator"`
	InstanceType string          `json:"instanceType"`
	InstanceSize string          `json:"instanceSize"`
	Scaling      EndpointScaling `json:"scaling"`
}

// EndpointScaling bounds the replicas.
type EndpointScaling struct {
	MinReplica int `json:"minReplica"`
	MaxReplica int `json:"maxReplica"`
	// ScaleToZeroTimeout is in minutes (nil: the API's default).
	ScaleToZeroTimeout *int `json:"scaleToZeroTimeout,omitempty"`
	// Measure is {"pendingRequests": n} or {"hardwareUsage": n}.
	Measure map[string]float64 `json:"measure,omitempty"`
}

// EndpointModel is what an endpoint serves.
type EndpointModel struct {
	Repository string `json:"repository"`
	Revision   string `json:"revision,omitempty"`
	Task       string `json:"task,omitempty"`
	Framework  string `json:"framework,omitempty"`
	// Image is keyed by engine: {"huggingface": {}}, {"tgi": {...}},
	// {"custom": {"url": ...}}.
	Image   map[string]any    `json:"image,omitempty"`
	Command []string          `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	// Secrets are returned redacted by the API.
	Secrets map[string]string `json:"secrets,omitempty"`
}

// InferenceEndpointStatus is an endpoint's state; URL is set once
// deployed.
type InferenceEndpointStatus struct {
	State         string        `json:"state"`
	URL           string        `json:"url,omitempty"`
	Message       string        `json:"message,omitempty"`
	CreatedAt     *time.Time    `json:"createdAt,omitempty"`
	UpdatedAt     *time.Time    `json:"updatedAt,omitempty"`
	ReadyReplica  int           `json:"readyReplica"`
	TargetReplica int           `json:"targetReplica"`
	CreatedBy     *EndpointUser `json:"createdBy,omitempty"`
	UpdatedBy     *EndpointUser `json:"updatedBy,omitempty"`
}

// EndpointUser is who created or changed an endpoint.
type EndpointUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// URL is the address to send inference requests to (with an inference
// client's base-URL mode, e.g. inference.WithBaseURL(ep.URL())); "" until
// deployed.
func (e *InferenceEndpoint) URL() string { return e.Status.URL }

// endpointsURL builds {InferenceEndpointsURL}/{parts...}.
func (c *Client) endpointsURL(parts ...string) string {
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.TrimRight(c.cfg.InferenceEndpointsURL, "/") + "/" + strings.Join(parts, "/")
}

// endpointsRequest sends a request to the Inference Endpoints API (or the
// catalog), with the token: newRequest only adds it for the Hub's origin.
func (c *Client) endpointsRequest(ctx context.Context, method, u string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s %s: encode body: %w", method, sanitizeURL(u), err)
		}
	}
	req, err := c.newRequest(ctx, method, u, bytesReader(body))
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := c.token(); ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	retry := retryIdempotent
	if method == http.MethodPut || method == http.MethodDelete {
		retry = retryAlways
	}
	_, err = c.doJSON(req, out, &reqOpts{Retry: retry})
	return err
}

// endpointsNamespace returns ns or the token's user.
func (c *Client) endpointsNamespace(ctx context.Context, ns string) (string, error) {
	return c.jobsNamespace(ctx, ns)
}

// EndpointOptions names the namespace of an endpoint (default: the
// token's user).
type EndpointOptions struct {
	Namespace string
}

func epNS(o *EndpointOptions) string {
	if o == nil {
		return ""
	}
	return o.Namespace
}

func checkEndpointName(name string) error {
	if name == "" || strings.ContainsAny(name, "/?# ") {
		return fmt.Errorf("%w: endpoint name %q: use lower-case letters, digits and -", ErrValidation, name)
	}
	return nil
}

func (c *Client) endpointCall(ctx context.Context, method, name string, opts *EndpointOptions, action string, in any) (*InferenceEndpoint, error) {
	if err := checkEndpointName(name); err != nil {
		return nil, err
	}
	ns, err := c.endpointsNamespace(ctx, epNS(opts))
	if err != nil {
		return nil, err
	}
	parts := []string{"endpoint", ns, name}
	if action != "" {
		parts = append(parts, action)
	}
	var ep InferenceEndpoint
	if err := c.endpointsRequest(ctx, method, c.endpointsURL(parts...), in, &ep); err != nil {
		return nil, err
	}
	ep.Namespace = ns
	return &ep, nil
}

// ListInferenceEndpoints lists the endpoints of a namespace. API: GET
// {endpoints}/endpoint/{namespace}.
func (c *Client) ListInferenceEndpoints(ctx context.Context, opts *EndpointOptions) ([]*InferenceEndpoint, error) {
	ns, err := c.endpointsNamespace(ctx, epNS(opts))
	if err != nil {
		return nil, err
	}
	var out struct {
		Items []*InferenceEndpoint `json:"items"`
	}
	if err := c.endpointsRequest(ctx, http.MethodGet, c.endpointsURL("endpoint", ns), nil, &out); err != nil {
		return nil, err
	}
	for _, e := range out.Items {
		e.Namespace = ns
	}
	if out.Items == nil {
		out.Items = []*InferenceEndpoint{}
	}
	return out.Items, nil
}

// InferenceEndpoint returns one endpoint. API: GET
// {endpoints}/endpoint/{namespace}/{name}.
func (c *Client) InferenceEndpoint(ctx context.Context, name string, opts *EndpointOptions) (*InferenceEndpoint, error) {
	return c.endpointCall(ctx, http.MethodGet, name, opts, "", nil)
}

// CreateInferenceEndpointOptions describes a new endpoint. Name,
// Repository, Vendor, Region, Accelerator, InstanceType and InstanceSize
// are required.
type CreateInferenceEndpointOptions struct {
	Name, Namespace string
	// Repository is the model ("org/model"); Revision, Task and
	// Framework (default "pytorch") describe it.
	Repository, Revision, Task, Framework   string
	Vendor, Region                          string
	Accelerator, InstanceType, InstanceSize string
	MinReplica, MaxReplica                  int
	// ScaleToZeroTimeout in minutes (0: the API's default).
	ScaleToZeroTimeout int
	// Type is "public", "authenticated" (default) or "private".
	Type string
	// Image is the engine image, e.g. {"tgi": {"url": ...}}; default
	// {"huggingface": {}}.
	Image map[string]any
	// Env and Secrets are the container's variables; secret values are
	// never logged or echoed in errors.
	Env, Secrets map[string]string
	Tags         []string
}

// CreateInferenceEndpoint deploys a model. API: POST
// {endpoints}/endpoint/{namespace}. Missing fields and invalid env names
// are refused before any request.
func (c *Client) CreateInferenceEndpoint(ctx context.Context, o *CreateInferenceEndpointOptions) (*InferenceEndpoint, error) {
	if o == nil {
		return nil, fmt.Errorf("%w: CreateInferenceEndpoint needs options", ErrValidation)
	}
	if err := checkEndpointName(o.Name); err != nil {
		return nil, err
	}
	for what, v := range map[string]string{"repository": o.Repository, "vendor": o.Vendor, "region": o.Region, "accelerator": o.Accelerator, "instance type": o.InstanceType, "instance size": o.InstanceSize} {
		if v == "" {
			return nil, fmt.Errorf("%w: endpoint %s has no %s (`hf endpoints catalog ls` and the hardware list show valid ones)", ErrValidation, o.Name, what)
		}
	}
	if o.MaxReplica < o.MinReplica || o.MaxReplica < 1 && o.MinReplica > 0 {
		return nil, fmt.Errorf("%w: max replica %d is below min replica %d", ErrValidation, o.MaxReplica, o.MinReplica)
	}
	for k := range o.Env {
		if err := ValidateEnvName(k); err != nil {
			return nil, err
		}
	}
	for k := range o.Secrets {
		if err := ValidateEnvName(k); err != nil {
			return nil, err
		}
	}
	ns, err := c.endpointsNamespace(ctx, o.Namespace)
	if err != nil {
		return nil, err
	}
	framework, typ, image := o.Framework, o.Type, o.Image
	if framework == "" {
		framework = "pytorch"
	}
	if typ == "" {
		typ = "authenticated"
	}
	if image == nil {
		image = map[string]any{"huggingface": map[string]any{}}
	}
	maxR := max(o.MaxReplica, 1)
	scaling := map[string]any{"minReplica": o.MinReplica, "maxReplica": maxR}
	if o.ScaleToZeroTimeout > 0 {
		scaling["scaleToZeroTimeout"] = o.ScaleToZeroTimeout
	}
	model := map[string]any{"repository": o.Repository, "revision": nilIfEmpty(o.Revision), "framework": framework, "image": image}
	if o.Task != "" {
		model["task"] = o.Task
	}
	if len(o.Env) > 0 {
		model["env"] = o.Env
	}
	if len(o.Secrets) > 0 {
		model["secrets"] = o.Secrets
	}
	body := map[string]any{
		"accountId": nil, "name": o.Name, "type": typ,
		"provider": map[string]string{"vendor": o.Vendor, "region": o.Region},
		"compute":  map[string]any{"accelerator": o.Accelerator, "instanceType": o.InstanceType, "instanceSize": o.InstanceSize, "scaling": scaling},
		"model":    model,
	}
	if len(o.Tags) > 0 {
		body["tags"] = o.Tags
	}
	var ep InferenceEndpoint
	if err := c.endpointsRequest(ctx, http.MethodPost, c.endpointsURL("endpoint", ns), body, &ep); err != nil {
		for _, v := range o.Secrets {
			err = redactSecret(err, v)
		}
		return nil, err
	}
	ep.Namespace = ns
	return &ep, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// UpdateInferenceEndpointOptions lists what to change; nil/zero fields
// stay as they are.
type UpdateInferenceEndpointOptions struct {
	Namespace                               string
	Accelerator, InstanceType, InstanceSize string
	MinReplica, MaxReplica                  *int
	ScaleToZeroTimeout                      *int
	Repository, Revision, Task, Framework   string
	Image                                   map[string]any
	Env, Secrets                            map[string]string
}

// UpdateInferenceEndpoint changes an endpoint (it redeploys). API: PUT
// {endpoints}/endpoint/{namespace}/{name} with the changed keys only.
func (c *Client) UpdateInferenceEndpoint(ctx context.Context, name string, o *UpdateInferenceEndpointOptions) (*InferenceEndpoint, error) {
	if o == nil {
		o = &UpdateInferenceEndpointOptions{}
	}
	compute, scaling, model := map[string]any{}, map[string]any{}, map[string]any{}
	put := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put(compute, "accelerator", o.Accelerator)
	put(compute, "instanceType", o.InstanceType)
	put(compute, "instanceSize", o.InstanceSize)
	for k, v := range map[string]*int{"minReplica": o.MinReplica, "maxReplica": o.MaxReplica, "scaleToZeroTimeout": o.ScaleToZeroTimeout} {
		if v != nil {
			scaling[k] = *v
		}
	}
	put(model, "repository", o.Repository)
	put(model, "revision", o.Revision)
	put(model, "task", o.Task)
	put(model, "framework", o.Framework)
	if o.Image != nil {
		model["image"] = o.Image
	}
	for k := range o.Env {
		if err := ValidateEnvName(k); err != nil {
			return nil, err
		}
	}
	for k := range o.Secrets {
		if err := ValidateEnvName(k); err != nil {
			return nil, err
		}
	}
	if o.Env != nil {
		model["env"] = o.Env
	}
	if o.Secrets != nil {
		model["secrets"] = o.Secrets
	}
	if len(scaling) > 0 {
		compute["scaling"] = scaling
	}
	body := map[string]any{}
	if len(compute) > 0 {
		body["compute"] = compute
	}
	if len(model) > 0 {
		body["model"] = model
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: nothing to update on endpoint %s", ErrValidation, name)
	}
	ep, err := c.endpointCall(ctx, http.MethodPut, name, &EndpointOptions{Namespace: o.Namespace}, "", body)
	if err != nil {
		for _, v := range o.Secrets {
			err = redactSecret(err, v)
		}
	}
	return ep, err
}

// DeleteInferenceEndpoint deletes an endpoint. API: DELETE
// {endpoints}/endpoint/{namespace}/{name}.
func (c *Client) DeleteInferenceEndpoint(ctx context.Context, name string, opts *EndpointOptions) error {
	if err := checkEndpointName(name); err != nil {
		return err
	}
	ns, err := c.endpointsNamespace(ctx, epNS(opts))
	if err != nil {
		return err
	}
	return c.endpointsRequest(ctx, http.MethodDelete, c.endpointsURL("endpoint", ns, name), nil, nil)
}

// PauseInferenceEndpoint stops an endpoint until resumed (not billed).
// API: POST .../pause.
func (c *Client) PauseInferenceEndpoint(ctx context.Context, name string, opts *EndpointOptions) (*InferenceEndpoint, error) {
	return c.endpointCall(ctx, http.MethodPost, name, opts, "pause", nil)
}

// ResumeInferenceEndpointOptions configures [Client.ResumeInferenceEndpoint].
type ResumeInferenceEndpointOptions struct {
	Namespace string
	// FailIfRunning makes resuming a running endpoint an error (by default
	// it is success, as Python's running_ok).
	FailIfRunning bool
}

// ResumeInferenceEndpoint restarts a paused or scaled-to-zero endpoint.
// API: POST .../resume; the API's 400 "already running" is success unless
// FailIfRunning.
func (c *Client) ResumeInferenceEndpoint(ctx context.Context, name string, o *ResumeInferenceEndpointOptions) (*InferenceEndpoint, error) {
	if o == nil {
		o = &ResumeInferenceEndpointOptions{}
	}
	opts := &EndpointOptions{Namespace: o.Namespace}
	ep, err := c.endpointCall(ctx, http.MethodPost, name, opts, "resume", nil)
	if he, ok := errors.AsType[*HubError](err); ok && he.StatusCode == http.StatusBadRequest && strings.Contains(he.Message, "already running") && !o.FailIfRunning {
		return c.InferenceEndpoint(ctx, name, opts)
	}
	return ep, err
}

// ScaleToZeroInferenceEndpoint scales an endpoint to no replica; the next
// request wakes it. API: POST .../scale-to-zero.
func (c *Client) ScaleToZeroInferenceEndpoint(ctx context.Context, name string, opts *EndpointOptions) (*InferenceEndpoint, error) {
	return c.endpointCall(ctx, http.MethodPost, name, opts, "scale-to-zero", nil)
}

// ErrEndpointFailed: [Client.WaitForInferenceEndpoint] saw the endpoint in
// state failed or updateFailed.
var ErrEndpointFailed = errors.New("inference endpoint failed")

// WaitForInferenceEndpointOptions configures [Client.WaitForInferenceEndpoint].
type WaitForInferenceEndpointOptions struct {
	Namespace string
	// PollInterval is the time between two reads (default 5 s).
	PollInterval time.Duration
}

// WaitForInferenceEndpoint polls until the endpoint runs with a URL whose
// health route answers 200 (sent with the token), or ctx is done. A
// failed or updateFailed state ends the wait with [ErrEndpointFailed].
func (c *Client) WaitForInferenceEndpoint(ctx context.Context, name string, o *WaitForInferenceEndpointOptions) (*InferenceEndpoint, error) {
	every, ns := 5*time.Second, ""
	if o != nil {
		ns = o.Namespace
		if o.PollInterval > 0 {
			every = o.PollInterval
		}
	}
	var last *InferenceEndpoint
	for {
		ep, err := c.InferenceEndpoint(ctx, name, &EndpointOptions{Namespace: ns})
		if err != nil {
			if last != nil && ctx.Err() != nil {
				return last, fmt.Errorf("endpoint %s still %s: %w", name, last.Status.State, context.Cause(ctx))
			}
			return last, err
		}
		last = ep
		switch ep.Status.State {
		case EndpointFailed, EndpointUpdateFailed:
			return ep, fmt.Errorf("%w: endpoint %s is %s: %s; see its logs in the Inference Endpoints UI", ErrEndpointFailed, name, ep.Status.State, ep.Status.Message)
		case EndpointRunning:
			if ep.Status.URL != "" && c.endpointHealthy(ctx, ep) {
				return ep, nil
			}
		}
		if err := c.sleep(ctx, every); err != nil {
			return ep, fmt.Errorf("endpoint %s still %s: %w", name, ep.Status.State, err)
		}
	}
}

// endpointHealthy GETs {url}{healthRoute} with the token.
func (c *Client) endpointHealthy(ctx context.Context, ep *InferenceEndpoint) bool {
	route := ep.HealthRoute
	if route == "" {
		route = "/health"
	}
	req, err := c.newRequest(ctx, http.MethodGet, strings.TrimRight(ep.Status.URL, "/")+route, nil)
	if err != nil {
		return false
	}
	if tok, ok := c.token(); ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.do(req, &reqOpts{Retry: retryNever})
	if err != nil {
		return false
	}
	drainClose(resp.Body)
	return resp.StatusCode == http.StatusOK
}

// EndpointComputeOption is a machine an endpoint can run on.
type EndpointComputeOption struct {
	ID              string   `json:"id"`
	Accelerator     string   `json:"accelerator"`
	NumAccelerators int      `json:"numAccelerators"`
	NumCPUs         *float64 `json:"numCpus,omitempty"`
	MemoryGB        float64  `json:"memoryGb"`
	GPUMemoryGB     *float64 `json:"gpuMemoryGb,omitempty"`
	InstanceType    string   `json:"instanceType"`
	InstanceSize    string   `json:"instanceSize"`
	Architecture    string   `json:"architecture"`
	Status          string   `json:"status"`
	PricePerHour    float64  `json:"pricePerHour"`
	// Vendor and Region are filled by the client from the listing.
	Vendor string `json:"vendor"`
	Region string `json:"region"`
}

// ListInferenceEndpointsHardware lists the machines of every vendor and
// region. API: GET {endpoints}/provider/{namespace}.
func (c *Client) ListInferenceEndpointsHardware(ctx context.Context, opts *EndpointOptions) ([]EndpointComputeOption, error) {
	ns, err := c.endpointsNamespace(ctx, epNS(opts))
	if err != nil {
		return nil, err
	}
	var out struct {
		Vendors []struct {
			Name    string `json:"name"`
			Regions []struct {
				Name     string                  `json:"name"`
				Computes []EndpointComputeOption `json:"computes"`
			} `json:"regions"`
		} `json:"vendors"`
	}
	if err := c.endpointsRequest(ctx, http.MethodGet, c.endpointsURL("provider", ns), nil, &out); err != nil {
		return nil, err
	}
	list := []EndpointComputeOption{}
	for _, v := range out.Vendors {
		for _, r := range v.Regions {
			for _, cmp := range r.Computes {
				cmp.Vendor, cmp.Region = v.Name, r.Name
				list = append(list, cmp)
			}
		}
	}
	return list, nil
}

// ListInferenceCatalog lists the model ids of the Inference Endpoints
// catalog (one-click deploys). API: GET {catalog}/repo-list.
func (c *Client) ListInferenceCatalog(ctx context.Context) ([]string, error) {
	var out struct {
		Models []string `json:"models"`
	}
	if err := c.endpointsRequest(ctx, http.MethodGet, strings.TrimRight(c.cfg.InferenceCatalogURL, "/")+"/repo-list", nil, &out); err != nil {
		return nil, err
	}
	return out.Models, nil
}

// DeployFromCatalog deploys a catalog model with its recommended
// settings. API: POST {catalog}/deploy {"namespace","repoId","endpointName"}.
func (c *Client) DeployFromCatalog(ctx context.Context, repoID, name string, opts *EndpointOptions) (*InferenceEndpoint, error) {
	if err := ValidateRepoID(repoID); err != nil {
		return nil, err
	}
	ns, err := c.endpointsNamespace(ctx, epNS(opts))
	if err != nil {
		return nil, err
	}
	body := map[string]any{"namespace": ns, "repoId": repoID}
	if name != "" {
		body["endpointName"] = name
	}
	var out struct {
		Endpoint *InferenceEndpoint `json:"endpoint"`
	}
	if err := c.endpointsRequest(ctx, http.MethodPost, strings.TrimRight(c.cfg.InferenceCatalogURL, "/")+"/deploy", body, &out); err != nil {
		return nil, err
	}
	if out.Endpoint == nil {
		return nil, fmt.Errorf("catalog deploy of %s: the answer has no endpoint", repoID)
	}
	out.Endpoint.Namespace = ns
	return out.Endpoint, nil
}

// bytesReader is nil for no body.
func bytesReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

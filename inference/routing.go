package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ProviderMapping is one entry of a model's inferenceProviderMapping: which
// provider serves the model, under which id, for which task (spec §1.3).
type ProviderMapping struct {
	Provider           string `json:"provider"`
	HFModelID          string `json:"hfModelId,omitempty"`
	ProviderID         string `json:"providerId"`
	Status             string `json:"status"` // live, staging, error
	Task               string `json:"task"`
	Adapter            string `json:"adapter,omitempty"`
	AdapterWeightsPath string `json:"adapterWeightsPath,omitempty"`
	Type               string `json:"type,omitempty"`
	IsModelAuthor      bool   `json:"isModelAuthor,omitempty"`
}

// target is where one call goes and how.
type target struct {
	url       string
	provider  string // provider id; "auto" for the chat auto router; "" for a custom URL
	spec      *provider
	route     route
	mapping   ProviderMapping
	bodyModel string // "model" of OpenAI-style bodies
	key       string
	routed    bool // through the router (HF token)
	custom    bool // base-URL mode or a URL model
}

// ProviderMappings returns the providers serving model, in the Hub's order
// (the user's preference when the request is authenticated). Results are
// cached per model for the client's lifetime. A model without providers
// gives [ErrModelNotFound].
//
// Endpoint: GET {hub}/api/models/{id}?expand=inferenceProviderMapping.
func (c *Client) ProviderMappings(ctx context.Context, model string) ([]ProviderMapping, error) {
	if v, ok := c.mappings.Load(model); ok {
		return v.([]ProviderMapping), nil
	}
	u := c.hubURL + "/api/models/" + model + "?expand=inferenceProviderMapping"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: model id %q: %v", ErrInvalidInput, model, err)
	}
	if tok := c.hubToken(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("inference: provider mapping of %s: %w", model, ctxErr(ctx, err))
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body, maxJSONBody)
	if err != nil {
		return nil, fmt.Errorf("inference: provider mapping of %s: %w", model, ctxErr(ctx, err))
	}
	if resp.StatusCode >= 400 {
		return nil, newHTTPError(resp, body, "")
	}
	var info struct {
		ID      string          `json:"id"`
		Mapping json.RawMessage `json:"inferenceProviderMapping"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, badResponse("model info of %s: %v", model, err)
	}
	list, err := decodeMappings(info.Mapping)
	if err != nil {
		return nil, badResponse("inferenceProviderMapping of %s: %v", model, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%w: no inference provider serves %s (its model page lists the providers; a model URL or WithBaseURL calls a server of your own)", ErrModelNotFound, model)
	}
	for i := range list {
		if list[i].HFModelID == "" {
			list[i].HFModelID = model
		}
	}
	c.mappings.Store(model, list)
	return list, nil
}

// decodeMappings reads the mapping as an object keyed by provider (model
// info; key order kept) or as a list whose items name their provider
// (list_models).
func decodeMappings(raw json.RawMessage) ([]ProviderMapping, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '[' {
		var list []ProviderMapping
		return list, json.Unmarshal(raw, &list)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var list []ProviderMapping
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var m ProviderMapping
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		m.Provider = tok.(string)
		list = append(list, m)
	}
	return list, nil
}

// resolve applies the algorithm of spec §1.2.
func (c *Client) resolve(ctx context.Context, task Task, model string) (*target, error) {
	if model == "" {
		model = c.model
	}
	key, isHF := c.key()
	hf := providerTable["hf-inference"]
	if c.baseURL != "" || isURL(model) {
		base, bodyModel := c.baseURL, model
		if base == "" {
			base, bodyModel = model, ""
		}
		if bodyModel == "" {
			bodyModel = "dummy"
		}
		rt, ok := hf.routes[task]
		if !ok {
			return nil, fmt.Errorf("%w: task %s cannot be sent to a custom URL", ErrInvalidInput, task)
		}
		u := base
		if task == TaskChat {
			u = chatURL(base)
		}
		return &target{url: u, spec: hf, route: rt, bodyModel: bodyModel, key: key, custom: true,
			mapping: ProviderMapping{Provider: "hf-inference", ProviderID: bodyModel, Task: string(task), Status: "live"}}, nil
	}
	prov := c.provider
	if model == "" {
		if prov != "auto" && prov != "hf-inference" {
			return nil, fmt.Errorf("%w: no model given: name one (provider %s has no recommended models)", ErrInvalidInput, prov)
		}
		m, err := c.recommendedModel(ctx, task)
		if err != nil {
			return nil, err
		}
		model, prov = m, "hf-inference"
	}
	if prov == "auto" && task == TaskChat {
		if !isHF {
			return nil, fmt.Errorf("%w: the auto router needs an HF token (hf_…); to call a provider with its own key, choose it with WithProvider", ErrInvalidInput)
		}
		return &target{url: c.routerURL + "/v1/chat/completions", provider: "auto", bodyModel: model, key: key, routed: true,
			route: route{shape: shapeChat}, spec: &provider{}}, nil
	}
	if prov == "openai" {
		if isHF {
			return nil, fmt.Errorf("%w: provider openai is called directly and needs an OpenAI key, not an HF token", ErrInvalidInput)
		}
		spec := providerTable["openai"]
		rt, ok := spec.routes[task]
		if !ok {
			return nil, fmt.Errorf("%w: openai serves only chat through this client", ErrNotSupportedByProvider)
		}
		id := strings.TrimPrefix(model, "openai/")
		return &target{url: cmpOr(c.direct["openai"], spec.direct) + rt.path, provider: "openai", spec: spec, route: rt, bodyModel: id, key: key,
			mapping: ProviderMapping{Provider: "openai", ProviderID: id, HFModelID: model, Task: string(task), Status: "live"}}, nil
	}
	hfID, _, _ := strings.Cut(model, ":") // a policy suffix is for the auto router only
	mappings, err := c.ProviderMappings(ctx, hfID)
	if err != nil {
		return nil, err
	}
	provider := prov
	var m *ProviderMapping
	if provider == "auto" {
		for i := range mappings {
			if p, ok := providerTable[mappings[i].Provider]; ok && !p.removed {
				if _, ok := p.routes[task]; ok {
					m = &mappings[i]
					break
				}
			}
		}
		if m == nil {
			return nil, fmt.Errorf("%w: none of the providers of %s (%s) serves %s through this client", ErrNotSupportedByProvider, hfID, mappingNames(mappings), task)
		}
		provider = m.Provider
	} else {
		for i := range mappings {
			if mappings[i].Provider == provider {
				m = &mappings[i]
				break
			}
		}
		if m == nil {
			return nil, fmt.Errorf("%w: model %s is not served by provider %s (it is by %s)", ErrNotSupportedByProvider, hfID, provider, mappingNames(mappings))
		}
	}
	if !taskMatches(provider, m.Task, task) {
		return nil, fmt.Errorf("%w: model %s is mapped to task %s on %s, not %s", ErrNotSupportedByProvider, hfID, m.Task, provider, task)
	}
	switch m.Status {
	case "staging":
		c.logger.Warn("inference: the provider mapping is in staging mode: use it for tests only", "model", hfID, "provider", provider)
	case "error":
		c.logger.Warn("inference: the provider mapping is in error state: the call may fail", "model", hfID, "provider", provider)
	}
	spec := providerTable[provider]
	rt, ok := spec.routes[task]
	if !ok {
		return nil, fmt.Errorf("%w: provider %s does not serve task %s through this client (it serves %v)", ErrNotSupportedByProvider, provider, task, ProviderTasks(provider))
	}
	if spec.removed {
		c.logger.Warn("inference: provider was removed from the official clients because the router stopped serving it", "provider", provider)
	}
	t := &target{provider: provider, spec: spec, route: rt, mapping: *m, bodyModel: m.ProviderID, key: key, routed: isHF}
	path := expandPath(rt.path, m.ProviderID, task)
	switch {
	case isHF:
		t.url = c.routerURL + "/" + provider + path
		if rt.queue {
			t.url += "?_subdomain=queue"
		}
	case c.direct[provider] != "":
		t.url = c.direct[provider] + path
	case spec.direct == "":
		return nil, fmt.Errorf("%w: provider %s is reached only through the router: use an HF token", ErrInvalidInput, provider)
	case rt.queue && spec.queue != "":
		t.url = spec.queue + path
	default:
		t.url = spec.direct + path
	}
	return t, nil
}

// taskMatches: the mapping's task must be the call's, except that
// hf-inference serves feature-extraction and sentence-similarity models for
// both.
func taskMatches(provider, mapped string, task Task) bool {
	if mapped == "" || mapped == string(task) {
		return true
	}
	if provider != "hf-inference" {
		return false
	}
	pair := func(t string) bool { return t == string(TaskFeatureExtraction) || t == string(TaskSentenceSimilarity) }
	if pair(mapped) && pair(string(task)) {
		return true
	}
	// TGI serves conversational and text2text models for text generation
	// too (Python's rules for hf-inference).
	return task == TaskTextGeneration && (mapped == string(TaskChat) || mapped == "text2text-generation")
}

func mappingNames(ms []ProviderMapping) string {
	var names []string
	for _, m := range ms {
		names = append(names, m.Provider)
	}
	return strings.Join(names, ", ")
}

// chatURL appends the chat path to a server URL (spec §1.2 step 1).
func chatURL(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		return base
	case strings.HasSuffix(p, "/v1"):
		u.Path = p + "/chat/completions"
	case p == "":
		u.Path = "/v1/chat/completions"
	default:
		u.Path = p + "/v1/chat/completions"
	}
	return u.String()
}

// recommendedModel is the Hub's first widget model for task (hf-inference).
//
// Endpoint: GET {hub}/api/tasks.
func (c *Client) recommendedModel(ctx context.Context, task Task) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.hubURL+"/api/tasks", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("inference: recommended model: %w", ctxErr(ctx, err))
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body, maxJSONBody)
	if err != nil {
		return "", ctxErr(ctx, err)
	}
	if resp.StatusCode >= 400 {
		return "", newHTTPError(resp, body, "")
	}
	var tasks map[string]struct {
		WidgetModels []string `json:"widgetModels"`
	}
	if err := json.Unmarshal(body, &tasks); err != nil {
		return "", badResponse("/api/tasks: %v", err)
	}
	if t, ok := tasks[string(task)]; ok && len(t.WidgetModels) > 0 {
		return t.WidgetModels[0], nil
	}
	return "", fmt.Errorf("%w: task %s has no recommended model: name one", ErrInvalidInput, task)
}

const maxJSONBody = 512 << 20 // embeddings of a large batch are big; bounded anyway

func readBounded(r io.Reader, n int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > n {
		return nil, fmt.Errorf("%w: body larger than %d bytes", ErrBadResponse, n)
	}
	return b, nil
}

// ctxErr prefers the context's error, so a cancelled call reports
// context.Canceled rather than a transport message.
func ctxErr(ctx context.Context, err error) error {
	if ce := context.Cause(ctx); ce != nil {
		return fmt.Errorf("%w (%v)", ce, err)
	}
	return err
}

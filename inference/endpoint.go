package inference

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// endpointURL is the server a URL-mode call targets: the model URL, else
// the base URL.
func (c *Client) endpointURL(model string) (string, error) {
	if model == "" {
		model = c.model
	}
	switch {
	case isURL(model):
		return strings.TrimRight(model, "/"), nil
	case c.baseURL != "":
		return strings.TrimRight(strings.TrimSuffix(strings.TrimRight(c.baseURL, "/"), "/v1"), "/"), nil
	}
	return "", fmt.Errorf("%w: EndpointInfo and HealthCheck need a server URL (a URL model or WithBaseURL): the router has neither route", ErrInvalidInput)
}

// EndpointInfo returns a TGI/TEI server's /info document (model id,
// limits, version), as Python's get_endpoint_info.
func (c *Client) EndpointInfo(ctx context.Context, model string) (map[string]any, error) {
	u, err := c.endpointURL(model)
	if err != nil {
		return nil, err
	}
	key, _ := c.key()
	t := &target{url: u + "/info", key: key, custom: true}
	resp, err := c.send(ctx, t, &request{method: http.MethodGet, url: t.url})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := readBounded(resp.Body, 1<<20)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	var info map[string]any
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, badResponse("/info: %v", err)
	}
	return info, nil
}

// HealthCheck reports whether a TGI/TEI server (or Inference Endpoint)
// answers 200 on /health, as Python's health_check. A non-200 answer is
// (false, nil); a network failure is an error.
func (c *Client) HealthCheck(ctx context.Context, model string) (bool, error) {
	u, err := c.endpointURL(model)
	if err != nil {
		return false, err
	}
	key, _ := c.key()
	t := &target{url: u + "/health", key: key, custom: true}
	resp, err := c.send(ctx, t, &request{method: http.MethodGet, url: t.url})
	if err != nil {
		if _, ok := err.(*Error); ok {
			return false, nil
		}
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

package hfhub

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// WebhookWatchedItem is what a webhook watches: a user's or org's repos
// (Type "user" or "org", Name the namespace) or one repo (Type "model",
// "dataset" or "space", Name its id).
type WebhookWatchedItem struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// ParseWebhookWatchedItem parses "type:name" (e.g. "model:acme/bert",
// "org:acme"), the form of the CLI's --watch.
func ParseWebhookWatchedItem(s string) (WebhookWatchedItem, error) {
	typ, name, ok := strings.Cut(s, ":")
	switch {
	case !ok || name == "":
		return WebhookWatchedItem{}, fmt.Errorf("%w: watched item %q: want \"type:name\", e.g. \"model:acme/bert\" or \"org:acme\"", ErrValidation, s)
	case typ != "user" && typ != "org" && typ != "model" && typ != "dataset" && typ != "space":
		return WebhookWatchedItem{}, fmt.Errorf("%w: watched item %q: type %q is not user, org, model, dataset or space", ErrValidation, s, typ)
	}
	return WebhookWatchedItem{Type: typ, Name: name}, nil
}

// WebhookInfo is a webhook of the signed-in user.
type WebhookInfo struct {
	ID      string               `json:"id"`
	URL     string               `json:"url"`
	Watched []WebhookWatchedItem `json:"watched"`
	// Domains is a subset of "repo" and "discussions".
	Domains  []string `json:"domains"`
	Secret   string   `json:"secret,omitempty"`
	Disabled bool     `json:"disabled"`
}

// WebhookDelivery is one entry of a webhook's delivery log on `hf serve`
// (the Hub keeps its log in the web settings).
type WebhookDelivery struct {
	ID              string  `json:"id"`
	WebhookID       string  `json:"webhookId"`
	Time            string  `json:"time"`
	Event           string  `json:"event"`
	Repo            string  `json:"repo"`
	URL             string  `json:"url"`
	Attempts        int     `json:"attempts"`
	Status          int     `json:"status"`
	Error           string  `json:"error,omitempty"`
	OK              bool    `json:"ok"`
	DurationSeconds float64 `json:"durationSeconds"`
}

// webhookURL is {endpoint}/api/settings/webhooks[/{id}[/part]].
func (c *Client) webhookURL(id string, part ...string) (string, error) {
	u := c.apiURL("settings", "webhooks")
	if id == "" {
		return u, nil
	}
	if strings.ContainsAny(id, "/?#") {
		return "", fmt.Errorf("%w: webhook id %q", ErrValidation, id)
	}
	return strings.Join(append([]string{u, url.PathEscape(id)}, part...), "/"), nil
}

// ListWebhooks yields the signed-in user's webhooks. Hub API: GET
// /api/settings/webhooks.
func (c *Client) ListWebhooks(ctx context.Context) iter.Seq2[*WebhookInfo, error] {
	return func(yield func(*WebhookInfo, error) bool) {
		u, _ := c.webhookURL("")
		var list []*WebhookInfo
		if _, err := c.getJSON(ctx, u, nil, &list); err != nil {
			yield(nil, fmt.Errorf("list webhooks: %w", err))
			return
		}
		for _, h := range list {
			if !yield(h, nil) {
				return
			}
		}
	}
}

// Webhook returns one webhook. Hub API: GET /api/settings/webhooks/{id}.
func (c *Client) Webhook(ctx context.Context, id string) (*WebhookInfo, error) {
	u, err := c.webhookURL(id)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Webhook *WebhookInfo `json:"webhook"`
	}
	if _, err := c.getJSON(ctx, u, nil, &resp); err != nil {
		return nil, fmt.Errorf("webhook %s: %w", id, err)
	}
	return resp.Webhook, nil
}

// WebhookOptions describe a webhook for [Client.CreateWebhook] and
// [Client.UpdateWebhook]. On update, empty fields keep their value.
type WebhookOptions struct {
	// URL receives the deliveries (required to create).
	URL string
	// Watched lists what fires the webhook (required to create).
	Watched []WebhookWatchedItem
	// Domains is a subset of "repo" and "discussions" (empty: both).
	Domains []string
	// Secret is sent in X-Webhook-Secret with every delivery.
	Secret string
}

func (o *WebhookOptions) body() map[string]any {
	b := map[string]any{"watched": o.Watched}
	if o.Watched == nil {
		b["watched"] = []WebhookWatchedItem{}
	}
	if o.URL != "" {
		b["url"] = o.URL
	}
	if o.Domains != nil {
		b["domains"] = o.Domains
	}
	if o.Secret != "" {
		b["secret"] = o.Secret
	}
	return b
}

func (c *Client) postWebhook(ctx context.Context, id, part string, body any) (*WebhookInfo, error) {
	parts := []string{}
	if part != "" {
		parts = append(parts, part)
	}
	u, err := c.webhookURL(id, parts...)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Webhook *WebhookInfo `json:"webhook"`
	}
	if _, err := c.sendJSON(ctx, http.MethodPost, u, body, &resp, &reqOpts{Retry: retryNever}); err != nil {
		return nil, err
	}
	if resp.Webhook == nil {
		return nil, fmt.Errorf("%w: POST %s: the answer has no \"webhook\"", ErrServer, sanitizeURL(u))
	}
	return resp.Webhook, nil
}

// CreateWebhook creates a webhook. Hub API: POST /api/settings/webhooks
// {url, watched, domains, secret}.
func (c *Client) CreateWebhook(ctx context.Context, opts WebhookOptions) (*WebhookInfo, error) {
	if opts.URL == "" || len(opts.Watched) == 0 {
		return nil, fmt.Errorf("%w: a webhook needs a URL and at least one watched item", ErrValidation)
	}
	h, err := c.postWebhook(ctx, "", "", opts.body())
	if err != nil {
		return nil, fmt.Errorf("create webhook: %w", err)
	}
	return h, nil
}

// UpdateWebhook changes a webhook; empty fields of opts keep their value.
// Hub API: POST /api/settings/webhooks/{id}.
func (c *Client) UpdateWebhook(ctx context.Context, id string, opts WebhookOptions) (*WebhookInfo, error) {
	h, err := c.postWebhook(ctx, id, "", opts.body())
	if err != nil {
		return nil, fmt.Errorf("update webhook %s: %w", id, err)
	}
	return h, nil
}

// EnableWebhook turns a disabled webhook back on. Hub API: POST
// /api/settings/webhooks/{id}/enable.
func (c *Client) EnableWebhook(ctx context.Context, id string) (*WebhookInfo, error) {
	h, err := c.postWebhook(ctx, id, "enable", nil)
	if err != nil {
		return nil, fmt.Errorf("enable webhook %s: %w", id, err)
	}
	return h, nil
}

// DisableWebhook stops a webhook from firing. Hub API: POST
// /api/settings/webhooks/{id}/disable.
func (c *Client) DisableWebhook(ctx context.Context, id string) (*WebhookInfo, error) {
	h, err := c.postWebhook(ctx, id, "disable", nil)
	if err != nil {
		return nil, fmt.Errorf("disable webhook %s: %w", id, err)
	}
	return h, nil
}

// DeleteWebhook deletes a webhook. Hub API: DELETE /api/settings/webhooks/{id}.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	u, err := c.webhookURL(id)
	if err != nil {
		return err
	}
	if _, err := c.sendJSON(ctx, http.MethodDelete, u, nil, nil, &reqOpts{Retry: retryNever}); err != nil {
		return fmt.Errorf("delete webhook %s: %w", id, err)
	}
	return nil
}

// WebhookDeliveries returns the delivery log of a webhook, oldest first.
// This is `hf serve`'s route GET /api/settings/webhooks/{id}/deliveries;
// the Hub shows its log on the webhook's settings page instead.
func (c *Client) WebhookDeliveries(ctx context.Context, id string) ([]WebhookDelivery, error) {
	u, err := c.webhookURL(id, "deliveries")
	if err != nil {
		return nil, err
	}
	var out []WebhookDelivery
	if _, err := c.getJSON(ctx, u, nil, &out); err != nil {
		return nil, fmt.Errorf("deliveries of webhook %s: %w", id, err)
	}
	return out, nil
}

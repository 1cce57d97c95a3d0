package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// ValidateEnvName checks a secret or environment variable name: letters,
// digits and underscores, not starting with a digit ([ErrValidation]).
func ValidateEnvName(name string) error {
	ok := name != ""
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("%w: %q is not a valid environment variable name: use letters, digits and _, not starting with a digit", ErrValidation, name)
	}
	return nil
}

// SpaceSecret is a secret of a Space. Its value is write-only: the Hub
// never returns it.
type SpaceSecret struct {
	Key         string     `json:"key"`
	Description string     `json:"description,omitempty"`
	UpdatedAt   *time.Time `json:"updatedAt,omitempty"`
}

// SpaceVariable is a public environment variable of a Space.
type SpaceVariable struct {
	Key         string     `json:"key"`
	Value       string     `json:"value"`
	Description string     `json:"description,omitempty"`
	UpdatedAt   *time.Time `json:"updatedAt,omitempty"`
}

// SpaceKeyOptions configures adding a secret or variable.
type SpaceKeyOptions struct {
	// Description is shown in the Space settings.
	Description string
}

// kvEntry is one value of the Hub's secrets and variables objects.
type kvEntry struct {
	Value       string     `json:"value"`
	Description string     `json:"description"`
	UpdatedAt   *time.Time `json:"updatedAt"`
}

func variablesOf(m map[string]kvEntry) []SpaceVariable {
	out := make([]SpaceVariable, 0, len(m))
	for k, v := range m {
		out = append(out, SpaceVariable{Key: k, Value: v.Value, Description: v.Description, UpdatedAt: v.UpdatedAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// editSpaceKey sends {"key","value"[,"description"]} (POST) or {"key"}
// (DELETE) to /api/spaces/{id}/{part} and decodes the answer into out.
func (c *Client) editSpaceKey(ctx context.Context, method, id, part, key string, value *string, opts *SpaceKeyOptions, out any) error {
	if err := ValidateEnvName(key); err != nil {
		return err
	}
	u, err := c.spaceURL(id, part)
	if err != nil {
		return err
	}
	body := map[string]string{"key": key}
	if value != nil {
		body["value"] = *value
	}
	if opts != nil && opts.Description != "" {
		body["description"] = opts.Description
	}
	_, err = c.sendJSON(ctx, method, u, body, out, &reqOpts{Retry: retryAlways})
	if err != nil && value != nil && part == "secrets" {
		err = redactSecret(err, *value)
	}
	return err
}

// redactSecret removes a secret value from an error's text (a server may
// echo the request).
func redactSecret(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	if he, ok := errors.AsType[*HubError](err); ok {
		he.Message = strings.ReplaceAll(he.Message, secret, "***")
		if !strings.Contains(err.Error(), secret) {
			return err
		}
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "***"))
}

// AddSpaceSecret adds or updates a secret of a Space (the Space restarts to
// use it). The value is sent once and never logged or echoed in errors.
// Hub API: POST /api/spaces/{id}/secrets.
func (c *Client) AddSpaceSecret(ctx context.Context, id, key, value string, opts *SpaceKeyOptions) error {
	return c.editSpaceKey(ctx, http.MethodPost, id, "secrets", key, &value, opts, nil)
}

// DeleteSpaceSecret removes a secret (a missing key is no error). Hub API:
// DELETE /api/spaces/{id}/secrets {"key"}.
func (c *Client) DeleteSpaceSecret(ctx context.Context, id, key string) error {
	return c.editSpaceKey(ctx, http.MethodDelete, id, "secrets", key, nil, nil, nil)
}

// SpaceSecrets lists the secrets of a Space (keys, descriptions and update
// times; never values), sorted by key. Hub API: GET
// /api/spaces/{id}/secrets.
func (c *Client) SpaceSecrets(ctx context.Context, id string) ([]SpaceSecret, error) {
	u, err := c.spaceURL(id, "secrets")
	if err != nil {
		return nil, err
	}
	var m map[string]kvEntry
	if _, err := c.getJSON(ctx, u, nil, &m); err != nil {
		return nil, err
	}
	out := make([]SpaceSecret, 0, len(m))
	for _, v := range variablesOf(m) {
		out = append(out, SpaceSecret{Key: v.Key, Description: v.Description, UpdatedAt: v.UpdatedAt})
	}
	return out, nil
}

// SpaceVariables lists the variables of a Space, sorted by key. Hub API:
// GET /api/spaces/{id}/variables.
func (c *Client) SpaceVariables(ctx context.Context, id string) ([]SpaceVariable, error) {
	u, err := c.spaceURL(id, "variables")
	if err != nil {
		return nil, err
	}
	var m map[string]kvEntry
	if _, err := c.getJSON(ctx, u, nil, &m); err != nil {
		return nil, err
	}
	return variablesOf(m), nil
}

// AddSpaceVariable adds or updates a variable and returns them all. Hub
// API: POST /api/spaces/{id}/variables.
func (c *Client) AddSpaceVariable(ctx context.Context, id, key, value string, opts *SpaceKeyOptions) ([]SpaceVariable, error) {
	var m map[string]kvEntry
	if err := c.editSpaceKey(ctx, http.MethodPost, id, "variables", key, &value, opts, &m); err != nil {
		return nil, err
	}
	return variablesOf(m), nil
}

// DeleteSpaceVariable removes a variable (a missing key is no error) and
// returns the rest. Hub API: DELETE /api/spaces/{id}/variables {"key"}.
func (c *Client) DeleteSpaceVariable(ctx context.Context, id, key string) ([]SpaceVariable, error) {
	var m map[string]kvEntry
	if err := c.editSpaceKey(ctx, http.MethodDelete, id, "variables", key, nil, nil, &m); err != nil {
		return nil, err
	}
	return variablesOf(m), nil
}

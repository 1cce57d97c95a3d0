package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// ErrWebhookNotFound: no webhook with that id (or not the caller's).
var ErrWebhookNotFound = errors.New("webhook not found")

// WatchedItem is what a webhook watches: a user's or org's repos
// (Type "user" or "org", Name the namespace) or one repo (Type "model",
// "dataset" or "space", Name its id).
type WatchedItem struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// Webhook is a user's webhook. All webhooks are kept in webhooks.json,
// written atomically on every change.
type Webhook struct {
	ID      string        `json:"id"`
	Owner   string        `json:"owner"`
	URL     string        `json:"url"`
	Watched []WatchedItem `json:"watched"`
	// Domains is a subset of "repo" and "discussions"; empty means both.
	Domains   []string  `json:"domains"`
	Secret    string    `json:"secret,omitempty"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"createdAt"`
}

// WebhookDomains are the domains a webhook may watch.
var WebhookDomains = []string{"repo", "discussions"}

// ValidateWebhook checks a webhook's URL, watched items and domains.
func ValidateWebhook(h *Webhook) error {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: webhook url %q: want an absolute http(s) URL", ErrInvalid, h.URL)
	}
	if len(h.Watched) == 0 {
		return fmt.Errorf("%w: a webhook must watch at least one item (type user, org, model, dataset or space, and a name)", ErrInvalid)
	}
	for _, w := range h.Watched {
		switch w.Type {
		case "user", "org":
			if ValidateUserName(w.Name) != nil {
				return fmt.Errorf("%w: watched %s %q is not a valid name", ErrInvalid, w.Type, w.Name)
			}
		case "model", "dataset", "space":
			if err := ValidateRepoID(w.Name); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: watched type %q: want user, org, model, dataset or space", ErrInvalid, w.Type)
		}
	}
	for _, d := range h.Domains {
		if !slices.Contains(WebhookDomains, d) {
			return fmt.Errorf("%w: webhook domain %q: want \"repo\" or \"discussions\"", ErrInvalid, d)
		}
	}
	return nil
}

// Watches reports whether h watches repo id of type t, for events of domain.
func (h *Webhook) Watches(t RepoType, id, domain string) bool {
	if len(h.Domains) > 0 && !slices.Contains(h.Domains, domain) {
		return false
	}
	ns, _, _ := strings.Cut(id, "/")
	for _, w := range h.Watched {
		switch w.Type {
		case "user", "org":
			if w.Name == ns && strings.Contains(id, "/") {
				return true
			}
		default:
			if w.Type == string(t) && w.Name == id {
				return true
			}
		}
	}
	return false
}

// webhookSet is the store's webhooks; guarded by its own lock.
type webhookSet struct {
	mu     sync.Mutex
	loaded bool
	hooks  map[string]*Webhook
}

func (s *Store) webhookFile() string { return filepath.Join(s.dir, "webhooks.json") }

// loadWebhooks reads webhooks.json once. Caller holds s.hooks.mu.
func (s *Store) loadWebhooks() error {
	if s.hooks.loaded {
		return nil
	}
	s.hooks.hooks = map[string]*Webhook{}
	data, err := os.ReadFile(s.webhookFile())
	if errors.Is(err, fs.ErrNotExist) {
		s.hooks.loaded = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var list []*Webhook
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("store: %s: %w", s.webhookFile(), err)
	}
	for _, h := range list {
		s.hooks.hooks[h.ID] = h
	}
	s.hooks.loaded = true
	return nil
}

// saveWebhooks writes next as webhooks.json and makes it current. Caller
// holds s.hooks.mu.
func (s *Store) saveWebhooks(next map[string]*Webhook) error {
	list := make([]*Webhook, 0, len(next))
	for _, h := range next {
		list = append(list, h)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(s.webhookFile(), data, 0o600); err != nil {
		return fmt.Errorf("store: save webhooks: %w", err)
	}
	s.hooks.hooks = next
	return nil
}

// Webhooks returns copies of the webhooks of owner ("" = every webhook),
// sorted by id.
func (s *Store) Webhooks(owner string) ([]Webhook, error) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	if err := s.loadWebhooks(); err != nil {
		return nil, err
	}
	out := []Webhook{}
	for _, h := range s.hooks.hooks {
		if owner == "" || h.Owner == owner {
			c := *h
			c.Watched, c.Domains = slices.Clone(h.Watched), slices.Clone(h.Domains)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// PutWebhook creates (empty ID) or replaces webhook h after validating it,
// and returns what was stored. Replacing needs the same owner.
func (s *Store) PutWebhook(ctx context.Context, h Webhook) (Webhook, error) {
	if err := ctx.Err(); err != nil {
		return Webhook{}, err
	}
	if err := ValidateWebhook(&h); err != nil {
		return Webhook{}, err
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	if err := s.loadWebhooks(); err != nil {
		return Webhook{}, err
	}
	if h.ID == "" {
		h.ID = newEventID()
		h.CreatedAt = s.stamp()
	} else if cur, ok := s.hooks.hooks[h.ID]; !ok || cur.Owner != h.Owner {
		return Webhook{}, fmt.Errorf("%w: %s", ErrWebhookNotFound, h.ID)
	}
	next := make(map[string]*Webhook, len(s.hooks.hooks)+1)
	for k, v := range s.hooks.hooks {
		next[k] = v
	}
	stored := h
	next[h.ID] = &stored
	if err := s.saveWebhooks(next); err != nil {
		return Webhook{}, err
	}
	return h, nil
}

// DeleteWebhook deletes webhook id of owner ("" = any owner).
func (s *Store) DeleteWebhook(ctx context.Context, owner, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	if err := s.loadWebhooks(); err != nil {
		return err
	}
	if cur, ok := s.hooks.hooks[id]; !ok || (owner != "" && cur.Owner != owner) {
		return fmt.Errorf("%w: %s", ErrWebhookNotFound, id)
	}
	next := make(map[string]*Webhook, len(s.hooks.hooks))
	for k, v := range s.hooks.hooks {
		if k != id {
			next[k] = v
		}
	}
	return s.saveWebhooks(next)
}

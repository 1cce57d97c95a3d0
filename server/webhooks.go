package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/webhook"
)

// Webhooks, with the Hub's routes and bodies (HfApi's list_webhooks,
// get_webhook, create_webhook, update_webhook, enable_webhook,
// disable_webhook, delete_webhook):
//
//	GET    /api/settings/webhooks                 -> [webhook...]
//	POST   /api/settings/webhooks                 {url, watched, domains, secret} -> {"webhook"}
//	GET    /api/settings/webhooks/{id}            -> {"webhook"}
//	POST   /api/settings/webhooks/{id}            {url, watched, domains, secret} -> {"webhook"}
//	POST   /api/settings/webhooks/{id}/enable|disable
//	DELETE /api/settings/webhooks/{id}
//	GET    /api/settings/webhooks/{id}/deliveries -> the delivery log (this server's)
//
// A user sees and changes only their own webhooks (admin tokens: all);
// changes need a write token. Webhooks fire on repo events (scopes repo,
// repo.content, repo.config) and discussion events (discussion,
// discussion.comment) of the repos they watch: an HTTP POST of a
// [webhook.Payload] with the secret in X-Webhook-Secret, retried on
// network errors, 429 and 5xx answers (WithWebhookRetries), each delivery
// recorded in a bounded log. Private repos fire only webhooks whose owner
// may read them.

// Delivery is one entry of a webhook's delivery log.
type Delivery struct {
	ID        string    `json:"id"`
	WebhookID string    `json:"webhookId"`
	Time      time.Time `json:"time"`
	Event     string    `json:"event"` // scope.action
	Repo      string    `json:"repo"`
	URL       string    `json:"url"`
	Attempts  int       `json:"attempts"`
	Status    int       `json:"status"` // the last answer's status, 0 when none came
	Error     string    `json:"error,omitempty"`
	OK        bool      `json:"ok"`
	Duration  float64   `json:"durationSeconds"`
}

// maxDeliveries bounds each webhook's delivery log.
const maxDeliveries = 100

// webhookState is the server's webhook machinery.
type webhookState struct {
	attempts int
	backoff  time.Duration
	client   *http.Client

	wg  sync.WaitGroup
	sem chan struct{} // bounds concurrent deliveries

	mu  sync.Mutex
	log map[string][]Delivery // webhook id -> newest last
}

// WithWebhookRetries makes each webhook delivery try up to attempts times
// (default 3), waiting backoff, then twice as long, between tries (default
// 1s).
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(s *Server) { s.hooks.attempts, s.hooks.backoff = attempts, backoff }
}

// WithWebhookClient sends webhook deliveries with c (default: a client
// with a 10 s timeout).
func WithWebhookClient(c *http.Client) Option {
	return func(s *Server) { s.hooks.client = c }
}

// webhookSeg returns segment i after /api/settings/webhooks/ (the server
// routes through ServeMux.Handler, which sets no path values).
func webhookSeg(r *http.Request, i int) string {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/settings/webhooks/"), "/")
	if i < len(segs) {
		return segs[i]
	}
	return ""
}

// WaitWebhooks blocks until every webhook delivery started so far has
// finished (succeeded or used up its retries).
func (s *Server) WaitWebhooks() { s.hooks.wg.Wait() }

// registerWebhookRoutes adds the webhook settings endpoints.
func (s *Server) registerWebhookRoutes() {
	h := &s.hooks
	if h.attempts <= 0 {
		h.attempts = 3
	}
	if h.backoff <= 0 {
		h.backoff = time.Second
	}
	if h.client == nil {
		h.client = &http.Client{Timeout: 10 * time.Second}
	}
	h.sem = make(chan struct{}, 8)
	h.log = map[string][]Delivery{}
	s.mux.HandleFunc("GET /api/settings/webhooks", s.handleListWebhooks)
	s.mux.HandleFunc("POST /api/settings/webhooks", func(w http.ResponseWriter, r *http.Request) { s.handlePutWebhook(w, r, "") })
	s.mux.HandleFunc("GET /api/settings/webhooks/{id}", s.handleGetWebhook)
	s.mux.HandleFunc("POST /api/settings/webhooks/{id}", func(w http.ResponseWriter, r *http.Request) { s.handlePutWebhook(w, r, webhookSeg(r, 0)) })
	s.mux.HandleFunc("DELETE /api/settings/webhooks/{id}", s.handleDeleteWebhook)
	s.mux.HandleFunc("POST /api/settings/webhooks/{id}/{action}", s.handleToggleWebhook)
	s.mux.HandleFunc("GET /api/settings/webhooks/{id}/deliveries", s.handleWebhookDeliveries)
}

func webhookJSON(h *store.Webhook) map[string]any {
	watched := make([]map[string]string, 0, len(h.Watched))
	for _, w := range h.Watched {
		watched = append(watched, map[string]string{"type": w.Type, "name": w.Name})
	}
	domains := h.Domains
	if len(domains) == 0 {
		domains = store.WebhookDomains
	}
	out := map[string]any{"id": h.ID, "url": h.URL, "watched": watched, "domains": domains, "disabled": h.Disabled, "job": nil, "secret": nil}
	if h.Secret != "" {
		out["secret"] = h.Secret
	}
	return out
}

// webhookCaller authenticates the caller of a webhook route; write
// additionally needs a write or admin token.
func (s *Server) webhookCaller(w http.ResponseWriter, r *http.Request, write bool) (*User, bool) {
	u, ok := s.needUser(w, r)
	if !ok {
		return nil, false
	}
	if write && u.Role < RoleWrite {
		writeError(w, r, http.StatusForbidden, "", "This token can only read: managing webhooks needs a write token.")
		return nil, false
	}
	return u, true
}

// ownerFilter is the owner whose webhooks u sees ("" for admins: all).
func ownerFilter(u *User) string {
	if u.Role == RoleAdmin {
		return ""
	}
	return u.Name
}

// findWebhook loads webhook id for u, answering 404 when it is not theirs.
func (s *Server) findWebhook(w http.ResponseWriter, r *http.Request, u *User, id string) (store.Webhook, bool) {
	list, err := s.store.Webhooks(ownerFilter(u))
	if err != nil {
		s.writeStoreError(w, r, nil, err)
		return store.Webhook{}, false
	}
	for _, h := range list {
		if h.ID == id {
			return h, true
		}
	}
	writeError(w, r, http.StatusNotFound, "", "Webhook "+id+" not found")
	return store.Webhook{}, false
}

func (s *Server) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	u, ok := s.webhookCaller(w, r, false)
	if !ok {
		return
	}
	list, err := s.store.Webhooks(ownerFilter(u))
	if err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for i := range list {
		out = append(out, webhookJSON(&list[i]))
	}
	writeJSON(w, r, out)
}

func (s *Server) handleGetWebhook(w http.ResponseWriter, r *http.Request) {
	u, ok := s.webhookCaller(w, r, false)
	if !ok {
		return
	}
	if h, ok := s.findWebhook(w, r, u, webhookSeg(r, 0)); ok {
		writeJSON(w, r, map[string]any{"webhook": webhookJSON(&h)})
	}
}

// handlePutWebhook creates (id "") or updates a webhook. On update, absent
// fields and an empty "watched" keep their values.
func (s *Server) handlePutWebhook(w http.ResponseWriter, r *http.Request, id string) {
	u, ok := s.webhookCaller(w, r, true)
	if !ok {
		return
	}
	var body struct {
		URL         *string             `json:"url"`
		JobSourceID string              `json:"jobSourceId"`
		Watched     []store.WatchedItem `json:"watched"`
		Domains     []string            `json:"domains"`
		Secret      *string             `json:"secret"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.JobSourceID != "" {
		writeError(w, r, http.StatusBadRequest, "", "This server runs no Jobs: give the webhook a \"url\" instead of \"jobSourceId\"")
		return
	}
	h := store.Webhook{Owner: u.Name}
	if id != "" {
		cur, ok := s.findWebhook(w, r, u, id)
		if !ok {
			return
		}
		h = cur
	} else if body.URL == nil {
		writeError(w, r, http.StatusBadRequest, "", "Missing \"url\": the address deliveries are POSTed to")
		return
	}
	if body.URL != nil {
		h.URL = *body.URL
	}
	if len(body.Watched) > 0 || id == "" {
		h.Watched = body.Watched
	}
	if body.Domains != nil {
		h.Domains = body.Domains
	}
	if body.Secret != nil {
		h.Secret = *body.Secret
	}
	saved, err := s.store.PutWebhook(r.Context(), h)
	if err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	writeJSON(w, r, map[string]any{"webhook": webhookJSON(&saved)})
}

func (s *Server) handleToggleWebhook(w http.ResponseWriter, r *http.Request) {
	action := webhookSeg(r, 1)
	if action != "enable" && action != "disable" {
		writeError(w, r, http.StatusNotFound, "", "Not Found: use webhooks/{id}/enable or /disable")
		return
	}
	u, ok := s.webhookCaller(w, r, true)
	if !ok {
		return
	}
	h, ok := s.findWebhook(w, r, u, webhookSeg(r, 0))
	if !ok {
		return
	}
	h.Disabled = action == "disable"
	saved, err := s.store.PutWebhook(r.Context(), h)
	if err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	writeJSON(w, r, map[string]any{"webhook": webhookJSON(&saved)})
}

func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	u, ok := s.webhookCaller(w, r, true)
	if !ok {
		return
	}
	h, ok := s.findWebhook(w, r, u, webhookSeg(r, 0))
	if !ok {
		return
	}
	if err := s.store.DeleteWebhook(r.Context(), "", h.ID); err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	s.hooks.mu.Lock()
	delete(s.hooks.log, h.ID)
	s.hooks.mu.Unlock()
	writeJSON(w, r, map[string]any{})
}

func (s *Server) handleWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	u, ok := s.webhookCaller(w, r, false)
	if !ok {
		return
	}
	h, ok := s.findWebhook(w, r, u, webhookSeg(r, 0))
	if !ok {
		return
	}
	s.hooks.mu.Lock()
	out := append([]Delivery{}, s.hooks.log[h.ID]...)
	s.hooks.mu.Unlock()
	writeJSON(w, r, out)
}

// Deliveries returns the delivery log of webhook id, oldest first.
func (s *Server) Deliveries(id string) []Delivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Delivery{}, s.hooks.log[id]...)
}

// canReadAs reports whether the user name may read a private repo of namespace ns.
func (s *Server) canReadAs(name, ns string) bool {
	if name == ns {
		return true
	}
	for _, u := range s.tokens {
		if u.Name == name && u.Role == RoleAdmin {
			return true
		}
	}
	return false
}

// repoPayload describes a repo in a payload.
func (s *Server) repoPayload(r *http.Request, info store.RepoInfo) webhook.Repo {
	web := s.repoWebURL(r, info.Type, info.ID)
	return webhook.Repo{
		ID: info.ObjectID, Owner: webhook.ObjectID{ID: userObjectID(info.Namespace())}, HeadSHA: info.Head,
		Name: info.ID, Private: info.Private, Type: string(info.Type),
		URL: webhook.URL{Web: web, API: s.baseFor(r) + "/api/" + info.Type.Plural() + "/" + info.ID},
	}
}

// emit fires the webhooks that watch info's repo for domain ("repo" or
// "discussions") with p (its Repo filled here).
func (s *Server) emit(r *http.Request, info store.RepoInfo, domain string, p webhook.Payload) {
	if s.hooks.sem == nil {
		return // a read-only server has no webhooks
	}
	hooks, err := s.store.Webhooks("")
	if err != nil {
		s.logWebhook(r.Context(), "webhooks unreadable", "err", err)
		return
	}
	p.Repo = s.repoPayload(r, info)
	for _, h := range hooks {
		if h.Disabled || !h.Watches(info.Type, info.ID, domain) || (info.Private && !s.canReadAs(h.Owner, info.Namespace())) {
			continue
		}
		p.Webhook = webhook.WebhookRef{ID: h.ID, Version: 3}
		body, err := json.Marshal(p)
		if err != nil {
			continue // payload types always marshal
		}
		s.hooks.wg.Add(1)
		go s.deliver(h, p.Event.Scope+"."+p.Event.Action, info.ID, body)
	}
}

// deliver POSTs body to h.URL with bounded retries and records the outcome.
func (s *Server) deliver(h store.Webhook, event, repo string, body []byte) {
	defer s.hooks.wg.Done()
	s.hooks.sem <- struct{}{}
	defer func() { <-s.hooks.sem }()
	start := time.Now()
	d := Delivery{ID: randomID(), WebhookID: h.ID, Time: start.UTC(), Event: event, Repo: repo, URL: h.URL}
	wait := s.hooks.backoff
	for d.Attempts < s.hooks.attempts {
		if d.Attempts > 0 {
			time.Sleep(wait)
			wait *= 2
		}
		d.Attempts++
		status, err := s.post(h, body)
		d.Status, d.Error = status, ""
		switch {
		case err != nil:
			d.Error = err.Error()
		case status >= 300:
			d.Error = "the receiver answered " + strconv.Itoa(status) + " " + http.StatusText(status)
		}
		if err == nil && status < 300 {
			d.OK = true
			break
		}
		if err == nil && status < 500 && status != http.StatusTooManyRequests && status != http.StatusRequestTimeout {
			break // the receiver refused it: retrying will not help
		}
	}
	d.Duration = time.Since(start).Seconds()
	if !d.OK {
		s.logWebhook(context.Background(), "webhook delivery failed", "webhook", h.ID, "url", h.URL, "event", event, "status", d.Status, "err", d.Error, "attempts", d.Attempts)
	}
	s.hooks.mu.Lock()
	log := append(s.hooks.log[h.ID], d)
	if len(log) > maxDeliveries {
		log = log[len(log)-maxDeliveries:]
	}
	s.hooks.log[h.ID] = log
	s.hooks.mu.Unlock()
}

func (s *Server) post(h store.Webhook, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "hfhub-webhooks/3")
	if h.Secret != "" {
		req.Header.Set(webhook.SecretHeader, h.Secret)
	}
	resp, err := s.hooks.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // best effort: let the connection be reused
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (s *Server) logWebhook(ctx context.Context, msg string, args ...any) {
	if s.logger != nil {
		s.logger.WarnContext(ctx, msg, args...)
	}
}

// randomID is a random 24-hex id.
func randomID() string {
	b := make([]byte, 12)
	rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

package webhook

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
)

// SecretHeader is the header the Hub sends the webhook's secret in.
const SecretHeader = "X-Webhook-Secret"

// DefaultMaxBody bounds a payload (the Hub's are a few KiB).
const DefaultMaxBody = 1 << 20

// Func handles one decoded payload. An error answers 500, which makes the
// sender retry; return nil for events you ignore.
type Func func(ctx context.Context, p *Payload) error

// Handler is an http.Handler for webhook deliveries. Create it with
// [NewHandler]; it is safe for concurrent use. It answers:
//
//   - 405 to anything but POST;
//   - 401 when the secret is missing or wrong (compared in constant time);
//   - 415 for a body that is not JSON, 413 beyond MaxBody, 400 for JSON
//     that is not a payload (no event or repo);
//   - 500 when the callback fails, 200 when it succeeds.
type Handler struct {
	// Secret is the webhook's secret. Empty accepts deliveries without a
	// secret only: a configured secret must match.
	Secret string
	// Fn receives every verified payload.
	Fn Func
	// MaxBody bounds the body in bytes (0: DefaultMaxBody).
	MaxBody int64
	// Logger, if set, logs refused deliveries and callback errors.
	Logger *slog.Logger
}

// NewHandler returns a Handler checking secret and calling fn.
func NewHandler(secret string, fn Func) *Handler {
	return &Handler{Secret: secret, Fn: fn}
}

// ServeHTTP verifies, decodes and dispatches one delivery.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(w, r, http.StatusMethodNotAllowed, "webhook deliveries are POST requests")
		return
	}
	if got := r.Header.Get(SecretHeader); subtle.ConstantTimeCompare([]byte(got), []byte(h.Secret)) != 1 {
		h.refuse(w, r, http.StatusUnauthorized, "missing or wrong "+SecretHeader)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		h.refuse(w, r, http.StatusUnsupportedMediaType, "the payload must be application/json")
		return
	}
	p, err := Decode(http.MaxBytesReader(w, r.Body, h.maxBody()))
	if err != nil {
		status := http.StatusBadRequest
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			status = http.StatusRequestEntityTooLarge
		}
		h.refuse(w, r, status, err.Error())
		return
	}
	if h.Fn != nil {
		if err := h.Fn(r.Context(), p); err != nil {
			if h.Logger != nil {
				h.Logger.Error("webhook callback failed", "event", p.Event.Scope+"."+p.Event.Action, "repo", p.Repo.Name, "err", err)
			}
			http.Error(w, "webhook handler failed", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true}`)
}

func (h *Handler) maxBody() int64 {
	if h.MaxBody > 0 {
		return h.MaxBody
	}
	return DefaultMaxBody
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if h.Logger != nil {
		h.Logger.Warn("webhook delivery refused", "status", status, "reason", msg, "remote", r.RemoteAddr)
	}
	http.Error(w, msg, status)
}

// Decode reads one payload and checks it names an event and a repo.
func Decode(r io.Reader) (*Payload, error) {
	p := &Payload{}
	if err := json.NewDecoder(r).Decode(p); err != nil {
		return nil, fmt.Errorf("webhook: decode payload: %w", err)
	}
	if p.Event.Action == "" || p.Event.Scope == "" || p.Repo.Name == "" {
		return nil, errors.New("webhook: the payload has no event action, scope or repo name")
	}
	return p, nil
}

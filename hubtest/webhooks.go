package hubtest

import (
	"time"

	"github.com/hfhub-go/hfhub/server"
)

// WithWebhookRetries makes each webhook delivery try up to attempts times,
// waiting backoff (doubling) between tries. The test Hub's default is 3
// tries 10 ms apart.
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(o *options) { o.webhooks = []server.Option{server.WithWebhookRetries(attempts, backoff)} }
}

// webhookOptions are the server options of the webhook settings.
func (o *options) webhookOptions() []server.Option {
	if o.webhooks == nil {
		return []server.Option{server.WithWebhookRetries(3, 10*time.Millisecond)}
	}
	return o.webhooks
}

// WaitWebhooks blocks until every webhook delivery started so far has
// finished; then [server.Server.Deliveries] has its outcome.
func (s *Server) WaitWebhooks() { s.handler.WaitWebhooks() }

package hfhub

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// sseOptions configures [Client.streamSSE].
type sseOptions struct {
	// Follow keeps reading until the server ends the stream, reconnecting
	// (up to 5 times, skipping events already seen) after network errors.
	// Without it, the stream is read until Idle passes with no event.
	Follow bool
	Idle   time.Duration
	// Query is sent on the first request only (a "tail" would break the
	// replay of a reconnect).
	Query url.Values
	// Finished, if set, is asked after a followed stream ends; false
	// reconnects (a job's log stream can end before the job does).
	Finished func(ctx context.Context) (bool, error)
}

// errIdle ends a non-followed stream: nothing more is buffered.
var errIdle = errors.New("no event within the idle timeout")

// maxSSELine bounds one line of an event stream.
const maxSSELine = 1 << 20

// streamSSE yields the JSON payload of each `data: {...}` event of the
// server-sent event stream at u (keep-alive and other lines are skipped).
func (c *Client) streamSSE(ctx context.Context, u string, o sseOptions) iter.Seq2[json.RawMessage, error] {
	return func(yield func(json.RawMessage, error) bool) {
		seen, tries := 0, 0
		q := o.Query
		for {
			idx, stopped := 0, false
			err := c.readSSE(ctx, withQuery(u, q), o.Follow, o.Idle, func(ev json.RawMessage) bool {
				defer func() { idx++ }()
				if idx < seen {
					return true
				}
				seen++
				if !yield(ev, nil) {
					stopped = true
					return false
				}
				return true
			})
			q = nil
			switch {
			case stopped:
				return
			case errors.Is(err, errIdle):
				return
			case err == nil:
				if !o.Follow || o.Finished == nil {
					return
				}
				done, ferr := o.Finished(ctx)
				if ferr != nil {
					yield(nil, ferr)
					return
				}
				if done {
					return
				}
				err = errors.New("the stream ended early")
			case ctx.Err() != nil:
				yield(nil, fmt.Errorf("GET %s: %w", sanitizeURL(u), context.Cause(ctx)))
				return
			}
			var he *HubError
			if errors.As(err, &he) || !o.Follow || tries >= 5 {
				yield(nil, err)
				return
			}
			tries++
			c.logger.Debug("hfhub: reconnecting an event stream", "url", sanitizeURL(u), "attempt", tries, "err", err)
			if err := c.sleep(ctx, min(c.backoff(tries), 10*time.Second)); err != nil {
				yield(nil, err)
				return
			}
		}
	}
}

// readSSE reads one connection's events, passing each `data: {` payload
// to fn until fn returns false. It returns nil when the server ends the
// stream, errIdle when not following and idle passes without an event.
func (c *Client) readSSE(ctx context.Context, u string, follow bool, idle time.Duration, fn func(json.RawMessage) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := c.newRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.do(req, &reqOpts{Retry: retryNever})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), maxSSELine)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	if idle <= 0 {
		idle = 5 * time.Second
	}
	var timer <-chan time.Time
	var t *time.Timer
	if !follow {
		t = time.NewTimer(idle)
		defer t.Stop()
		timer = t.C
	}
	for {
		select {
		case line := <-lines:
			data, ok := strings.CutPrefix(line, "data:")
			data = strings.TrimPrefix(data, " ")
			if !ok || !strings.HasPrefix(data, "{") {
				continue
			}
			if t != nil {
				t.Reset(idle)
			}
			if !fn(json.RawMessage(data)) {
				return nil
			}
		case err := <-errc:
			if err != nil {
				return fmt.Errorf("GET %s: reading the event stream: %w", sanitizeURL(u), err)
			}
			return nil
		case <-timer:
			return errIdle
		case <-ctx.Done():
			return fmt.Errorf("GET %s: %w", sanitizeURL(u), context.Cause(ctx))
		}
	}
}

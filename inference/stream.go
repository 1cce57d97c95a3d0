package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"
)

// streamData sends a streaming call and yields the data of each event
// until [DONE], the end of the body, an error event or a failure. Stopping
// early closes the body (and so the connection).
func (c *Client) streamData(ctx context.Context, in *call) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		t, err := c.resolve(ctx, in.task, in.model)
		if err != nil {
			yield(nil, err)
			return
		}
		for data, err := range c.streamTarget(ctx, t, in) {
			if !yield(data, err) || err != nil {
				return
			}
		}
	}
}

func (c *Client) streamTarget(ctx context.Context, t *target, in *call) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		r, err := t.route.shape.build(c, t, in)
		if err != nil {
			yield(nil, err)
			return
		}
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		resp, err := c.send(ctx, t, r)
		if err != nil {
			yield(nil, err)
			return
		}
		defer resp.Body.Close()
		if in.meta != nil {
			*in.meta = metaOf(resp, t)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			yield(nil, notAStream(resp, t))
			return
		}
		var body io.Reader = resp.Body
		if c.idle > 0 {
			w := newIdleWatch(c.idle, cancel)
			defer w.stop()
			body = w.reader(resp.Body)
		}
		dec := NewSSEDecoder(body)
		for {
			ev, err := dec.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, streamReadError(ctx, err))
				return
			}
			data := bytes.TrimSpace(ev.Data)
			if string(data) == "[DONE]" {
				return
			}
			if len(data) == 0 {
				continue
			}
			if isErrorEvent(data) || ev.Event == "error" {
				yield(nil, streamError(data, resp, t.provider))
				return
			}
			if !yield(data, nil) {
				return
			}
		}
	}
}

// isErrorEvent: a JSON object with a non-null "error" key.
func isErrorEvent(data []byte) bool {
	if data[0] != '{' || !bytes.Contains(data, []byte(`"error"`)) {
		return false
	}
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	return json.Unmarshal(data, &v) == nil && len(v.Error) > 0 && string(v.Error) != "null"
}

// notAStream is the error for a 2xx answer that is not text/event-stream;
// the body is kept (a JSON error with status 200 is possible).
func notAStream(resp *http.Response, t *target) error {
	b, _ := readBounded(io.LimitReader(resp.Body, 64<<10), 64<<10)
	e := newHTTPError(resp, b, providerName(t))
	if e.Message == "" || !bytes.Contains(b, []byte(`"error"`)) {
		e.kind = ErrBadResponse
		e.Message = fmt.Sprintf("expected a text/event-stream answer, got %q: %.200s", resp.Header.Get("Content-Type"), b)
	} else {
		e.kind = classify(0, e.ErrorType, false, e.Message)
		if e.kind == ErrBadResponse {
			e.kind = ErrServer
		}
	}
	return e
}

func streamReadError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		if errors.Is(cause, errIdle) {
			return fmt.Errorf("%w: the stream sent nothing for the idle timeout (%v)", ErrTimeout, err)
		}
		return fmt.Errorf("inference: stream: %w", cause)
	}
	return fmt.Errorf("%w: stream cut: %v", ErrIncompleteGeneration, err)
}

var errIdle = errors.New("stream idle timeout")

// idleWatch cancels the request when no byte arrives for d.
type idleWatch struct {
	d     time.Duration
	timer *time.Timer
}

func newIdleWatch(d time.Duration, cancel context.CancelCauseFunc) *idleWatch {
	w := &idleWatch{d: d}
	w.timer = time.AfterFunc(d, func() { cancel(errIdle) })
	return w
}

func (w *idleWatch) stop() { w.timer.Stop() }

func (w *idleWatch) reader(r io.Reader) io.Reader { return idleReader{r, w} }

type idleReader struct {
	r io.Reader
	w *idleWatch
}

func (r idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.w.timer.Reset(r.w.d)
	}
	return n, err
}

package inference

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// RealtimeOptions configure a real-time session ([Client.ConnectRealtime]).
type RealtimeOptions struct {
	// URL is the WebSocket URL (ws:// or wss://). Empty: fal's
	// wss://ws.fal.run/{providerId}, from the model's fal-ai mapping.
	URL string
	// MaxInFlight bounds the payloads sent and not yet answered; Send
	// blocks while it is reached (back-pressure). 0 means 1.
	MaxInFlight int
	// Reconnects is how many times a dropped connection is re-dialled
	// (with back-off from 100 ms, doubling, at most 5 s). Payloads not yet
	// answered are sent again on the new connection (at-least-once).
	Reconnects int
	// ReadLimit bounds one message; 0 means 64 MiB.
	ReadLimit int64
}

// RealtimeResult is one answer of a real-time session: the start metadata,
// the data frames (binary chunks concatenated, or the JSON text), the end.
type RealtimeResult struct {
	RequestID   string
	Status      int
	Header      map[string]string
	ContentType string
	Data        []byte
	Frames      int
	// Err is set when the answer's status is an error (an *Error).
	Err error
}

// JSON decodes a JSON answer.
func (r *RealtimeResult) JSON(v any) error {
	if err := json.Unmarshal(r.Data, v); err != nil {
		return badResponse("real-time answer: %v", err)
	}
	return nil
}

// Session is a real-time WebSocket session on fal's protocol (HTTP over
// WebSockets: one JSON payload per request; the answer is a start
// message, data frames and an end message). Send and Receive may be
// called from different goroutines; Close ends the session. The protocol
// is checked against the inferencetest fake only (no recording of fal's
// servers exists).
type Session struct {
	url    string
	header http.Header
	hc     *http.Client
	opt    RealtimeOptions

	ctx     context.Context
	cancel  context.CancelFunc
	sendq   chan []byte
	slots   chan struct{}
	results chan *RealtimeResult
	done    chan struct{}
	wg      sync.WaitGroup

	mu         sync.Mutex
	err        error
	reconnects int
}

// ErrSessionClosed is returned by a Session's methods after Close or
// after the connection was lost for good.
var ErrSessionClosed = errors.New("real-time session closed")

// ConnectRealtime opens a real-time session for model. Without
// opt.URL the model's fal-ai mapping gives the app id and the fal key
// (a provider key, sent as "Authorization: Key …") authenticates; the
// router does not relay WebSockets. The first connection is made before
// ConnectRealtime returns, so refusals (401, 404) surface here.
func (c *Client) ConnectRealtime(ctx context.Context, model string, opt *RealtimeOptions) (*Session, error) {
	o := RealtimeOptions{}
	if opt != nil {
		o = *opt
	}
	o.MaxInFlight = max(o.MaxInFlight, 1)
	if o.ReadLimit == 0 {
		o.ReadLimit = 64 << 20
	}
	key, isHF := c.key()
	h := http.Header{"User-Agent": {c.userAgent}}
	if o.URL == "" {
		if model == "" {
			model = c.model
		}
		if isHF {
			return nil, fmt.Errorf("%w: fal real-time sessions need a fal key (WithToken) or RealtimeOptions.URL: the router does not relay WebSockets", ErrInvalidInput)
		}
		maps, err := c.ProviderMappings(ctx, model)
		if err != nil {
			return nil, err
		}
		for _, m := range maps {
			if m.Provider == "fal-ai" {
				o.URL = "wss://ws.fal.run/" + m.ProviderID
			}
		}
		if o.URL == "" {
			return nil, fmt.Errorf("%w: %s has no fal-ai mapping for a real-time session", ErrNotSupportedByProvider, model)
		}
	}
	if key != "" {
		if isHF {
			h.Set("Authorization", "Bearer "+key)
		} else {
			h.Set("Authorization", "Key "+key)
		}
	}
	for k, vs := range c.headers {
		h[k] = vs
	}
	s := &Session{url: o.URL, header: h, hc: c.hc, opt: o,
		sendq: make(chan []byte), slots: make(chan struct{}, o.MaxInFlight),
		results: make(chan *RealtimeResult, o.MaxInFlight), done: make(chan struct{})}
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.wg.Add(1)
	go s.run(conn)
	return s, nil
}

func (s *Session) dial(ctx context.Context) (*websocket.Conn, error) {
	conn, resp, err := websocket.Dial(ctx, s.url, &websocket.DialOptions{HTTPHeader: s.header, HTTPClient: s.hc})
	if err != nil {
		if resp != nil && resp.StatusCode >= 400 {
			b, _ := readBounded(resp.Body, 64<<10)
			return nil, newHTTPError(resp, b, "fal-ai")
		}
		return nil, fmt.Errorf("inference: real-time connection to %s: %w", s.url, ctxErr(ctx, err))
	}
	conn.SetReadLimit(s.opt.ReadLimit)
	return conn, nil
}

// Send sends one payload (any JSON value). It blocks while MaxInFlight
// payloads await their answers, until ctx ends or the session closes.
func (s *Session) Send(ctx context.Context, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("%w: encoding the payload: %v", ErrInvalidInput, err)
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-s.done:
		return s.closedErr()
	}
	select {
	case s.sendq <- b:
		return nil
	case <-ctx.Done():
		<-s.slots
		return context.Cause(ctx)
	case <-s.done:
		<-s.slots
		return s.closedErr()
	}
}

// Receive returns the next answer, in the order the payloads were sent.
func (s *Session) Receive(ctx context.Context) (*RealtimeResult, error) {
	select {
	case r := <-s.results:
		return r, r.Err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	case <-s.done:
		select {
		case r := <-s.results:
			return r, r.Err
		default:
		}
		return nil, s.closedErr()
	}
}

// Reconnects returns how many times the session re-dialled.
func (s *Session) Reconnects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reconnects
}

// Close ends the session (normal closure) and waits for its goroutines.
func (s *Session) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Session) closedErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return fmt.Errorf("%w: %v", ErrSessionClosed, s.err)
	}
	return ErrSessionClosed
}

// run owns the connection: it serves it, and re-dials when it drops.
func (s *Session) run(conn *websocket.Conn) {
	defer s.wg.Done()
	defer close(s.done)
	var pending [][]byte
	wait := 100 * time.Millisecond
	for attempt := 0; ; {
		var err error
		pending, err = s.serve(conn, pending)
		if s.ctx.Err() != nil {
			return
		}
		for {
			if attempt >= s.opt.Reconnects {
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				return
			}
			attempt++
			t := time.NewTimer(wait)
			select {
			case <-s.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = min(2*wait, 5*time.Second)
			var derr error
			if conn, derr = s.dial(s.ctx); derr == nil {
				s.mu.Lock()
				s.reconnects++
				s.mu.Unlock()
				break
			}
			err = derr
		}
	}
}

type wsMessage struct {
	typ  websocket.MessageType
	data []byte
}

// serve writes payloads and assembles answers until the connection breaks
// or the session closes; it returns the payloads still unanswered.
func (s *Session) serve(conn *websocket.Conn, pending [][]byte) ([][]byte, error) {
	ctx, cancel := context.WithCancel(s.ctx)
	msgs := make(chan wsMessage)
	readErr := make(chan error, 1)
	var rw sync.WaitGroup
	rw.Go(func() {
		for {
			typ, b, err := conn.Read(ctx)
			if err != nil {
				readErr <- err
				return
			}
			select {
			case msgs <- wsMessage{typ, b}:
			case <-ctx.Done():
				return
			}
		}
	})
	defer func() {
		cancel()
		if s.ctx.Err() != nil {
			conn.Close(websocket.StatusNormalClosure, "")
		}
		conn.CloseNow()
		rw.Wait()
	}()
	for _, p := range pending { // re-send what the last connection left unanswered
		if err := conn.Write(ctx, websocket.MessageText, p); err != nil {
			return pending, err
		}
	}
	var cur *RealtimeResult
	var data bytes.Buffer
	for {
		select {
		case <-s.ctx.Done():
			return pending, s.ctx.Err()
		case err := <-readErr:
			return pending, err
		case p := <-s.sendq:
			pending = append(pending, p)
			if err := conn.Write(ctx, websocket.MessageText, p); err != nil {
				return pending, err
			}
		case m := <-msgs:
			if m.typ == websocket.MessageText {
				var ctl struct {
					Type      string            `json:"type"`
					RequestID string            `json:"request_id"`
					Status    int               `json:"status"`
					Headers   map[string]string `json:"headers"`
					Error     json.RawMessage   `json:"error"`
				}
				if json.Unmarshal(m.data, &ctl) == nil && (ctl.Type == "start" || ctl.Type == "end") {
					if ctl.Type == "start" {
						cur = &RealtimeResult{RequestID: ctl.RequestID, Status: ctl.Status, Header: ctl.Headers}
						for k, v := range ctl.Headers {
							if strings.EqualFold(k, "Content-Type") {
								cur.ContentType = v
							}
						}
						data.Reset()
						continue
					}
					if cur == nil {
						cur = &RealtimeResult{RequestID: ctl.RequestID, Status: ctl.Status}
					}
					cur.Data = bytes.Clone(data.Bytes())
					if cur.Status >= 400 || (len(ctl.Error) > 0 && string(ctl.Error) != "null") {
						body := cur.Data
						if len(body) == 0 {
							body = m.data
						}
						msg, etype, _, _ := parseErrorMessage(body)
						e := &Error{StatusCode: cur.Status, RequestID: cur.RequestID, Message: msg, ErrorType: etype, Body: body, URL: s.url, Provider: "fal-ai"}
						e.kind = classify(cmpOr(cur.Status, 500), etype, false, msg)
						cur.Err = e
					}
					if len(pending) > 0 {
						pending = pending[1:]
					}
					select {
					case s.results <- cur:
					case <-s.ctx.Done():
						return pending, s.ctx.Err()
					}
					<-s.slots
					cur = nil
					continue
				}
			}
			if cur == nil {
				cur = &RealtimeResult{Status: 200}
			}
			cur.Frames++
			data.Write(m.data)
		}
	}
}

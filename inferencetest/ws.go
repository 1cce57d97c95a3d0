package inferencetest

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
)

// RealtimeAnswer is the fake's answer to one real-time payload.
type RealtimeAnswer struct {
	Status      int      // 0 means 200
	ContentType string   // default application/json
	Frames      [][]byte // data messages; binary unless Text
	Text        bool
	// Hold, when set, delays the answer until it is closed (to test
	// back-pressure).
	Hold <-chan struct{}
}

// RealtimeKnobs are the fault knobs of a real-time endpoint.
type RealtimeKnobs struct {
	// DropAfter cuts the first connection abruptly after this many
	// payloads were received (before answering the last one). 0: never.
	DropAfter int
	// RejectStatus refuses the handshake with this status. 0: accept.
	RejectStatus int
}

// RealtimeStats counts what a real-time endpoint saw.
type RealtimeStats struct {
	Connections atomic.Int64
	Payloads    atomic.Int64
}

// Realtime serves fal's HTTP-over-WebSocket protocol at path: each text
// message is a JSON payload; the answer is {"type":"start",…}, the data
// frames, then {"type":"end",…}. The handshake's headers are logged as a
// request.
func (s *Server) Realtime(path string, answer func(payload []byte) RealtimeAnswer, knobs RealtimeKnobs) *RealtimeStats {
	stats := &RealtimeStats{}
	var first sync.Once
	s.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if knobs.RejectStatus != 0 {
			writeJSON(w, knobs.RejectStatus, map[string]string{"error": "Unauthorized: invalid fal key"})
			return
		}
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		stats.Connections.Add(1)
		drop := 0
		first.Do(func() { drop = knobs.DropAfter })
		ctx := r.Context()
		n := 0
		for {
			typ, payload, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if typ != websocket.MessageText {
				continue
			}
			n++
			stats.Payloads.Add(1)
			if drop > 0 && n >= drop {
				return // CloseNow without a close frame: an abrupt drop
			}
			a := answer(payload)
			if a.Hold != nil {
				select {
				case <-a.Hold:
				case <-ctx.Done():
					return
				case <-s.closing:
					return
				}
			}
			status := a.Status
			if status == 0 {
				status = 200
			}
			ct := a.ContentType
			if ct == "" {
				ct = "application/json"
			}
			id := "rt-" + itoa(int(stats.Payloads.Load()))
			start, _ := json.Marshal(map[string]any{"type": "start", "request_id": id, "status": status, "headers": map[string]string{"Content-Type": ct}})
			if conn.Write(ctx, websocket.MessageText, start) != nil {
				return
			}
			for _, f := range a.Frames {
				mt := websocket.MessageBinary
				if a.Text {
					mt = websocket.MessageText
				}
				if conn.Write(ctx, mt, f) != nil {
					return
				}
			}
			end, _ := json.Marshal(map[string]any{"type": "end", "request_id": id, "status": status, "time_to_first_byte_seconds": 0})
			if conn.Write(ctx, websocket.MessageText, end) != nil {
				return
			}
		}
	}))
	return stats
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

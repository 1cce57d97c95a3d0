package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

// handleSpaceLogs serves GET /api/spaces/{id}/logs/{build|run} as
// server-sent events, `data: {"data": line, "timestamp": ...}`, like the
// Hub. The stream stays open while the log can still grow (build logs
// while building, run logs while starting or running) and sends new lines
// as they come; it ends once the log is complete.
func (s *Server) handleSpaceLogs(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if req.Type != store.Space || len(req.Rest) != 1 || (req.Rest[0] != "build" && req.Rest[0] != "run") {
		writeError(w, r, http.StatusNotFound, "", "Not Found: use /logs/build or /logs/run")
		return
	}
	if !allowMethods(w, r, http.MethodGet) {
		return
	}
	build := req.Rest[0] == "build"
	sdk := s.spaceSDK(req)
	c := s.compute
	c.mu.Lock()
	c.space(req.ID, sdk)
	delay := c.script(req.ID).LogDelay
	c.mu.Unlock()
	next := func(sent int) (lines []logLine, live bool, wake <-chan struct{}) {
		c.mu.Lock()
		defer c.mu.Unlock()
		sp, ok := c.spaces[req.ID]
		if !ok { // deleted meanwhile
			return nil, false, nil
		}
		log := sp.runLog
		live = sp.stage == StageRunning || sp.stage == StageAppStarting || sp.stage == StageRunningAppStarting || sp.stage == StageRunningBuilding
		if build {
			log = sp.buildLog
			live = sp.stage == StageBuilding || sp.stage == StageRunningBuilding
		}
		if sent < len(log) {
			lines = append(lines, log[sent:]...)
		}
		return lines, live, c.notify
	}
	streamEvents(w, r, delay, func(sent int) ([]any, bool, <-chan struct{}) {
		lines, live, wake := next(sent)
		out := make([]any, len(lines))
		for i, l := range lines {
			out[i] = l
		}
		return out, live, wake
	})
}

// streamEvents writes SSE `data:` events from next until it reports the
// stream complete (no new events and not live) or the client goes away.
// next gets the number of events sent so far and returns the newer ones,
// whether more may come, and a channel closed when they might.
func streamEvents(w http.ResponseWriter, r *http.Request, delay time.Duration, next func(sent int) ([]any, bool, <-chan struct{})) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	flush := func() {
		if fl != nil {
			fl.Flush()
		}
	}
	flush()
	ctx := r.Context()
	sent := 0
	for {
		events, live, wake := next(sent)
		for _, e := range events {
			if sent > 0 && delay > 0 && !sleepCtx(ctx, delay) {
				return
			}
			b, err := json.Marshal(e)
			if err != nil {
				return
			}
			if _, err := w.Write([]byte("data: " + string(b) + "\n\n")); err != nil {
				return
			}
			flush()
			sent++
		}
		if len(events) > 0 {
			continue // more may have arrived while sending
		}
		if !live || wake == nil {
			return
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

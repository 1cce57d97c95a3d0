package inferencetest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// FalQueue serves fal's queue API for model (e.g. "fal-ai/ltx-video"),
// routed (/fal-ai/{model}) and direct (/{model}): the submit answers
// IN_QUEUE, the status goes IN_QUEUE → IN_PROGRESS → COMPLETED over polls
// status requests, then the result is served.
func (s *Server) FalQueue(model string, polls int, result any) {
	res, _ := json.Marshal(result)
	var mu sync.Mutex
	seen := 0
	for _, prefix := range []string{"/fal-ai/" + model, "/" + model} {
		s.Handle(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]string{"request_id": "req-1", "status": "IN_QUEUE",
				"response_url": "https://queue.fal.run/" + model + "/requests/req-1", "status_url": "https://queue.fal.run/" + model + "/requests/req-1/status"})
		}))
		s.Handle(prefix+"/requests/req-1/status", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen++
			n := seen
			mu.Unlock()
			status := "IN_PROGRESS"
			switch {
			case n >= polls:
				status = "COMPLETED"
			case n == 1:
				status = "IN_QUEUE"
			}
			writeJSON(w, 200, map[string]string{"status": status})
		}))
		s.Handle(prefix+"/requests/req-1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(res)
		}))
	}
}

// MapModel answers the provider-mapping lookup of model with the given
// providers (provider → provider-side id), all live, for task, in order.
func (s *Server) MapModel(model, task string, providers ...[2]string) {
	var b strings.Builder
	b.WriteString(`{"id":`)
	q, _ := json.Marshal(model)
	b.Write(q)
	b.WriteString(`,"inferenceProviderMapping":{`)
	for i, p := range providers {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p[0])
		v, _ := json.Marshal(map[string]string{"status": "live", "providerId": p[1], "task": task})
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString("}}")
	body := b.String()
	s.Handle("/api/models/"+model, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
}

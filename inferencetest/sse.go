package inferencetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SSE are the knobs of a streamed answer (spec §5.3). The zero value
// replays events as given, each in one write with a flush.
type SSE struct {
	Delay       time.Duration // between events
	DropDone    bool          // do not send the final data: [DONE]
	NoSpace     bool          // "data:{…}" instead of "data: {…}"
	CRLF        bool          // \r\n line ends
	CR          bool          // bare \r line ends
	Comments    bool          // ": keep-alive" before every event
	EventFields bool          // "event: message" and "id: N" lines
	// SplitAt splits every event's bytes into two writes at this offset
	// (flushed apart, so the client reads them separately), e.g. inside a
	// UTF-8 sequence. 0: no split.
	SplitAt int
	// ErrorAt replaces the event at this 1-based index with ErrorData
	// (default a TGI-shaped error) and ends the stream. 0: none.
	ErrorAt   int
	ErrorData string
	// CloseAt cuts the connection in the middle of the event at this
	// 1-based index (before its blank line). 0: none.
	CloseAt int
	// StallAt stalls forever before the event at this 1-based index (until
	// the client goes away). 0: none.
	StallAt int
	// JSONDataOnError200: when set the answer is this JSON with status 200
	// and Content-Type application/json instead of a stream.
	JSONDataOnError200 string
}

// SetSSE applies knobs to the streams served at path (recorded or not).
func (s *Server) SetSSE(path string, opt SSE) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sse[path] = opt
}

// Stream serves a synthetic SSE stream at path: each string is one event's
// data; "[DONE]" is added unless opt.DropDone.
func (s *Server) Stream(path string, data []string, opt SSE) {
	s.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opt.JSONDataOnError200 != "" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(opt.JSONDataOnError200))
			return
		}
		events := make([]string, 0, len(data)+1)
		for _, d := range data {
			events = append(events, "data: "+d)
		}
		events = append(events, "data: [DONE]")
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "inferencetest-stream")
		w.WriteHeader(200)
		writeSSE(w, r, events, opt, s.closing)
	}))
}

// splitEvents splits a recorded SSE body into raw events (without their
// blank lines).
func splitEvents(body []byte) []string {
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	var out []string
	for _, ev := range strings.Split(text, "\n\n") {
		if strings.TrimSpace(ev) != "" {
			out = append(out, strings.TrimRight(ev, "\n"))
		}
	}
	return out
}

// writeSSE writes raw events with the knobs.
func writeSSE(w http.ResponseWriter, r *http.Request, events []string, opt SSE, closing <-chan struct{}) {
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	eol := "\n"
	switch {
	case opt.CRLF:
		eol = "\r\n"
	case opt.CR:
		eol = "\r"
	}
	n := 0
	for _, ev := range events {
		if opt.DropDone && isDone(ev) {
			continue
		}
		n++
		if opt.Delay > 0 && n > 1 {
			select {
			case <-time.After(opt.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if n == opt.StallAt {
			flush()
			select {
			case <-r.Context().Done():
			case <-closing:
			}
			return
		}
		if n == opt.ErrorAt {
			ev = "data: " + cmp(opt.ErrorData, TGIError("Request failed during generation: Server error: CUDA out of memory", "generation"))
		}
		var b strings.Builder
		if opt.Comments {
			b.WriteString(": keep-alive" + eol + eol)
		}
		if opt.EventFields {
			fmt.Fprintf(&b, "event: message%sid: %d%s", eol, n, eol)
		}
		for _, line := range strings.Split(ev, "\n") {
			if opt.NoSpace {
				line = strings.Replace(line, "data: ", "data:", 1)
			} else if strings.HasPrefix(line, "data:") && !strings.HasPrefix(line, "data: ") && (opt.CRLF || opt.CR || opt.Comments || opt.EventFields) {
				line = "data: " + line[5:]
			}
			b.WriteString(line + eol)
		}
		full := b.String()
		if n == opt.CloseAt {
			w.Write([]byte(full))
			flush()
			panic(http.ErrAbortHandler)
		}
		full += eol
		if opt.SplitAt > 0 && opt.SplitAt < len(full) {
			w.Write([]byte(full[:opt.SplitAt]))
			flush()
			w.Write([]byte(full[opt.SplitAt:]))
		} else {
			w.Write([]byte(full))
		}
		flush()
		if n == opt.ErrorAt {
			return
		}
	}
}

func isDone(ev string) bool {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(ev, "data:"), " ")) == "[DONE]"
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TGIError is a TGI error event's data.
func TGIError(msg, errorType string) string {
	b, _ := json.Marshal(map[string]string{"error": msg, "error_type": errorType})
	return string(b)
}

// OpenAIError is an OpenAI-style error event's data.
func OpenAIError(msg, typ string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"message": msg, "type": typ}})
	return string(b)
}

// ChatChunks builds OpenAI chat chunks for model, one per piece of
// content, the last carrying finish_reason "stop".
func ChatChunks(model string, pieces ...string) []string {
	out := make([]string, 0, len(pieces)+1)
	for i, p := range pieces {
		delta := map[string]any{"content": p}
		if i == 0 {
			delta["role"] = "assistant"
		}
		out = append(out, chunk(model, delta, nil))
	}
	stop := "stop"
	return append(out, chunk(model, map[string]any{}, &stop))
}

// UsageChunk is the last chunk of a stream with include_usage: usage and
// empty choices.
func UsageChunk(model string, prompt, completion int) string {
	b, _ := json.Marshal(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": model,
		"choices": []any{}, "usage": map[string]int{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}})
	return string(b)
}

// ToolCallChunks builds the synthetic tool-call stream: one call whose
// arguments arrive in fragments, finish reason "tool_calls".
func ToolCallChunks(model, id, name string, argFragments ...string) []string {
	out := []string{chunk(model, map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
		"index": 0, "id": id, "type": "function", "function": map[string]any{"name": name, "arguments": ""}}}}, nil)}
	for _, f := range argFragments {
		out = append(out, chunk(model, map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": f}}}}, nil))
	}
	reason := "tool_calls"
	return append(out, chunk(model, map[string]any{}, &reason))
}

func chunk(model string, delta map[string]any, finish *string) string {
	choice := map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": nil}
	if finish != nil {
		choice["finish_reason"] = *finish
	}
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000,
		"model": model, "choices": []any{choice}})
	return strings.TrimSpace(b.String())
}

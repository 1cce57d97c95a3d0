package inference_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
	"go.uber.org/goleak"
)

var providerRE = regexp.MustCompile(`\[([a-z-]+),`)

// firstModel is the model id of a cassette's first Hub call.
func firstModel(t *testing.T, name string) string {
	c, err := inferencetest.LoadCassette(cassette(name))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range c.Interactions {
		if p, ok := strings.CutPrefix(it.URL.Path, "/api/models/"); ok {
			return p
		}
	}
	t.Fatalf("%s: no model call", name)
	return ""
}

// wantText concatenates the content deltas of recorded chunks.
func wantText(t *testing.T, data []string) string {
	var b strings.Builder
	for _, d := range data {
		var ch struct {
			Choices []struct {
				Delta struct {
					Content *string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(d), &ch); err != nil {
			t.Fatalf("recorded chunk: %v", err)
		}
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != nil {
			b.WriteString(*ch.Choices[0].Delta.Content)
		}
	}
	return b.String()
}

func TestChatStreamReplaysEveryRecording(t *testing.T) {
	names := []string{
		"TestInferenceClient.test_chat_completion_with_stream[hyperbolic,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[cerebras,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[fireworks-ai,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[hf-inference,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[nebius,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[novita,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[sambanova,conversational].yaml",
		"hist-a0992733/TestInferenceClient.test_chat_completion_with_stream[together,conversational].yaml",
		"test_openai_compatibility_with_stream_true.yaml",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			provider := "hf-inference"
			if m := providerRE.FindStringSubmatch(name); m != nil {
				provider = m[1]
			}
			rec := recordedStream(t, name)
			s := fake(t, name)
			c := client(t, s, inference.WithProvider(provider))
			var acc inference.ChatAccumulator
			n := 0
			for ch, err := range c.ChatCompletionStream(t.Context(), &inference.ChatRequest{Model: firstModel(t, name), Messages: deepLearning}) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				acc.Add(ch)
			}
			if n != len(rec) {
				t.Errorf("chunks = %d, want %d as recorded", n, len(rec))
			}
			if got, want := acc.Response().Text(), wantText(t, rec); got != want {
				t.Errorf("text = %q, want %q", got, want)
			}
			if name == "test_openai_compatibility_with_stream_true.yaml" && n != 35 {
				t.Errorf("chunks = %d, want 35 as the Python test asserts", n)
			}
			if body := s.Last().JSON(); body["stream"] != true {
				t.Errorf("stream flag = %v", body["stream"])
			}
		})
	}
}

// streamKnobs serves a synthetic stream "Hé, wörld 🌍!" in pieces.
var pieces = []string{"Hé", ", w", "örld ", "🌍", "!"}

func TestChatStreamSSEKnobMatrix(t *testing.T) {
	knobs := map[string]inferencetest.SSE{
		"plain":                  {},
		"no [DONE]":              {DropDone: true},
		"data without space":     {NoSpace: true},
		"CRLF":                   {CRLF: true},
		"bare CR":                {CR: true},
		"comments":               {Comments: true},
		"event and id fields":    {EventFields: true},
		"split inside UTF-8 (1)": {SplitAt: 9},
		"split inside UTF-8 (2)": {SplitAt: 100},
		"split after data:":      {SplitAt: 5},
		"everything":             {CRLF: true, Comments: true, EventFields: true, NoSpace: true, SplitAt: 7, DropDone: true},
	}
	s := inferencetest.NewServer(t)
	for name, k := range knobs {
		t.Run(name, func(t *testing.T) {
			path := "/custom/" + url.PathEscape(name) + "/v1/chat/completions"
			s.Stream(path, inferencetest.ChatChunks("m", pieces...), k)
			c := client(t, s, inference.WithBaseURL(s.URL+"/custom/"+url.PathEscape(name)))
			var acc inference.ChatAccumulator
			for ch, err := range c.ChatCompletionStream(t.Context(), &inference.ChatRequest{Model: "m", Messages: deepLearning}) {
				if err != nil {
					t.Fatal(err)
				}
				acc.Add(ch)
			}
			r := acc.Response()
			if r.Text() != strings.Join(pieces, "") || acc.Chunks() != len(pieces)+1 || r.Choices[0].FinishReason != "stop" {
				t.Errorf("text %q chunks %d finish %q", r.Text(), acc.Chunks(), r.Choices[0].FinishReason)
			}
		})
	}
}

func TestChatStreamErrors(t *testing.T) {
	tests := []struct {
		name string
		sse  inferencetest.SSE
		want error
		n    int // chunks before the error
	}{
		{"TGI error event", inferencetest.SSE{ErrorAt: 3}, inference.ErrGeneration, 2},
		{"OpenAI error event", inferencetest.SSE{ErrorAt: 2, ErrorData: inferencetest.OpenAIError("overloaded, retry", "server_error")}, inference.ErrServer, 1},
		{"TGI validation event", inferencetest.SSE{ErrorAt: 1, ErrorData: inferencetest.TGIError("bad", "validation")}, inference.ErrValidation, 0},
		{"abrupt close", inferencetest.SSE{CloseAt: 3}, inference.ErrIncompleteGeneration, 2},
		{"JSON error with 200", inferencetest.SSE{JSONDataOnError200: `{"error":"Model too busy","error_type":"overloaded"}`}, inference.ErrOverloaded, 0},
	}
	s := inferencetest.NewServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := s.URL + "/e" + string(rune('a'+i))
			s.Stream("/e"+string(rune('a'+i))+"/v1/chat/completions", inferencetest.ChatChunks("m", pieces...), tt.sse)
			c := client(t, s, inference.WithBaseURL(base))
			n := 0
			var got error
			for _, err := range c.ChatCompletionStream(t.Context(), &inference.ChatRequest{Model: "m", Messages: deepLearning}) {
				if err != nil {
					got = err
					break
				}
				n++
			}
			if !errors.Is(got, tt.want) || n != tt.n {
				t.Errorf("after %d chunks err = %v, want %d then %v", n, got, tt.n, tt.want)
			}
		})
	}
}

func TestChatStreamToolCallsAndUsage(t *testing.T) {
	s := inferencetest.NewServer(t)
	chunks := inferencetest.ToolCallChunks("m", "call_1", "get_weather", `{"loc`, `ation": "Pa`, `ris"}`)
	chunks = append(chunks, inferencetest.UsageChunk("m", 10, 5))
	s.Stream("/v1/chat/completions", chunks, inferencetest.SSE{})
	c := client(t, s, inference.WithBaseURL(s.URL+"/v1"))
	req := &inference.ChatRequest{Model: "m", Messages: deepLearning,
		Tools:         []inference.Tool{inference.FunctionTool("get_weather", "weather", map[string]any{"type": "object"})},
		ToolChoice:    inference.ToolChoiceMode("auto"),
		StreamOptions: &inference.StreamOptions{IncludeUsage: true}}
	r, err := inference.CollectChat(c.ChatCompletionStream(t.Context(), req))
	if err != nil {
		t.Fatal(err)
	}
	tc := r.Choices[0].Message.ToolCalls
	if len(tc) != 1 || tc[0].ID != "call_1" || tc[0].Function.Name != "get_weather" || string(tc[0].Function.ArgumentsJSON()) != `{"location": "Paris"}` {
		t.Fatalf("tool calls = %+v", tc)
	}
	if r.Choices[0].FinishReason != "tool_calls" || r.Usage == nil || r.Usage.TotalTokens != 15 {
		t.Errorf("finish %q usage %+v", r.Choices[0].FinishReason, r.Usage)
	}
	body := s.Last().JSON()
	if body["tool_choice"] != "auto" || body["stream_options"].(map[string]any)["include_usage"] != true {
		t.Errorf("body = %v", body)
	}
}

func TestChatStreamEarlyStopAndCancelLeakNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := inferencetest.NewServer(t)
	s.Stream("/slow/v1/chat/completions", inferencetest.ChatChunks("m", pieces...), inferencetest.SSE{StallAt: 3})
	c := client(t, s, inference.WithBaseURL(s.URL+"/slow"))

	// Stop after the first chunk: the connection is closed, the server's
	// handler (stalled on the client) returns.
	arrivals := s.Arrivals()
	for range c.ChatCompletionStream(t.Context(), &inference.ChatRequest{Model: "m", Messages: deepLearning}) {
		break
	}
	<-arrivals

	// Cancel while a read is blocked on the stalled stream.
	ctx, cancel := context.WithCancel(t.Context())
	n := 0
	var got error
	for _, err := range c.ChatCompletionStream(ctx, &inference.ChatRequest{Model: "m", Messages: deepLearning}) {
		if err != nil {
			got = err
			break
		}
		n++
		if n == 2 {
			cancel() // the next read blocks on the stall until this lands
		}
	}
	if !errors.Is(got, context.Canceled) || n != 2 {
		t.Errorf("after %d chunks err = %v, want context.Canceled", n, got)
	}
	cancel()
	s.Close()
	c.CloseIdleConnections()
}

func TestChatStreamIdleTimeout(t *testing.T) {
	s := inferencetest.NewServer(t)
	s.Stream("/idle/v1/chat/completions", inferencetest.ChatChunks("m", pieces...), inferencetest.SSE{StallAt: 2})
	c := client(t, s, inference.WithBaseURL(s.URL+"/idle"), inference.WithStreamIdleTimeout(50*time.Millisecond))
	var got error
	for _, err := range c.ChatCompletionStream(t.Context(), &inference.ChatRequest{Model: "m", Messages: deepLearning}) {
		if err != nil {
			got = err
		}
	}
	if !errors.Is(got, inference.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", got)
	}
}

func TestSSEDecoderRules(t *testing.T) {
	in := ": comment\r\ndata: a\r\ndata:b\r\nevent: x\r\nid: 7\r\n\r\ndata: [DONE]\n\ndata: tail"
	d := inference.NewSSEDecoder(strings.NewReader(in))
	ev, err := d.Next()
	if err != nil || string(ev.Data) != "a\nb" || ev.Event != "x" || ev.ID != "7" {
		t.Fatalf("first = %+v %v", ev, err)
	}
	if ev, _ = d.Next(); string(ev.Data) != "[DONE]" {
		t.Fatalf("second = %q", ev.Data)
	}
	if ev, _ = d.Next(); string(ev.Data) != "tail" {
		t.Fatalf("unterminated last event = %q", ev.Data)
	}
	if _, err = d.Next(); err != io.EOF {
		t.Fatalf("end = %v", err)
	}
}

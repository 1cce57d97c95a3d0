package inference_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
)

var deepLearning = []inference.Message{
	{Role: "system", Content: inference.Text("You are a helpful assistant.")},
	{Role: "user", Content: inference.Text("What is deep learning?")},
}

func TestChatCompletionReplay(t *testing.T) {
	tests := []struct {
		cassette, provider, model string
		wantPath, wantModel       string
		wantText                  string // prefix of the answer
	}{
		{"TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml", "cerebras", "meta-llama/Llama-3.3-70B-Instruct",
			"/cerebras/v1/chat/completions", "llama-3.3-70b", "**Deep Learning: An Overview**"},
		{"TestInferenceClient.test_chat_completion_no_stream[together,conversational].yaml", "together", "meta-llama/Meta-Llama-3-8B-Instruct",
			"/together/v1/chat/completions", "meta-llama/Meta-Llama-3-8B-Instruct-Turbo", ""},
		{"TestInferenceClient.test_chat_completion_no_stream[novita,conversational].yaml", "novita", "meta-llama/Llama-3.1-8B-Instruct",
			"/novita/v3/openai/chat/completions", "meta-llama/llama-3.1-8b-instruct", ""},
		{"TestInferenceClient.test_chat_completion_no_stream[sambanova,conversational].yaml", "sambanova", "meta-llama/Llama-3.1-8B-Instruct",
			"/sambanova/v1/chat/completions", "Meta-Llama-3.1-8B-Instruct", ""},
		{"TestInferenceClient.test_chat_completion_no_stream[hf-inference,conversational].yaml", "hf-inference", "meta-llama/Llama-3.1-8B-Instruct",
			"/hf-inference/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions", "meta-llama/Llama-3.1-8B-Instruct", ""},
		{"hist-a0992733/TestInferenceClient.test_chat_completion_no_stream[fireworks-ai,conversational].yaml", "fireworks-ai", "meta-llama/Llama-3.3-70B-Instruct",
			"/fireworks-ai/inference/v1/chat/completions", "accounts/fireworks/models/llama-v3p3-70b-instruct", ""},
		{"hist-a0992733/TestInferenceClient.test_chat_completion_no_stream[hyperbolic,conversational].yaml", "hyperbolic", "meta-llama/Llama-3.2-3B-Instruct",
			"/hyperbolic/v1/chat/completions", "meta-llama/Llama-3.2-3B-Instruct", ""},
		{"hist-a0992733/TestInferenceClient.test_chat_completion_no_stream[nebius,conversational].yaml", "nebius", "meta-llama/Llama-3.1-8B-Instruct",
			"/nebius/v1/chat/completions", "meta-llama/Meta-Llama-3.1-8B-Instruct-fast", ""},
		{"TestInferenceClient.test_chat_completion_with_non_tgi.yaml", "hf-inference", "microsoft/DialoGPT-small",
			"/hf-inference/models/microsoft/DialoGPT-small/v1/chat/completions", "microsoft/DialoGPT-small", ""},
	}
	for _, tt := range tests {
		t.Run(tt.provider+" "+tt.cassette, func(t *testing.T) {
			s := fake(t, tt.cassette)
			c := client(t, s, inference.WithProvider(tt.provider), inference.WithBillTo("acme"))
			var meta inference.Meta
			resp, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: tt.model, Messages: deepLearning, MaxTokens: ptr(20), Meta: &meta})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text() == "" || !strings.HasPrefix(resp.Text(), tt.wantText) {
				t.Errorf("Text() = %.80q, want prefix %q", resp.Text(), tt.wantText)
			}
			if len(resp.Choices) == 0 || resp.Choices[0].Message.Role != "assistant" {
				t.Errorf("choices = %+v", resp.Choices)
			}
			last := s.Last()
			if last.Path != tt.wantPath {
				t.Errorf("POST path = %s, want %s", last.Path, tt.wantPath)
			}
			body := last.JSON()
			if body["model"] != tt.wantModel || body["stream"] != false || body["max_tokens"] != 20.0 {
				t.Errorf("body = %v, want model %s, stream false, max_tokens 20", body, tt.wantModel)
			}
			if !strings.HasPrefix(string(last.Body), `{"model":`) {
				t.Errorf("body does not start with model: %.40s", last.Body)
			}
			if h := last.Header.Get("X-HF-Bill-To"); h != "acme" {
				t.Errorf("X-HF-Bill-To = %q", h)
			}
			if h := last.Header.Get("Authorization"); h != "Bearer hf_testtoken" {
				t.Errorf("Authorization = %q", h)
			}
			if meta.Provider != tt.provider || meta.StatusCode != 200 {
				t.Errorf("meta = %+v", meta)
			}
		})
	}
}

func TestChatCompletionDecodesProviderVariations(t *testing.T) {
	s := fake(t, "TestInferenceClient.test_chat_completion_no_stream[together,conversational].yaml")
	c := client(t, s, inference.WithProvider("together"))
	resp, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Meta-Llama-3-8B-Instruct", Messages: deepLearning})
	if err != nil {
		t.Fatal(err)
	}
	seed := resp.Choices[0].Seed
	if seed == nil || len(*seed) < 18 {
		t.Fatalf("seed = %v, want the recorded 19-digit seed kept exactly", seed)
	}
	if _, err := seed.Uint64(); err != nil {
		t.Errorf("Seed.Uint64: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(resp.Raw, &raw); err != nil || raw["prompt"] == nil {
		t.Errorf("Raw keeps provider keys: %v %v", err, raw["prompt"])
	}
}

func TestChatUnauthorized(t *testing.T) {
	s := fake(t, "TestInferenceClient.test_chat_completion_unprocessable_entity.yaml")
	c := client(t, s, inference.WithProvider("hf-inference"))
	_, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Meta-Llama-3-70B-Instruct", Messages: deepLearning})
	if !errors.Is(err, inference.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	e, _ := errors.AsType[*inference.Error](err)
	if e == nil || e.StatusCode != 401 || e.Message != "Invalid username or password." || e.RequestID == "" {
		t.Errorf("error = %+v", e)
	}
}

func TestChatCustomURLAndBaseURL(t *testing.T) {
	s := fake(t, "TestOpenAICompatibility.test_without_base_url.yaml")
	s.HandleJSON("/my-endpoint/v1/chat/completions", 200, map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "hi"}}}})
	s.HandleJSON("/v1/chat/completions", 200, map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": "root"}}}})
	tests := []struct {
		name     string
		opts     []inference.Option
		model    string
		wantPath string
		wantBody string
	}{
		{"URL as model", nil, s.URL + "/my-endpoint", "/my-endpoint/v1/chat/completions", "dummy"},
		{"base URL ending in /v1", []inference.Option{inference.WithBaseURL(s.URL + "/my-endpoint/v1")}, "tgi", "/my-endpoint/v1/chat/completions", "tgi"},
		{"base URL full path", []inference.Option{inference.WithBaseURL(s.URL + "/my-endpoint/v1/chat/completions")}, "", "/my-endpoint/v1/chat/completions", "dummy"},
		{"bare host", []inference.Option{inference.WithBaseURL(s.URL)}, "x", "/v1/chat/completions", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(t, s, append(tt.opts, inference.WithProvider("together"))...)
			if _, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: tt.model, Messages: deepLearning}); err != nil {
				t.Fatal(err)
			}
			last := s.Last()
			if last.Path != tt.wantPath || last.JSON()["model"] != tt.wantBody {
				t.Errorf("got %s model %v, want %s model %s", last.Path, last.JSON()["model"], tt.wantPath, tt.wantBody)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

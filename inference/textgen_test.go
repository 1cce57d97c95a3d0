package inference_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

func TestTextGenerationReplay(t *testing.T) {
	hf := inference.WithProvider("hf-inference")
	t.Run("details", func(t *testing.T) {
		s := fake(t, "hist-a0992733/TestTextGenerationClientVCR.test_generate_with_details.yaml")
		c := client(t, s, hf)
		r, err := c.TextGeneration(t.Context(), &inference.TextGenerationRequest{Model: "google/flan-t5-xxl", Prompt: "test", Details: ptr(true), DecoderInputDetails: ptr(true), MaxNewTokens: ptr(1), DoSample: ptr(false), ReturnFullText: ptr(false), Stop: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Details == nil || r.Details.FinishReason != "length" || r.Details.GeneratedTokens != 1 || len(r.Details.Tokens) != 1 || len(r.Details.Prefill) == 0 {
			t.Errorf("details = %+v", r.Details)
		}
		b := s.Last().JSON()
		if b["inputs"] != "test" || b["stream"] != false || b["parameters"].(map[string]any)["max_new_tokens"] != 1.0 {
			t.Errorf("body = %v", b)
		}
	})
	for _, name := range []string{"no_details", "best_of", "with_grammar"} {
		t.Run(name, func(t *testing.T) {
			file := "hist-a0992733/TestTextGenerationClientVCR.test_generate_" + name + ".yaml"
			s := fake(t, file)
			c := client(t, s, hf)
			req := &inference.TextGenerationRequest{Model: firstModel(t, file), Prompt: "test", MaxNewTokens: ptr(10)}
			if name == "best_of" {
				req.BestOf, req.DoSample, req.Details = ptr(2), ptr(true), ptr(true)
			}
			if name == "with_grammar" {
				req.Grammar = &inference.Grammar{Type: "json", Value: map[string]any{"type": "object"}}
			}
			r, err := c.TextGeneration(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if name == "best_of" && (r.Details == nil || len(r.Details.BestOfSequences) == 0) {
				t.Errorf("best_of_sequences missing: %+v", r.Details)
			}
			if name == "with_grammar" {
				if g := s.Last().JSON()["parameters"].(map[string]any)["grammar"].(map[string]any); g["type"] != "json" {
					t.Errorf("grammar = %v", g)
				}
			}
		})
	}
	t.Run("plain list answer", func(t *testing.T) {
		s := fake(t, "test_async_generate_no_details.yaml")
		c := client(t, s, hf)
		r, err := c.TextGeneration(t.Context(), &inference.TextGenerationRequest{Model: "openai-community/gpt2", Prompt: "test"})
		if err != nil || r.GeneratedText != "." {
			t.Fatalf("%+v %v", r, err)
		}
	})
}

func TestTextGenerationStreamReplay(t *testing.T) {
	for _, name := range []string{"stream_no_details", "stream_with_details"} {
		t.Run(name, func(t *testing.T) {
			file := "hist-a0992733/TestTextGenerationClientVCR.test_generate_" + name + ".yaml"
			rec := recordedStream(t, file)
			s := fake(t, file)
			c := client(t, s, inference.WithProvider("hf-inference"))
			var events []*inference.TextGenerationStreamOutput
			for ev, err := range c.TextGenerationStream(t.Context(), &inference.TextGenerationRequest{Model: "google/flan-t5-xxl", Prompt: "test", MaxNewTokens: ptr(1), Details: ptr(name == "stream_with_details")}) {
				if err != nil {
					t.Fatal(err)
				}
				events = append(events, ev)
			}
			if len(events) != len(rec) {
				t.Fatalf("events = %d, want %d", len(events), len(rec))
			}
			last := events[len(events)-1]
			if last.GeneratedText == nil || (name == "stream_with_details" && (last.Details == nil || last.Details.FinishReason != "length")) {
				t.Errorf("last event = %+v", last)
			}
			if s.Last().JSON()["stream"] != true {
				t.Errorf("stream flag not sent")
			}
		})
	}
	t.Run("session closed after early stop (4 calls replayed)", func(t *testing.T) {
		s := fake(t, "test_http_session_correctly_closed.yaml")
		c := client(t, s, inference.WithProvider("hf-inference"))
		for range 4 {
			for _, err := range c.TextGenerationStream(t.Context(), &inference.TextGenerationRequest{Model: "meta-llama/Meta-Llama-3.1-8B-Instruct", Prompt: "test"}) {
				if err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		if n := len(s.RequestsTo("/hf-inference/models/meta-llama/Meta-Llama-3.1-8B-Instruct")); n != 4 {
			t.Errorf("posts = %d", n)
		}
	})
}

func TestTextGenerationNonTGIFallback(t *testing.T) {
	s := fake(t, "TestTextGenerationClientVCR.test_generate_non_tgi_endpoint.yaml")
	c := client(t, s, inference.WithProvider("hf-inference"))
	req := &inference.TextGenerationRequest{Model: "gpt2", Prompt: "0 1 2", MaxNewTokens: ptr(10), Watermark: ptr(true), Stop: []string{"\n"}, DecoderInputDetails: ptr(true), Details: ptr(true)}
	r, err := c.TextGeneration(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if r.GeneratedText == "" {
		t.Errorf("empty text")
	}
	posts := s.RequestsTo("/hf-inference/models/gpt2")
	if len(posts) != 2 {
		t.Fatalf("posts = %d, want the refused one and a retry", len(posts))
	}
	p := posts[1].JSON()["parameters"].(map[string]any)
	for _, k := range []string{"watermark", "stop", "decoder_input_details", "details"} {
		if _, ok := p[k]; ok {
			t.Errorf("retry still sends %s: %v", k, p)
		}
	}
	if p["max_new_tokens"] != 10.0 {
		t.Errorf("retry lost max_new_tokens: %v", p)
	}
	// Remembered: the next call sends the reduced parameters at once.
	if _, err := c.TextGeneration(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if posts := s.RequestsTo("/hf-inference/models/gpt2"); len(posts) != 3 {
		t.Errorf("posts = %d, want one more", len(posts))
	}
	for _, err := range c.TextGenerationStream(t.Context(), req) {
		if !errors.Is(err, inference.ErrInvalidInput) {
			t.Errorf("stream on a non-TGI model: err = %v", err)
		}
	}
}

func TestTextGenerationCompletionsProviders(t *testing.T) {
	s := inferencetest.NewServer(t)
	s.HandleJSON("/api/models/acme/llm", 200, map[string]any{"id": "acme/llm", "inferenceProviderMapping": map[string]any{
		"featherless-ai": map[string]any{"status": "live", "providerId": "acme-llm", "task": "text-generation"},
		"together":       map[string]any{"status": "live", "providerId": "acme/llm-turbo", "task": "text-generation"}}})
	s.HandleJSON("/featherless-ai/v1/completions", 200, map[string]any{"choices": []any{map[string]any{"text": " world", "finish_reason": "length", "seed": json.Number("18435558523380366744")}}})
	c := client(t, s, inference.WithProvider("featherless-ai"))
	r, err := c.TextGeneration(t.Context(), &inference.TextGenerationRequest{Model: "acme/llm", Prompt: "hello", MaxNewTokens: ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	if r.GeneratedText != " world" || r.Details.FinishReason != "length" || string(*r.Details.Seed) != "18435558523380366744" {
		t.Errorf("answer = %+v %+v", r, r.Details)
	}
	b := s.Last().JSON()
	if b["prompt"] != "hello" || b["model"] != "acme-llm" || b["max_tokens"] != 5.0 || b["max_new_tokens"] != nil {
		t.Errorf("body = %v", b)
	}
	// Streaming through a completions provider maps chunks to tokens.
	s.Stream("/together/v1/completions", []string{`{"choices":[{"index":0,"text":"a"}]}`, `{"choices":[{"index":0,"text":"b","finish_reason":"stop"}]}`}, inferencetest.SSE{})
	c = client(t, s, inference.WithProvider("together"))
	var text strings.Builder
	for ev, err := range c.TextGenerationStream(t.Context(), &inference.TextGenerationRequest{Model: "acme/llm", Prompt: "x"}) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(ev.Token.Text)
	}
	if text.String() != "ab" {
		t.Errorf("streamed %q", text.String())
	}
}

func TestErrors(t *testing.T) {
	t.Run("422 TGI validation", func(t *testing.T) {
		s := fake(t, "TestTextGenerationClientVCR.test_generate_validation_error.yaml")
		c := client(t, s, inference.WithProvider("hf-inference"))
		_, err := c.TextGeneration(t.Context(), &inference.TextGenerationRequest{Model: "google/flan-t5-xxl", Prompt: "test", MaxNewTokens: ptr(10000)})
		e, ok := errors.AsType[*inference.Error](err)
		if !errors.Is(err, inference.ErrValidation) || !ok || e.StatusCode != 422 || e.ErrorType != "validation" || !strings.Contains(e.Message, "max_new_tokens") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("422 text/plain", func(t *testing.T) {
		s := fake(t, "hist-a365b7d4/TestInferenceClient.test_chat_completion_unprocessable_entity.yaml")
		c := client(t, s, inference.WithBaseURL(s.URL+"/hf-inference/models/meta-llama/Meta-Llama-3-70B-Instruct"))
		_, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Messages: deepLearning})
		e, ok := errors.AsType[*inference.Error](err)
		if !errors.Is(err, inference.ErrValidation) || !ok || !strings.Contains(e.Message, "Failed to deserialize") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("400 error list (legacy API)", func(t *testing.T) {
		s := fake(t, "InferenceApiTest.test_inference_missing_input.yaml")
		c := client(t, s)
		_, err := c.QuestionAnswering(t.Context(), s.URL+"/pipeline/question-answering/deepset/roberta-base-squad2", "q", "", nil)
		e, ok := errors.AsType[*inference.Error](err)
		if !errors.Is(err, inference.ErrBadRequest) || !ok || !strings.Contains(e.Message, "field required") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("503 loading recorded, then 200 with the retry policy", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml")
		hist, _ := inferencetest.LoadCassette(cassette("hist-a365b7d4/TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml"))
		s2 := inferencetest.NewServer(t)
		base, _ := inferencetest.LoadCassette(cassette("TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml"))
		base.Interactions = base.Interactions[:1] // model info only: the POSTs come from history
		s2.AddCassette(base)
		s2.AddCassette(hist)
		_ = s
		model := "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
		c := client(t, s2, inference.WithProvider("hf-inference"))
		_, err := c.TextClassification(t.Context(), model, "I like you", nil)
		e, ok := errors.AsType[*inference.Error](err)
		if !errors.Is(err, inference.ErrModelLoading) || !errors.Is(err, inference.ErrOverloaded) || !ok || e.EstimatedTime != 20*time.Second {
			t.Fatalf("without retry: err = %v", err)
		}
		// The queue now holds the recorded 200: a fresh fake replays 503 then 200.
		s3 := inferencetest.NewServer(t)
		s3.AddCassette(base)
		s3.AddCassette(hist)
		c = client(t, s3, inference.WithProvider("hf-inference"), inference.WithRetry(inference.RetryPolicy{MaxWait: time.Millisecond}))
		got, err := c.TextClassification(t.Context(), model, "I like you", nil)
		if err != nil || len(got) == 0 {
			t.Fatalf("with retry: %v %v", got, err)
		}
	})
	t.Run("429 Retry-After", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml")
		s.RateLimit("/cerebras/v1/chat/completions", 2, "0")
		req := &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: deepLearning}
		c := client(t, s, inference.WithProvider("cerebras"))
		if _, err := c.ChatCompletion(t.Context(), req); !errors.Is(err, inference.ErrRateLimited) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		c = client(t, s, inference.WithProvider("cerebras"), inference.WithRetry(inference.RetryPolicy{MaxAttempts: 3, Default: time.Millisecond}))
		if _, err := c.ChatCompletion(t.Context(), req); err != nil {
			t.Fatalf("with retry: %v", err)
		}
		if n := len(s.RequestsTo("/cerebras/v1/chat/completions")); n != 3 {
			t.Errorf("posts = %d, want 1 refused + 1 refused + 1 ok", n)
		}
	})
	t.Run("402 and 404 synthetic", func(t *testing.T) {
		s := inferencetest.NewServer(t)
		s.HandleJSON("/a/v1/chat/completions", 402, map[string]string{"error": "You have exceeded your monthly included credits"})
		s.HandleJSON("/b/v1/chat/completions", 404, map[string]string{"error": "Model x is not supported by provider y"})
		s.HandleJSON("/c/v1/chat/completions", 500, map[string]any{"error": map[string]string{"message": "boom", "type": "server_error"}})
		for path, want := range map[string]error{"/a": inference.ErrPaymentRequired, "/b": inference.ErrNotSupportedByProvider, "/c": inference.ErrServer} {
			c := client(t, s, inference.WithBaseURL(s.URL+path))
			_, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Messages: deepLearning})
			if !errors.Is(err, want) {
				t.Errorf("%s: err = %v, want %v", path, err, want)
			}
		}
	})
}

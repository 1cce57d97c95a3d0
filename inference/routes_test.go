package inference_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// invoke calls the client method of task with small inputs; the answer is
// ignored (the catch-all fake answers {}), only the request matters.
func invoke(ctx context.Context, c *inference.Client, task inference.Task, model string) {
	img := func() *bytes.Reader { return bytes.NewReader([]byte("\x89PNG....")) }
	switch task {
	case inference.TaskChat:
		c.ChatCompletion(ctx, &inference.ChatRequest{Model: model, Messages: deepLearning})
	case inference.TaskTextGeneration:
		c.TextGeneration(ctx, &inference.TextGenerationRequest{Model: model, Prompt: "p", MaxNewTokens: ptr(3)})
	case inference.TaskFeatureExtraction:
		c.FeatureExtraction(ctx, model, "t", nil)
	case inference.TaskSentenceSimilarity:
		c.SentenceSimilarity(ctx, model, "a", []string{"b"}, nil)
	case inference.TaskTextToImage:
		c.TextToImage(ctx, model, "a cat", &inference.TextToImageOptions{Width: ptr(64), Height: ptr(32), NumInferenceSteps: ptr(2)})
	case inference.TaskTextToSpeech:
		c.TextToSpeech(ctx, model, "hello", nil)
	case inference.TaskTextToVideo:
		c.TextToVideo(ctx, model, "a cat", nil)
	case inference.TaskAutomaticSpeechRecognition:
		c.AutomaticSpeechRecognition(ctx, model, bytes.NewReader([]byte("RIFF")), nil)
	case inference.TaskImageToImage:
		c.ImageToImage(ctx, model, img(), &inference.ImageToImageOptions{Prompt: "x"})
	case inference.TaskImageToVideo:
		c.ImageToVideo(ctx, model, img(), nil)
	case inference.TaskImageSegmentation:
		c.ImageSegmentation(ctx, model, img(), nil)
	case inference.TaskTextClassification:
		c.TextClassification(ctx, model, "t", nil)
	case inference.TaskTokenClassification:
		c.TokenClassification(ctx, model, "t", nil)
	case inference.TaskZeroShotClassification:
		c.ZeroShotClassification(ctx, model, "t", []string{"a", "b"}, nil)
	case inference.TaskFillMask:
		c.FillMask(ctx, model, "t [MASK]", nil)
	case inference.TaskQuestionAnswering:
		c.QuestionAnswering(ctx, model, "q", "ctx", nil)
	case inference.TaskTableQuestionAnswering:
		c.TableQuestionAnswering(ctx, model, map[string][]string{"a": {"1"}}, "q", nil)
	case inference.TaskDocumentQuestionAnswering:
		c.DocumentQuestionAnswering(ctx, model, img(), "q", nil)
	case inference.TaskVisualQuestionAnswering:
		c.VisualQuestionAnswering(ctx, model, img(), "q", nil)
	case inference.TaskSummarization:
		c.Summarization(ctx, model, "t", nil)
	case inference.TaskTranslation:
		c.Translation(ctx, model, "t", nil)
	case inference.TaskImageToText:
		c.ImageToText(ctx, model, img(), nil)
	case inference.TaskImageClassification:
		c.ImageClassification(ctx, model, img(), nil)
	case inference.TaskObjectDetection:
		c.ObjectDetection(ctx, model, img(), nil)
	case inference.TaskZeroShotImageClassification:
		c.ZeroShotImageClassification(ctx, model, img(), []string{"cat"}, nil)
	case inference.TaskAudioClassification:
		c.AudioClassification(ctx, model, bytes.NewReader([]byte("RIFF")), nil)
	case inference.TaskAudioToAudio:
		c.AudioToAudio(ctx, model, bytes.NewReader([]byte("RIFF")), nil)
	case inference.TaskTabularClassification:
		c.TabularClassification(ctx, model, map[string][]string{"a": {"1"}}, nil)
	case inference.TaskTabularRegression:
		c.TabularRegression(ctx, model, map[string][]string{"a": {"1"}}, nil)
	default:
		panic("no invoker for " + task)
	}
}

// The route table of spec §1.4, written out independently of the code.
var wantRoutes = []struct {
	provider string
	task     inference.Task
	path     string // after the provider prefix; pid is the provider-side id
	bodyKey  string // a key the body must have
}{
	{"baseten", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"cerebras", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"cohere", inference.TaskChat, "/compatibility/v1/chat/completions", "messages"},
	{"deepinfra", inference.TaskChat, "/v1/openai/chat/completions", "messages"},
	{"deepinfra", inference.TaskTextGeneration, "/v1/openai/completions", "max_tokens"},
	{"deepinfra", inference.TaskFeatureExtraction, "/v1/openai/embeddings", "input"},
	{"deepinfra", inference.TaskTextToSpeech, "/v1/openai/audio/speech", "input"},
	{"deepinfra", inference.TaskAutomaticSpeechRecognition, "/v1/openai/audio/transcriptions", ""},
	{"fal-ai", inference.TaskAutomaticSpeechRecognition, "/org/pid", "audio_url"},
	{"fal-ai", inference.TaskTextToImage, "/org/pid", "image_size"},
	{"fal-ai", inference.TaskTextToSpeech, "/org/pid", "text"},
	{"fal-ai", inference.TaskTextToVideo, "/org/pid", "prompt"},
	{"fal-ai", inference.TaskImageToImage, "/org/pid", "image_urls"},
	{"fal-ai", inference.TaskImageToVideo, "/org/pid", "image_url"},
	{"fal-ai", inference.TaskImageSegmentation, "/org/pid", "sync_mode"},
	{"featherless-ai", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"featherless-ai", inference.TaskTextGeneration, "/v1/completions", "max_tokens"},
	{"fireworks-ai", inference.TaskChat, "/inference/v1/chat/completions", "messages"},
	{"groq", inference.TaskChat, "/openai/v1/chat/completions", "messages"},
	{"hf-inference", inference.TaskChat, "/models/org/pid/v1/chat/completions", "messages"},
	{"hf-inference", inference.TaskTextGeneration, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskFeatureExtraction, "/models/org/pid/pipeline/feature-extraction", "inputs"},
	{"hf-inference", inference.TaskSentenceSimilarity, "/models/org/pid/pipeline/sentence-similarity", "inputs"},
	{"hf-inference", inference.TaskTextToImage, "/models/org/pid", "parameters"},
	{"hf-inference", inference.TaskTextClassification, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskTokenClassification, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskZeroShotClassification, "/models/org/pid", "parameters"},
	{"hf-inference", inference.TaskFillMask, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskQuestionAnswering, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskTableQuestionAnswering, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskDocumentQuestionAnswering, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskVisualQuestionAnswering, "/models/org/pid", "question"},
	{"hf-inference", inference.TaskSummarization, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskTranslation, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskTabularClassification, "/models/org/pid", "table"},
	{"hf-inference", inference.TaskTabularRegression, "/models/org/pid", "table"},
	{"hf-inference", inference.TaskImageToImage, "/models/org/pid", "inputs"},
	{"hf-inference", inference.TaskImageToText, "/models/org/pid", ""},
	{"hf-inference", inference.TaskImageClassification, "/models/org/pid", ""},
	{"hf-inference", inference.TaskImageSegmentation, "/models/org/pid", ""},
	{"hf-inference", inference.TaskObjectDetection, "/models/org/pid", ""},
	{"hf-inference", inference.TaskZeroShotImageClassification, "/models/org/pid", "parameters"},
	{"hf-inference", inference.TaskAutomaticSpeechRecognition, "/models/org/pid", ""},
	{"hf-inference", inference.TaskAudioClassification, "/models/org/pid", ""},
	{"hf-inference", inference.TaskAudioToAudio, "/models/org/pid", ""},
	{"hf-inference", inference.TaskTextToSpeech, "/models/org/pid", "inputs"},
	{"novita", inference.TaskChat, "/v3/openai/chat/completions", "messages"},
	{"novita", inference.TaskTextGeneration, "/v3/openai/completions", "prompt"},
	{"novita", inference.TaskTextToVideo, "/v3/hf/org/pid", "prompt"},
	{"nscale", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"nscale", inference.TaskTextToImage, "/v1/images/generations", "size"},
	{"openai", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"ovhcloud", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"publicai", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"replicate", inference.TaskTextToImage, "/v1/models/org/pid/predictions", "input"},
	{"replicate", inference.TaskTextToSpeech, "/v1/models/org/pid/predictions", "input"},
	{"replicate", inference.TaskTextToVideo, "/v1/models/org/pid/predictions", "input"},
	{"replicate", inference.TaskImageToImage, "/v1/models/org/pid/predictions", "input"},
	{"replicate", inference.TaskAutomaticSpeechRecognition, "/v1/models/org/pid/predictions", "input"},
	{"scaleway", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"scaleway", inference.TaskFeatureExtraction, "/v1/embeddings", "input"},
	{"together", inference.TaskChat, "/v1/chat/completions", "messages"},
	{"together", inference.TaskTextGeneration, "/v1/completions", "prompt"},
	{"together", inference.TaskFeatureExtraction, "/v1/embeddings", "input"},
	{"together", inference.TaskTextToImage, "/v1/images/generations", "response_format"},
	{"together", inference.TaskImageToImage, "/v1/images/generations", "reference_images"},
	{"together", inference.TaskTextToSpeech, "/v1/audio/speech", "input"},
	{"together", inference.TaskTextToVideo, "/v2/videos", "prompt"},
	{"together", inference.TaskImageToVideo, "/v2/videos", "frame_images"},
	{"wavespeed", inference.TaskTextToImage, "/api/v3/org/pid", "prompt"},
	{"wavespeed", inference.TaskTextToVideo, "/api/v3/org/pid", "prompt"},
	{"wavespeed", inference.TaskImageToImage, "/api/v3/org/pid", "image"},
	{"wavespeed", inference.TaskImageToVideo, "/api/v3/org/pid", "image"},
	{"zai-org", inference.TaskChat, "/api/paas/v4/chat/completions", "messages"},
	{"zai-org", inference.TaskTextToImage, "/api/paas/v4/async/images/generations", "size"},
}

func TestRouteTable(t *testing.T) {
	// Every row of the client's table is in the written-out table and
	// vice versa.
	n := 0
	for _, p := range inference.Providers() {
		for _, task := range inference.ProviderTasks(p) {
			n++
			found := false
			for _, w := range wantRoutes {
				found = found || (w.provider == p && w.task == task)
			}
			if !found {
				t.Errorf("route %s %s is not in the spec table", p, task)
			}
		}
	}
	if n != len(wantRoutes) {
		t.Errorf("client has %d routes, spec table %d", n, len(wantRoutes))
	}

	s := inferencetest.NewServer(t)
	mapping := map[string]any{}
	for _, p := range inference.Providers() {
		mapping[p] = map[string]any{"status": "live", "providerId": "org/pid"}
	}
	s.HandleJSON("/api/models/acme/model", 200, map[string]any{"id": "acme/model", "inferenceProviderMapping": mapping})
	s.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	for _, w := range wantRoutes {
		for _, key := range []string{"hf_routed", "provider_direct"} {
			if (w.provider == "hf-inference" && key != "hf_routed") || (w.provider == "openai" && key == "hf_routed") {
				continue
			}
			t.Run(w.provider+" "+string(w.task)+" "+key, func(t *testing.T) {
				opts := []inference.Option{inference.WithProvider(w.provider), inference.WithToken(key), inference.WithBillTo("acme-org")}
				prefix := "/" + w.provider
				if key != "hf_routed" {
					opts = append(opts, inference.WithProviderURL(w.provider, s.URL+"/direct"))
					prefix = "/direct"
				}
				c := client(t, s, opts...)
				arrivals := s.Arrivals()
				invoke(t.Context(), c, w.task, "acme/model")
				var got inferencetest.Request
				for r := range arrivals {
					if !strings.HasPrefix(r.Path, "/api/") {
						got = r
						break
					}
				}
				if got.Path != prefix+w.path {
					t.Errorf("path = %s, want %s", got.Path, prefix+w.path)
				}
				if w.provider == "fal-ai" && key == "hf_routed" && (w.task == inference.TaskTextToVideo || w.task == inference.TaskImageToImage || w.task == inference.TaskImageToVideo || w.task == inference.TaskImageSegmentation) && got.Query != "_subdomain=queue" {
					t.Errorf("fal queue task without _subdomain=queue: %q", got.Query)
				}
				wantAuth := "Bearer " + key
				if w.provider == "fal-ai" && key != "hf_routed" {
					wantAuth = "Key " + key
				}
				if a := got.Header.Get("Authorization"); a != wantAuth {
					t.Errorf("Authorization = %q, want %q", a, wantAuth)
				}
				if got.Header.Get("X-HF-Bill-To") != "acme-org" {
					t.Errorf("X-HF-Bill-To missing")
				}
				if w.bodyKey != "" {
					if _, ok := got.JSON()[w.bodyKey]; !ok {
						t.Errorf("body lacks %q: %.200s", w.bodyKey, got.Body)
					}
				}
				if w.provider == "replicate" && got.Header.Get("Prefer") != "wait" {
					t.Errorf("replicate without Prefer: wait")
				}
				if w.provider == "zai-org" && got.Header.Get("x-source-channel") != "hugging_face" {
					t.Errorf("zai without x-source-channel")
				}
			})
		}
	}
}

func TestResponseFormatRewrites(t *testing.T) {
	s := inferencetest.NewServer(t)
	mapping := map[string]any{}
	for _, p := range []string{"hf-inference", "fireworks-ai", "cohere", "together", "cerebras"} {
		mapping[p] = map[string]any{"status": "live", "providerId": "pid", "task": "conversational"}
	}
	s.HandleJSON("/api/models/acme/m", 200, map[string]any{"id": "acme/m", "inferenceProviderMapping": mapping})
	s.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	schema := map[string]any{"type": "object"}
	want := map[string]map[string]any{
		"hf-inference": {"type": "json_object", "value": schema},
		"fireworks-ai": {"type": "json_object", "schema": schema},
		"cohere":       {"type": "json_object", "schema": schema},
		"together":     {"type": "json_schema", "schema": schema},
		"cerebras":     {"type": "json_schema", "json_schema": map[string]any{"name": "answer", "schema": schema}},
	}
	for p, w := range want {
		c := client(t, s, inference.WithProvider(p))
		c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "acme/m", Messages: deepLearning, ResponseFormat: inference.JSONSchemaFormat("answer", schema)})
		got := s.Last().JSON()["response_format"]
		if !jsonEqual(got, w) {
			t.Errorf("%s: response_format = %v, want %v", p, got, w)
		}
	}
}

func TestAutoRouting(t *testing.T) {
	s := fake(t, "TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml")
	t.Run("chat goes to the auto router with the suffix kept", func(t *testing.T) {
		c := client(t, s)
		r, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct:fastest", Messages: deepLearning})
		if err != nil {
			t.Fatal(err)
		}
		last := s.Last()
		if last.Path != "/v1/chat/completions" || last.JSON()["model"] != "meta-llama/Llama-3.3-70B-Instruct:fastest" || r.Text() == "" {
			t.Errorf("request %s %v", last.Path, last.JSON()["model"])
		}
	})
	t.Run("the auto router refuses a provider key before sending", func(t *testing.T) {
		c := client(t, s, inference.WithToken("sk-provider"))
		before := len(s.Requests())
		_, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: deepLearning})
		if !errors.Is(err, inference.ErrInvalidInput) || len(s.Requests()) != before {
			t.Errorf("err = %v, %d requests sent", err, len(s.Requests())-before)
		}
	})
	t.Run("a provider key goes directly, only to its provider", func(t *testing.T) {
		c := client(t, s, inference.WithProvider("cerebras"), inference.WithToken("csk-own"), inference.WithProviderURL("cerebras", s.URL+"/cerebras"))
		if _, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: deepLearning}); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.Requests() {
			if strings.HasPrefix(r.Path, "/api/") && strings.Contains(r.Header.Get("Authorization"), "csk-own") {
				t.Errorf("provider key sent to the Hub: %s", r.Path)
			}
		}
		if s.Last().Header.Get("Authorization") != "Bearer csk-own" {
			t.Errorf("Authorization = %q", s.Last().Header.Get("Authorization"))
		}
	})
	t.Run("other tasks take the first supported provider of the mapping", func(t *testing.T) {
		s := inferencetest.NewServer(t)
		s.HandleJSON("/api/models/acme/emb", 200, map[string]any{"id": "acme/emb", "inferenceProviderMapping": map[string]any{
			"unknown-co": map[string]any{"status": "live", "providerId": "x", "task": "feature-extraction"},
			"scaleway":   map[string]any{"status": "staging", "providerId": "emb-s", "task": "feature-extraction"},
			"together":   map[string]any{"status": "live", "providerId": "emb-t", "task": "feature-extraction"}}})
		s.HandleJSON("/scaleway/v1/embeddings", 200, map[string]any{"data": []any{map[string]any{"embedding": []float64{1, 2}}, map[string]any{"embedding": []float64{3, 4}}}})
		var logs bytes.Buffer
		c := client(t, s, inference.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		vecs, err := c.Embeddings(t.Context(), "acme/emb", []string{"a", "b"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(vecs) != 2 || vecs[1][1] != 4 || s.Last().JSON()["model"] != "emb-s" {
			t.Errorf("vecs %v body %s", vecs, s.Last().Body)
		}
		if !strings.Contains(logs.String(), "staging") {
			t.Errorf("no staging warning: %q", logs.String())
		}
	})
	t.Run("task mismatch and missing provider", func(t *testing.T) {
		c := client(t, s, inference.WithProvider("cerebras"))
		if _, err := c.TextToImage(t.Context(), "meta-llama/Llama-3.3-70B-Instruct", "x", nil); !errors.Is(err, inference.ErrNotSupportedByProvider) {
			t.Errorf("text-to-image on a chat mapping: %v", err)
		}
		c = client(t, s, inference.WithProvider("groq"))
		if _, err := c.ChatCompletion(t.Context(), &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: deepLearning}); !errors.Is(err, inference.ErrNotSupportedByProvider) {
			t.Errorf("unmapped provider: %v", err)
		}
	})
	t.Run("HF_ROUTER_URL and unknown providers", func(t *testing.T) {
		c, err := inference.New(inference.WithEnv(env(t, "HF_ROUTER_URL", s.URL+"/")))
		if err != nil || c.RouterURL() != s.URL {
			t.Errorf("router = %v %v", c.RouterURL(), err)
		}
		if _, err := inference.New(inference.WithEnv(env(t)), inference.WithProvider("acme-ai")); !errors.Is(err, inference.ErrInvalidInput) {
			t.Errorf("unknown provider: %v", err)
		}
		c, _ = inference.New(inference.WithEnv(env(t)))
		if c.RouterURL() != inference.DefaultRouterURL {
			t.Errorf("default router = %s", c.RouterURL())
		}
	})
}

func jsonEqual(a, b any) bool {
	return strings.TrimSpace(mustJSON(a)) == strings.TrimSpace(mustJSON(b))
}

package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// skipOrFail skips a check whose component is missing, except under
// CI=true where it must run.
func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: this check must run)", msg)
	}
	t.Skip(msg)
}

var jsChecks = map[string][]string{
	"chat_cerebras":       {"TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml"},
	"stream_hf_inference": {"test_openai_compatibility_with_stream_true.yaml"},
	"embeddings":          {"hist-a0992733/TestInferenceClient.test_feature_extraction_with_transformers[hf-inference,feature-extraction].yaml"},
	"similarity":          {"TestInferenceClient.test_sentence_similarity[hf-inference,sentence-similarity].yaml"},
	"text_to_image":       {"hist-a0992733/TestInferenceClient.test_text_to_image_default[hf-inference,text-to-image].yaml"},
	"error_401":           {"TestInferenceClient.test_chat_completion_unprocessable_entity.yaml"},
	"openai_chat":         {"TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml"},
	"openai_stream":       {"test_openai_compatibility_with_stream_true.yaml"},
	"openai_error_429":    {"TestInferenceClient.test_chat_completion_no_stream[cerebras,conversational].yaml"},
}

func newInferenceFake(t *testing.T, name string) *inferencetest.Server {
	var paths []string
	for _, c := range jsChecks[name] {
		paths = append(paths, filepath.Join("..", "inference", "testdata", "cassettes", c))
	}
	s := inferencetest.NewServer(t, inferencetest.WithCassettes(paths...))
	if name == "openai_error_429" {
		s.RateLimit("/v1/chat/completions", 0, "2")
	}
	return s
}

// TestOfficialJSInferenceClients runs npm @huggingface/inference and npm
// openai against inferencetest (interop/inference-js/check.mjs) and checks
// that they see what hfhub's client sees on the same cassettes.
func TestOfficialJSInferenceClients(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node not found; install Node.js 18+ to run the official inference clients")
	}
	dir := filepath.Join("inference-js")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@huggingface", "inference", "package.json")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			skipOrFail(t, "npm ci in interop/inference-js failed: "+err.Error()+"\n"+string(out))
		}
	}
	fakes := map[string]*inferencetest.Server{}
	urls := map[string]string{}
	for name := range jsChecks {
		fakes[name] = newInferenceFake(t, name)
		urls[name] = fakes[name].URL
	}
	env, _ := json.Marshal(urls)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a hung client only
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "check.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FAKES="+string(env))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, out)
	}
	if testing.Verbose() {
		t.Logf("JS results: %s", out)
	}
	var js map[string]map[string]any
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatalf("check.mjs output %q: %v", out, err)
	}

	// hfhub's client on fresh fakes with the same cassettes.
	ours := func(name string, opts ...inference.Option) *inference.Client {
		s := newInferenceFake(t, name)
		home := t.TempDir()
		getenv := func(k string) string {
			return map[string]string{"HF_HOME": home, "HF_TOKEN": "hf_gointerop"}[k]
		}
		c, err := inference.New(append([]inference.Option{inference.WithEnv(getenv), inference.WithHubEndpoint(s.URL), inference.WithRouterURL(s.URL)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	msgs := []inference.Message{{Role: "system", Content: inference.Text("You are a helpful assistant.")}, {Role: "user", Content: inference.Text("What is deep learning?")}}
	bg := t.Context()
	for name, res := range js {
		if e, ok := res["error"].(map[string]any); ok && e != nil && !strings.HasPrefix(name, "error_") && !strings.HasSuffix(name, "_429") {
			t.Errorf("%s: the JS client failed: %v", name, e)
			delete(js, name)
		}
	}
	t.Run("chat", func(t *testing.T) {
		r, err := ours("chat_cerebras", inference.WithProvider("cerebras")).ChatCompletion(bg, &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: msgs})
		if err != nil || js["chat_cerebras"]["text"] != r.Text() {
			t.Errorf("JS %.60q, ours %.60q (%v)", js["chat_cerebras"]["text"], r.Text(), err)
		}
		if bt := fakes["chat_cerebras"].Last().Header.Get("X-HF-Bill-To"); bt != "acme-org" {
			t.Errorf("JS billTo header = %q", bt)
		}
		r, err = ours("openai_chat").ChatCompletion(bg, &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: msgs})
		if err != nil || js["openai_chat"]["text"] != r.Text() {
			t.Errorf("openai %.60q, ours %.60q (%v)", js["openai_chat"]["text"], r.Text(), err)
		}
	})
	t.Run("streaming", func(t *testing.T) {
		for _, name := range []string{"stream_hf_inference", "openai_stream"} {
			opts := []inference.Option{inference.WithProvider("hf-inference")}
			if name == "openai_stream" {
				opts = nil // the auto router, as openai's baseURL {router}/v1
			}
			var acc inference.ChatAccumulator
			for ch, err := range ours(name, opts...).ChatCompletionStream(bg, &inference.ChatRequest{Model: "meta-llama/Meta-Llama-3.1-8B-Instruct", Messages: msgs}) {
				if err != nil {
					t.Fatal(err)
				}
				acc.Add(ch)
			}
			if js[name]["chunks"] != float64(acc.Chunks()) || js[name]["text"] != acc.Response().Text() || acc.Chunks() != 35 {
				t.Errorf("%s: JS %v chunks %.40q, ours %d %.40q", name, js[name]["chunks"], js[name]["text"], acc.Chunks(), acc.Response().Text())
			}
		}
	})
	t.Run("embeddings and similarity", func(t *testing.T) {
		tensor, err := ours("embeddings", inference.WithProvider("hf-inference")).FeatureExtraction(bg, "facebook/bart-base", "Hi, who are you?", nil)
		if err != nil {
			t.Fatal(err)
		}
		shape, _ := json.Marshal(tensor.Shape)
		jsShape, _ := json.Marshal(js["embeddings"]["shape"])
		if string(shape) != string(jsShape) || math.Abs(js["embeddings"]["first"].(float64)-float64(tensor.Data[0])) > 1e-6 {
			t.Errorf("JS shape %s first %v, ours %s %v", jsShape, js["embeddings"]["first"], shape, tensor.Data[0])
		}
		sims, err := ours("similarity", inference.WithProvider("hf-inference")).SentenceSimilarity(bg, "sentence-transformers/all-MiniLM-L6-v2", "Machine learning is so easy.",
			[]string{"Deep learning is so straightforward.", "This is so difficult, like rocket science.", "I can't believe how much I struggled with this."}, nil)
		if err != nil || mustJSON(sims) != mustJSON(js["similarity"]["scores"]) {
			t.Errorf("JS %v, ours %v (%v)", js["similarity"]["scores"], sims, err)
		}
	})
	t.Run("text-to-image", func(t *testing.T) {
		img, err := ours("text_to_image", inference.WithProvider("hf-inference")).TextToImage(bg, "CompVis/stable-diffusion-v1-4", "An astronaut riding a horse on the moon.", nil)
		if err != nil || js["text_to_image"]["size"] != float64(len(img.Data)) || js["text_to_image"]["type"] != img.ContentType {
			t.Errorf("JS %v, ours %d %s (%v)", js["text_to_image"], len(img.Data), img.ContentType, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := ours("error_401", inference.WithProvider("hf-inference")).ChatCompletion(bg, &inference.ChatRequest{Model: "meta-llama/Meta-Llama-3-70B-Instruct", Messages: msgs})
		e, _ := errors.AsType[*inference.Error](err)
		jsErr, _ := js["error_401"]["error"].(map[string]any)
		if e == nil || e.StatusCode != 401 || jsErr == nil || jsErr["status"] != 401.0 || !strings.Contains(jsErr["message"].(string), e.Message) {
			t.Errorf("JS %v, ours %v", jsErr, err)
		}
		_, err = ours("openai_error_429").ChatCompletion(bg, &inference.ChatRequest{Model: "meta-llama/Llama-3.3-70B-Instruct", Messages: msgs})
		e, _ = errors.AsType[*inference.Error](err)
		jsErr, _ = js["openai_error_429"]["error"].(map[string]any)
		if e == nil || !errors.Is(err, inference.ErrRateLimited) || e.RetryAfter != 2*time.Second || jsErr == nil || jsErr["status"] != 429.0 {
			t.Errorf("JS %v, ours %v", jsErr, err)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var pyChecks = map[string]string{
	"chat_together":       "TestInferenceClient.test_chat_completion_no_stream[together,conversational].yaml",
	"stream_hyperbolic":   "TestInferenceClient.test_chat_completion_with_stream[hyperbolic,conversational].yaml",
	"stream_hf_inference": "test_openai_compatibility_with_stream_true.yaml",
	"validation_422":      "TestTextGenerationClientVCR.test_generate_validation_error.yaml",
	"features":            "hist-a0992733/TestInferenceClient.test_feature_extraction_with_transformers[hf-inference,feature-extraction].yaml",
	"classification":      "TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml",
}

// TestOfficialPythonInferenceClient runs huggingface_hub's InferenceClient
// (interop/python/inference_check.py) against inferencetest and checks it
// sees what hfhub's client sees. By hand, like TestOfficialPythonClient:
// it needs HFHUB_PY_CLIENT (e.g. /work/pyhf/src, release 1.3.7).
func TestOfficialPythonInferenceClient(t *testing.T) {
	src := os.Getenv("HFHUB_PY_CLIENT")
	if src == "" {
		t.Skip("HFHUB_PY_CLIENT not set; see interop/README.md to run the official Python client checks")
	}
	fake := func(name string) *inferencetest.Server {
		return inferencetest.NewServer(t, inferencetest.WithCassettes(filepath.Join("..", "inference", "testdata", "cassettes", pyChecks[name])))
	}
	fakes := map[string]*inferencetest.Server{}
	urls := map[string]string{}
	for name := range pyChecks {
		fakes[name] = fake(name)
		urls[name] = fakes[name].URL
	}
	env, _ := json.Marshal(urls)
	cmd := exec.CommandContext(t.Context(), "/usr/bin/python3", "inference_check.py")
	cmd.Dir = "python"
	cmd.Env = append(os.Environ(), "PYTHONPATH="+src, "FAKES="+string(env))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("inference_check.py: %v\n%s", err, out)
	}
	t.Logf("Python results: %.2000s", out)
	var py map[string]map[string]any
	if err := json.Unmarshal(out, &py); err != nil {
		t.Fatal(err)
	}
	ours := func(name, provider string) *inference.Client {
		s := fake(name)
		home := t.TempDir()
		c, err := inference.New(inference.WithEnv(func(k string) string { return map[string]string{"HF_HOME": home, "HF_TOKEN": "hf_go"}[k] }),
			inference.WithHubEndpoint(s.URL), inference.WithRouterURL(s.URL), inference.WithProvider(provider))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	bg := t.Context()
	msgs := []inference.Message{{Role: "system", Content: inference.Text("You are a helpful assistant.")}, {Role: "user", Content: inference.Text("What is deep learning?")}}
	r, err := ours("chat_together", "together").ChatCompletion(bg, &inference.ChatRequest{Model: "meta-llama/Meta-Llama-3-8B-Instruct", Messages: msgs})
	if err != nil || py["chat_together"]["text"] != r.Text() || fakes["chat_together"].Last().Header.Get("X-HF-Bill-To") != "acme-org" {
		t.Errorf("chat: Python %v, ours %.40q %v", py["chat_together"], r.Text(), err)
	}
	for name, m := range map[string][2]string{"stream_hyperbolic": {"hyperbolic", "meta-llama/Llama-3.2-3B-Instruct"}, "stream_hf_inference": {"hf-inference", "meta-llama/Meta-Llama-3.1-8B-Instruct"}} {
		resp, err := inference.CollectChat(ours(name, m[0]).ChatCompletionStream(bg, &inference.ChatRequest{Model: m[1], Messages: msgs}))
		var acc inference.ChatAccumulator
		for ch, err := range ours(name, m[0]).ChatCompletionStream(bg, &inference.ChatRequest{Model: m[1], Messages: msgs}) {
			if err == nil {
				acc.Add(ch)
			}
		}
		if err != nil || py[name]["chunks"] != float64(acc.Chunks()) || py[name]["text"] != resp.Text() {
			t.Errorf("%s: Python %v chunks, ours %d (%v)", name, py[name]["chunks"], acc.Chunks(), err)
		}
	}
	_, err = ours("validation_422", "hf-inference").TextGeneration(bg, &inference.TextGenerationRequest{Model: "google/flan-t5-xxl", Prompt: "test", MaxNewTokens: new(10000)})
	if e, _ := py["validation_422"]["error"].(map[string]any); !errors.Is(err, inference.ErrValidation) || e == nil || e["type"] != "ValidationError" {
		t.Errorf("422: Python %v, ours %v", py["validation_422"], err)
	}
	tensor, err := ours("features", "hf-inference").FeatureExtraction(bg, "facebook/bart-base", "Hi, who are you?", nil)
	if err != nil || mustJSON(tensor.Shape) != mustJSON(py["features"]["shape"]) {
		t.Errorf("features: Python %v, ours %v %v", py["features"], tensor, err)
	}
	labels, err := ours("classification", "hf-inference").TextClassification(bg, "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "I like you", nil)
	want := [][]any{}
	for _, l := range labels {
		want = append(want, []any{l.Label, l.Score})
	}
	if err != nil || mustJSON(want) != mustJSON(py["classification"]["labels"]) {
		t.Errorf("classification: Python %v, ours %v %v", py["classification"], want, err)
	}
}

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

package inference_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// newExampleClient returns a client whose Hub and router are a loopback
// fake; real programs call inference.New() with no options (HF_TOKEN or
// the stored token, https://router.huggingface.co).
func newExampleClient(s *inferencetest.Server, opts ...inference.Option) *inference.Client {
	env := map[string]string{"HF_TOKEN": "hf_example", "HF_ENDPOINT": s.URL, "HF_ROUTER_URL": s.URL, "HF_HOME": "/nonexistent"}
	c, err := inference.New(append([]inference.Option{inference.WithEnv(func(k string) string { return env[k] })}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func ExampleClient_ChatCompletion() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.MapModel("meta-llama/Llama-3.3-70B-Instruct", "conversational", [2]string{"cerebras", "llama-3.3-70b"})
	s.HandleJSON("/cerebras/v1/chat/completions", 200, map[string]any{"choices": []any{map[string]any{
		"message": map[string]any{"role": "assistant", "content": "Deep learning uses neural networks with many layers."}, "finish_reason": "stop"}}})

	c := newExampleClient(s, inference.WithProvider("cerebras"))
	resp, err := c.ChatCompletion(context.Background(), &inference.ChatRequest{
		Model:    "meta-llama/Llama-3.3-70B-Instruct",
		Messages: []inference.Message{{Role: "user", Content: inference.Text("What is deep learning?")}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Text())
	fmt.Println(s.Last().Path, s.Last().JSON()["model"])
	// Output:
	// Deep learning uses neural networks with many layers.
	// /cerebras/v1/chat/completions llama-3.3-70b
}

func ExampleClient_ChatCompletionStream() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.Stream("/v1/chat/completions", inferencetest.ChatChunks("m", "Hello", ", ", "world", "!"), inferencetest.SSE{})

	c := newExampleClient(s) // provider "auto": the router's /v1/chat/completions
	req := &inference.ChatRequest{Model: "openai/gpt-oss-120b:fastest", Messages: []inference.Message{{Role: "user", Content: inference.Text("Greet me")}}}
	for chunk, err := range c.ChatCompletionStream(context.Background(), req) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(chunk.Text()) // each chunk as it arrives
	}
	fmt.Println()
	// Output:
	// Hello, world!
}

func ExampleChatAccumulator_tools() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.Stream("/v1/chat/completions", inferencetest.ToolCallChunks("m", "call_1", "get_weather", `{"city":`, ` "Paris"}`), inferencetest.SSE{})

	c := newExampleClient(s)
	weather := inference.FunctionTool("get_weather", "Current weather in a city", map[string]any{
		"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"}})
	resp, err := inference.CollectChat(c.ChatCompletionStream(context.Background(), &inference.ChatRequest{
		Model:      "Qwen/Qwen2.5-72B-Instruct",
		Messages:   []inference.Message{{Role: "user", Content: inference.Text("Weather in Paris?")}},
		Tools:      []inference.Tool{weather},
		ToolChoice: inference.ToolChoiceMode("auto"),
	}))
	if err != nil {
		log.Fatal(err)
	}
	call := resp.Choices[0].Message.ToolCalls[0]
	fmt.Println(resp.Choices[0].FinishReason, call.Function.Name, string(call.Function.ArgumentsJSON()))
	// Output:
	// tool_calls get_weather {"city": "Paris"}
}

func ExampleClient_Embeddings() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.MapModel("sentence-transformers/all-MiniLM-L6-v2", "feature-extraction", [2]string{"hf-inference", "sentence-transformers/all-MiniLM-L6-v2"})
	s.HandleJSON("/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction", 200, [][]float64{{0.1, 0.2, 0.3}, {0.3, 0.2, 0.1}})

	c := newExampleClient(s)
	vecs, err := c.Embeddings(context.Background(), "sentence-transformers/all-MiniLM-L6-v2", []string{"first", "second"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(vecs), len(vecs[0]), vecs[1][0])
	// Output:
	// 2 3 0.3
}

func ExampleClient_TextToImage() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.MapModel("black-forest-labs/FLUX.1-schnell", "text-to-image", [2]string{"hf-inference", "black-forest-labs/FLUX.1-schnell"})
	s.Asset("/hf-inference/models/black-forest-labs/FLUX.1-schnell", "image/jpeg", []byte("\xff\xd8\xff\xe0 jpeg bytes"))

	c := newExampleClient(s)
	width := 512
	img, err := c.TextToImage(context.Background(), "black-forest-labs/FLUX.1-schnell", "An astronaut riding a horse", &inference.TextToImageOptions{Width: &width})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.ContentType, len(img.Data)) // write img.Data to a file of that type
	// Output:
	// image/jpeg 15
}

func ExampleDecodeStructured() {
	type Capital struct {
		City    string `json:"city"`
		Country string `json:"country"`
	}
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.HandleJSON("/v1/chat/completions", 200, map[string]any{"choices": []any{map[string]any{
		"message": map[string]any{"role": "assistant", "content": `{"city":"Paris","country":"France"}`}}}})

	c := newExampleClient(s)
	format, err := inference.StructuredFormat[Capital]("capital")
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.ChatCompletion(context.Background(), &inference.ChatRequest{
		Model:          "meta-llama/Llama-3.3-70B-Instruct",
		Messages:       []inference.Message{{Role: "user", Content: inference.Text("Capital of France, as JSON")}},
		ResponseFormat: format,
	})
	if err != nil {
		log.Fatal(err)
	}
	capital, err := inference.DecodeStructured[Capital](resp)
	if err != nil {
		log.Fatal(err) // wraps inference.ErrSchemaMismatch when the answer does not fit
	}
	fmt.Println(capital.City, capital.Country)
	// Output:
	// Paris France
}

func ExampleClient_ConnectRealtime() {
	s, _ := inferencetest.Listen()
	defer s.Close()
	s.Realtime("/fal-ai/fast-lcm-diffusion", func(p []byte) inferencetest.RealtimeAnswer {
		return inferencetest.RealtimeAnswer{Frames: [][]byte{p}, Text: true}
	}, inferencetest.RealtimeKnobs{})

	c := newExampleClient(s, inference.WithToken("fal-key")) // fal real-time takes a fal key
	sess, err := c.ConnectRealtime(context.Background(), "", &inference.RealtimeOptions{
		URL: "ws" + strings.TrimPrefix(s.URL, "http") + "/fal-ai/fast-lcm-diffusion", // default: wss://ws.fal.run/{app}
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	if err := sess.Send(ctx, map[string]string{"prompt": "a cat"}); err != nil {
		log.Fatal(err)
	}
	r, err := sess.Receive(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Status, string(r.Data))
	// Output:
	// 200 {"prompt":"a cat"}
}

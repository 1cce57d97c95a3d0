package inference_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// cassette returns the path of a cassette in testdata.
func cassette(name string) string { return filepath.Join("testdata", "cassettes", name) }

// fake starts an inferencetest server replaying the named cassettes.
func fake(t *testing.T, names ...string) *inferencetest.Server {
	t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = cassette(n)
	}
	return inferencetest.NewServer(t, inferencetest.WithCassettes(paths...))
}

// env is a clean environment: an HF token, a temp HF_HOME, nothing else.
func env(t *testing.T, kv ...string) func(string) string {
	home := t.TempDir()
	m := map[string]string{"HF_HOME": home, "HF_TOKEN": "hf_testtoken"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// client returns a client whose hub endpoint and router are the fake.
func client(t *testing.T, s *inferencetest.Server, opts ...inference.Option) *inference.Client {
	t.Helper()
	base := []inference.Option{inference.WithEnv(env(t)), inference.WithHubEndpoint(s.URL), inference.WithRouterURL(s.URL), inference.WithHTTPClient(s.Client())}
	c, err := inference.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recordedStream returns the data payloads of the SSE body of the
// cassette's last streamed answer, parsed naively (for cross-checks).
func recordedStream(t *testing.T, name string) []string {
	t.Helper()
	c, err := inferencetest.LoadCassette(cassette(name))
	if err != nil {
		t.Fatal(err)
	}
	var body string
	for _, it := range c.Interactions {
		if strings.HasPrefix(it.Header.Get("Content-Type"), "text/event-stream") {
			body = string(it.Body)
		}
	}
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if d, ok := strings.CutPrefix(line, "data:"); ok {
			d = strings.TrimSpace(d)
			if d != "[DONE]" && d != "" {
				out = append(out, d)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no stream", name)
	}
	return out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

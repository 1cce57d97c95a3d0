package inference_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

func TestEndpointInfoAndHealth(t *testing.T) {
	s := inferencetest.NewServer(t)
	s.HandleJSON("/tgi/info", 200, map[string]any{"model_id": "acme/llm", "max_input_tokens": 4096})
	s.HandleJSON("/tgi/health", 200, map[string]any{})
	s.HandleJSON("/down/health", 503, map[string]string{"error": "loading"})
	c := client(t, s, inference.WithBaseURL(s.URL+"/tgi/v1"))
	info, err := c.EndpointInfo(t.Context(), "")
	if err != nil || info["model_id"] != "acme/llm" {
		t.Fatalf("info %v %v", info, err)
	}
	if ok, err := c.HealthCheck(t.Context(), ""); !ok || err != nil {
		t.Errorf("health %v %v", ok, err)
	}
	if ok, err := c.HealthCheck(t.Context(), s.URL+"/down"); ok || err != nil {
		t.Errorf("down: %v %v", ok, err)
	}
	if s.Last().Header.Get("Authorization") != "Bearer hf_testtoken" {
		t.Errorf("token not sent to the endpoint")
	}
	if _, err := client(t, s).HealthCheck(t.Context(), "acme/llm"); !errors.Is(err, inference.ErrInvalidInput) {
		t.Errorf("model id: %v", err)
	}
}

// FuzzSSEDecoder: any split of a stream into reads gives the same events
// as reading it whole, and the decoder never panics.
func FuzzSSEDecoder(f *testing.F) {
	f.Add("data: a\n\ndata: b\r\n\r\n: c\n\ndata:{\"x\":\"é\"}\r\rdata: [DONE]\n\n", 3)
	f.Add("event: e\nid: 1\ndata: x\ndata: y\n\n", 7)
	f.Add("data: unterminated", 2)
	f.Fuzz(func(t *testing.T, in string, chunk int) {
		if chunk <= 0 {
			chunk = 1
		}
		whole := events(inference.NewSSEDecoder(strings.NewReader(in)))
		split := events(inference.NewSSEDecoder(&chunkReader{s: in, n: chunk%17 + 1}))
		if strings.Join(whole, "\x00") != strings.Join(split, "\x00") {
			t.Fatalf("whole %q, split by %d %q", whole, chunk%17+1, split)
		}
	})
}

func events(d *inference.SSEDecoder) []string {
	var out []string
	for {
		ev, err := d.Next()
		if err != nil {
			return out
		}
		out = append(out, ev.Event+"|"+ev.ID+"|"+string(ev.Data))
	}
}

type chunkReader struct {
	s string
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.n)], r.s)
	r.s = r.s[n:]
	return n, nil
}

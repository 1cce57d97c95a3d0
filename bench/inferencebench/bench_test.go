package inferencebench

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

const chunks = 500

func stream() (pieces []string, body []byte) {
	for i := range chunks {
		pieces = append(pieces, " token"+strings.Repeat("é", i%4))
	}
	var b bytes.Buffer
	for _, d := range inferencetest.ChatChunks("bench-model", pieces...) {
		b.WriteString("data: " + d + "\n\n")
	}
	b.WriteString("data: [DONE]\n\n")
	return pieces, b.Bytes()
}

// BenchmarkSSEDecode decodes a 500-chunk chat stream from memory: events
// only, then events plus the JSON of each chunk.
func BenchmarkSSEDecode(b *testing.B) {
	_, body := stream()
	b.Run("events", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			d := inference.NewSSEDecoder(bytes.NewReader(body))
			for {
				if _, err := d.Next(); err != nil {
					break
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(chunks+2)), "ns/event")
	})
	b.Run("events+json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		var acc inference.ChatAccumulator
		for b.Loop() {
			d := inference.NewSSEDecoder(bytes.NewReader(body))
			for {
				ev, err := d.Next()
				if err != nil || string(ev.Data) == "[DONE]" {
					break
				}
				var ch inference.ChatChunk
				if err := jsonUnmarshal(ev.Data, &ch); err != nil {
					b.Fatal(err)
				}
				acc.Add(&ch)
			}
		}
	})
}

func newFake(b *testing.B) (*inferencetest.Server, *inference.Client, []byte) {
	s, err := inferencetest.Listen()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	pieces, _ := stream()
	s.Stream("/v1/chat/completions", inferencetest.ChatChunks("bench-model", pieces...), inferencetest.SSE{})
	home := b.TempDir()
	c, err := inference.New(inference.WithEnv(func(k string) string {
		return map[string]string{"HF_HOME": home, "HF_TOKEN": "hf_bench"}[k]
	}), inference.WithBaseURL(s.URL+"/v1"))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"model":"bench-model","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	return s, c, body
}

var req = &inference.ChatRequest{Model: "bench-model", Messages: []inference.Message{{Role: "user", Content: inference.Text("hi")}}}

// BenchmarkFirstToken: time to the first content chunk, our client vs a
// raw HTTP POST reading up to the first data line (same fake, same
// keep-alive transport settings).
func BenchmarkFirstToken(b *testing.B) {
	s, c, body := newFake(b)
	b.Run("raw-http", func(b *testing.B) {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		for b.Loop() {
			resp, err := hc.Post(s.URL+"/v1/chat/completions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			r := bufio.NewReader(resp.Body)
			for {
				line, err := r.ReadSlice('\n')
				if err != nil || bytes.HasPrefix(line, []byte("data: ")) {
					break
				}
			}
			resp.Body.Close()
		}
	})
	b.Run("hfhub", func(b *testing.B) {
		for b.Loop() {
			for _, err := range c.ChatCompletionStream(b.Context(), req) {
				if err != nil {
					b.Fatal(err)
				}
				break
			}
		}
	})
}

// BenchmarkWholeStream: the whole 500-chunk stream, our client (decoding
// and accumulating every chunk) vs a raw HTTP read of the body.
func BenchmarkWholeStream(b *testing.B) {
	s, c, body := newFake(b)
	b.Run("raw-http", func(b *testing.B) {
		hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		for b.Loop() {
			resp, err := hc.Post(s.URL+"/v1/chat/completions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("hfhub", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var acc inference.ChatAccumulator
			for ch, err := range c.ChatCompletionStream(b.Context(), req) {
				if err != nil {
					b.Fatal(err)
				}
				acc.Add(ch)
			}
			if acc.Chunks() != chunks+1 {
				b.Fatalf("chunks = %d", acc.Chunks())
			}
		}
	})
}

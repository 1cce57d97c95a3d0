package inferencecmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// setup returns a factory whose Hub and router are the fake, with a token.
func setup(t *testing.T, format cmdutil.Format) (*cmdutil.Factory, *inferencetest.Server, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	s := inferencetest.NewServer(t)
	f, out, errOut, _ := cmdutil.TestFactory(t)
	home := f.Getenv("HF_HOME")
	f.Getenv = func(k string) string {
		switch k {
		case "HF_HOME":
			return home
		case "HF_TOKEN":
			return "hf_clitoken"
		case "HF_ROUTER_URL":
			return s.URL
		}
		return ""
	}
	f.Globals.Endpoint, f.Globals.Format = s.URL, format
	return f, s, out, errOut
}

func TestChatOneShotStreamsTokens(t *testing.T) {
	f, s, out, _ := setup(t, cmdutil.FormatTable)
	s.Stream("/v1/chat/completions", inferencetest.ChatChunks("m", "Deep ", "learning ", "is…"), inferencetest.SSE{})
	err := cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm:fastest", "What is deep learning?", "--system", "Be brief", "--max-tokens", "9", "--temperature", "0")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "Deep learning is…\n" {
		t.Errorf("stdout = %q", out.String())
	}
	b := s.Last().JSON()
	msgs := b["messages"].([]any)
	if b["model"] != "acme/llm:fastest" || b["stream"] != true || b["max_tokens"] != 9.0 || b["temperature"] != 0.0 || len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" {
		t.Errorf("body = %v", b)
	}
	if s.Last().Header.Get("Authorization") != "Bearer hf_clitoken" {
		t.Errorf("token not sent")
	}
}

func TestChatPromptFromStdinAndJSON(t *testing.T) {
	f, s, out, _ := setup(t, cmdutil.FormatJSON)
	s.MapModel("acme/llm", "conversational", [2]string{"together", "llm-turbo"})
	s.Stream("/together/v1/chat/completions", inferencetest.ChatChunks("llm-turbo", "Hi", "!"), inferencetest.SSE{})
	f.IO.In = strings.NewReader("Hello there\n")
	if err := cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm", "--provider", "together"); err != nil {
		t.Fatal(err)
	}
	var doc chatJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("stdout %q: %v", out.String(), err)
	}
	if doc.Text != "Hi!" || doc.FinishReason != "stop" || doc.Provider != "together" {
		t.Errorf("doc = %+v", doc)
	}
	if m := s.Last().JSON()["messages"].([]any)[0].(map[string]any); m["content"] != "Hello there" {
		t.Errorf("stdin prompt = %v", m)
	}
}

func TestChatInteractive(t *testing.T) {
	f, s, out, errOut := setup(t, cmdutil.FormatTable)
	s.Stream("/v1/chat/completions", inferencetest.ChatChunks("m", "ok"), inferencetest.SSE{})
	f.IO.In = strings.NewReader("first\nsecond\n\n")
	f.IO.SetTTY(true, true, true)
	if err := cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "ok\nok\n" || !strings.Contains(errOut.String(), "Chatting with acme/llm") {
		t.Errorf("stdout %q stderr %q", out.String(), errOut.String())
	}
	// The second turn carries the history.
	if msgs := s.Last().JSON()["messages"].([]any); len(msgs) != 3 {
		t.Errorf("history = %v", msgs)
	}
}

func TestChatErrorsHaveExitCodes(t *testing.T) {
	f, s, _, _ := setup(t, cmdutil.FormatTable)
	s.HandleJSON("/v1/chat/completions", 401, map[string]string{"error": "Invalid username or password."})
	err := cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm", "hi")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitAuth {
		t.Errorf("401: exit %v (%v)", code, err)
	}
	err = cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm", "hi", "--provider", "nope")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
		t.Errorf("bad provider: exit %v (%v)", code, err)
	}
	s.RateLimit("/v1/chat/completions", 1, "1")
	err = cmdutil.Execute(t.Context(), NewChatCmd(f, nil), "acme/llm", "hi")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNetwork {
		t.Errorf("429: exit %v (%v)", code, err)
	}
}

func TestInferenceTasks(t *testing.T) {
	f, s, out, _ := setup(t, cmdutil.FormatJSON)
	s.MapModel("acme/emb", "feature-extraction", [2]string{"hf-inference", "acme/emb"})
	s.HandleJSON("/hf-inference/models/acme/emb/pipeline/feature-extraction", 200, [][]float64{{0.5, 1}, {2, 3}})
	run := func(args ...string) {
		t.Helper()
		out.Reset()
		if err := cmdutil.Execute(context.Background(), NewCmd(f), args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	run("embeddings", "acme/emb", "a", "b", "--normalize")
	if !strings.Contains(out.String(), `"embeddings"`) || s.Last().JSON()["normalize"] != true {
		t.Errorf("embeddings: %s %s", out.String(), s.Last().Body)
	}

	s.MapModel("acme/sd", "text-to-image", [2]string{"hf-inference", "acme/sd"})
	s.Asset("/hf-inference/models/acme/sd", "image/jpeg", []byte("\xff\xd8\xff\xe0jpeg"))
	path := filepath.Join(t.TempDir(), "cat.jpg")
	run("text-to-image", "acme/sd", "a cat", "-o", path, "--width", "64", "--height", "64")
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("\xff\xd8")) || !strings.Contains(out.String(), "image/jpeg") {
		t.Errorf("image file %q, stdout %s", b, out.String())
	}

	s.MapModel("acme/asr", "automatic-speech-recognition", [2]string{"hf-inference", "acme/asr"})
	s.HandleJSON("/hf-inference/models/acme/asr", 200, map[string]string{"text": "hello world"})
	audio := filepath.Join(t.TempDir(), "a.flac")
	os.WriteFile(audio, []byte("fLaC...."), 0o644)
	run("asr", "acme/asr", audio)
	if !strings.Contains(out.String(), "hello world") || s.Last().Header.Get("Content-Type") != "audio/flac" {
		t.Errorf("asr: %s, Content-Type %q", out.String(), s.Last().Header.Get("Content-Type"))
	}

	s.MapModel("acme/cls", "text-classification", [2]string{"hf-inference", "acme/cls"})
	s.HandleJSON("/hf-inference/models/acme/cls", 200, [][]map[string]any{{{"label": "POSITIVE", "score": 0.99}}})
	f.Globals.Format = cmdutil.FormatTable
	run("classify", "acme/cls", "I like you")
	if !strings.Contains(out.String(), "POSITIVE") {
		t.Errorf("classify: %q", out.String())
	}

	err := cmdutil.Execute(t.Context(), NewCmd(f), "text-to-image", "acme/sd", "a cat")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
		t.Errorf("missing --output: exit %v", code)
	}
	err = cmdutil.Execute(t.Context(), NewCmd(f), "asr", "acme/asr", filepath.Join(t.TempDir(), "missing.wav"))
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("missing file: exit %v", code)
	}
}

package inference_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

// recordedRequestBody is the body of the cassette's last POST (binary
// uploads).
func recordedRequestBody(t *testing.T, name string) []byte {
	c, err := inferencetest.LoadCassette(cassette(name))
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for _, it := range c.Interactions {
		if it.Method == "POST" {
			b = it.RequestBody
		}
	}
	if len(b) == 0 {
		t.Fatalf("%s: no recorded upload", name)
	}
	return b
}

func TestTaskReplays(t *testing.T) {
	hf := inference.WithProvider("hf-inference")
	t.Run("feature extraction per token [1][8][768]", func(t *testing.T) {
		s := fake(t, "hist-a0992733/TestInferenceClient.test_feature_extraction_with_transformers[hf-inference,feature-extraction].yaml")
		c := client(t, s, hf)
		tensor, err := c.FeatureExtraction(t.Context(), "facebook/bart-base", "Hi, who are you?", &inference.FeatureExtractionOptions{Normalize: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if len(tensor.Shape) != 3 || tensor.Shape[0] != 1 || tensor.Shape[2] != 768 || len(tensor.Data) != tensor.Shape[1]*768 {
			t.Errorf("shape = %v (%d values)", tensor.Shape, len(tensor.Data))
		}
		if _, err := tensor.Embeddings(); !errors.Is(err, inference.ErrBadResponse) {
			t.Errorf("Embeddings of per-token features: err = %v", err)
		}
		last := s.Last()
		if last.Path != "/hf-inference/models/facebook/bart-base/pipeline/feature-extraction" || last.JSON()["normalize"] != true || last.JSON()["inputs"] != "Hi, who are you?" {
			t.Errorf("request %s %s", last.Path, last.Body)
		}
	})
	t.Run("feature extraction pooled [384] at a URL", func(t *testing.T) {
		s := fake(t, "hist-older/InferenceClientVCRTest.test_feature_extraction_with_sentence_transformers.yaml")
		c := client(t, s)
		vecs, err := c.Embeddings(t.Context(), s.URL+"/pipeline/feature-extraction/sentence-transformers/all-MiniLM-L6-v2", []string{"Hi"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(vecs) != 1 || len(vecs[0]) != 384 {
			t.Errorf("embeddings = %d × %d", len(vecs), len(vecs[0]))
		}
	})
	t.Run("sentence similarity at the new path (alias to the recorded old one)", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_sentence_similarity[hf-inference,sentence-similarity].yaml")
		c := client(t, s, hf)
		got, err := c.SentenceSimilarity(t.Context(), "sentence-transformers/all-MiniLM-L6-v2", "Machine learning is so easy.",
			[]string{"Deep learning is so straightforward.", "This is so difficult, like rocket science.", "I can't believe how much I struggled with this."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0] < 0.77 || got[0] > 0.78 {
			t.Errorf("similarities = %v", got)
		}
		last := s.Last()
		in := last.JSON()["inputs"].(map[string]any)
		if last.Path != "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/sentence-similarity" || in["source_sentence"] != "Machine learning is so easy." {
			t.Errorf("request %s %s", last.Path, last.Body)
		}
	})
	t.Run("text classification", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml")
		c := client(t, s, hf)
		got, err := c.TextClassification(t.Context(), "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "I like you", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Label != "POSITIVE" || got[0].Score < 0.99 {
			t.Errorf("labels = %+v", got)
		}
		if b := s.Last().JSON(); b["inputs"] != "I like you" || b["parameters"] == nil {
			t.Errorf("body = %v", b)
		}
	})
	t.Run("token classification", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_token_classification[hf-inference,token-classification].yaml")
		c := client(t, s, hf)
		got, err := c.TokenClassification(t.Context(), "dbmdz/bert-large-cased-finetuned-conll03-english", "My name is Sarah Jessica Parker but you can call me Jessica", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Word != "Sarah Jessica Parker" || got[0].EntityGroup != "PER" || *got[0].Start != 11 {
			t.Errorf("entities = %+v", got)
		}
	})
	t.Run("summarization", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_summarization[hf-inference,summarization].yaml")
		c := client(t, s, hf)
		got, err := c.Summarization(t.Context(), "sshleifer/distilbart-cnn-12-6", "The tower is 324 metres tall.", nil)
		if err != nil || got == "" {
			t.Fatalf("summary %q, %v", got, err)
		}
	})
	t.Run("translation after a 307 rename", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_translation[hf-inference,translation].yaml")
		c := client(t, s, hf)
		got, err := c.Translation(t.Context(), "t5-small", "Hello world", nil)
		if err != nil || got == "" {
			t.Fatalf("translation %q, %v", got, err)
		}
	})
	t.Run("translation with languages", func(t *testing.T) {
		s := fake(t, "hist-a0992733/TestInferenceClient.test_translation_with_source_and_target_language[hf-inference,translation].yaml")
		c := client(t, s, hf)
		got, err := c.Translation(t.Context(), "facebook/mbart-large-50-many-to-many-mmt", "Hello", &inference.TranslationOptions{SrcLang: "en_XX", TgtLang: "fr_XX"})
		if err != nil || got == "" {
			t.Fatalf("translation %q, %v", got, err)
		}
		if p := s.Last().JSON()["parameters"].(map[string]any); p["src_lang"] != "en_XX" || p["tgt_lang"] != "fr_XX" {
			t.Errorf("parameters = %v", p)
		}
		if _, err := c.Translation(t.Context(), "x/y", "Hello", &inference.TranslationOptions{SrcLang: "en_XX"}); !errors.Is(err, inference.ErrInvalidInput) {
			t.Errorf("one language only: err = %v", err)
		}
	})
	t.Run("table question answering", func(t *testing.T) {
		s := fake(t, "TestInferenceClient.test_table_question_answering[hf-inference,table-question-answering].yaml")
		c := client(t, s, hf)
		got, err := c.TableQuestionAnswering(t.Context(), "google/tapas-base-finetuned-wtq",
			map[string][]string{"Repository": {"Transformers", "Datasets", "Tokenizers"}, "Stars": {"36542", "4512", "3934"}}, "How many stars does the transformers repository have?", nil)
		if err != nil || got.Answer == "" {
			t.Fatalf("answer %+v, %v", got, err)
		}
	})
	t.Run("fill mask on the legacy API URL", func(t *testing.T) {
		s := fake(t, "InferenceApiTest.test_simple_inference.yaml")
		c := client(t, s)
		got, err := c.FillMask(t.Context(), s.URL+"/pipeline/fill-mask/bert-base-uncased", "Hi, I think [MASK] is cool", nil)
		if err != nil || len(got) == 0 || got[0].TokenStr == "" {
			t.Fatalf("fill mask %+v, %v", got, err)
		}
	})
	t.Run("text-to-image hf-inference binary", func(t *testing.T) {
		s := fake(t, "hist-a0992733/TestInferenceClient.test_text_to_image_default[hf-inference,text-to-image].yaml")
		c := client(t, s, hf)
		img, err := c.TextToImage(t.Context(), "CompVis/stable-diffusion-v1-4", "An astronaut riding a horse on the moon.", nil)
		if err != nil {
			t.Fatal(err)
		}
		if img.ContentType != "image/jpeg" || !bytes.HasPrefix(img.Data, []byte{0xff, 0xd8}) {
			t.Errorf("image %s, %d bytes", img.ContentType, len(img.Data))
		}
		if s.Last().Header.Get("Accept") != "image/png" {
			t.Errorf("Accept = %q", s.Last().Header.Get("Accept"))
		}
	})
	for _, p := range []struct{ provider, magic, ct string }{{"together", "\xff\xd8", "image/jpeg"}, {"nebius", "RIFF", "image/webp"}} {
		t.Run("text-to-image "+p.provider+" base64", func(t *testing.T) {
			s := fake(t, "hist-a0992733/TestInferenceClient.test_text_to_image_default["+p.provider+",text-to-image].yaml")
			c := client(t, s, inference.WithProvider(p.provider))
			img, err := c.TextToImage(t.Context(), "stabilityai/stable-diffusion-xl-base-1.0", "An astronaut riding a horse on the moon.", &inference.TextToImageOptions{NumInferenceSteps: ptr(4)})
			if err != nil {
				t.Fatal(err)
			}
			if img.ContentType != p.ct || !bytes.HasPrefix(img.Data, []byte(p.magic)) {
				t.Errorf("image %s, % x", img.ContentType, img.Data[:4])
			}
			b := s.Last().JSON()
			if (p.provider == "together" && (b["response_format"] != "base64" || b["steps"] != 4.0)) || b["prompt"] == nil || b["model"] == nil {
				t.Errorf("body = %v", b)
			}
		})
	}
	t.Run("ASR hf-inference raw upload", func(t *testing.T) {
		name := "hist-a0992733/TestInferenceClient.test_automatic_speech_recognition[hf-inference,automatic-speech-recognition].yaml"
		s := fake(t, name)
		c := client(t, s, hf)
		audio := recordedRequestBody(t, name)
		got, err := c.AutomaticSpeechRecognition(t.Context(), "jonatasgrosman/wav2vec2-large-xlsr-53-english", bytes.NewReader(audio), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text == "" {
			t.Errorf("text empty")
		}
		last := s.Last()
		if !bytes.Equal(last.Body, audio) || last.Header.Get("Content-Type") != "" {
			t.Errorf("upload: %d bytes, Content-Type %q; want the raw bytes and no Content-Type", len(last.Body), last.Header.Get("Content-Type"))
		}
	})
	t.Run("ASR fal-ai data URL", func(t *testing.T) {
		name := "hist-a0992733/TestInferenceClient.test_automatic_speech_recognition[fal-ai,automatic-speech-recognition].yaml"
		s := fake(t, name)
		c := client(t, s, inference.WithProvider("fal-ai"))
		got, err := c.AutomaticSpeechRecognition(t.Context(), "openai/whisper-large-v3", strings.NewReader("fLaC fake audio"), &inference.ASROptions{MediaOptions: inference.MediaOptions{ContentType: "audio/flac"}})
		if err != nil || got.Text == "" {
			t.Fatalf("text %+v, %v", got, err)
		}
		last := s.Last()
		if last.Path != "/fal-ai/fal-ai/whisper" || last.JSON()["audio_url"] != "data:audio/flac;base64,"+base64.StdEncoding.EncodeToString([]byte("fLaC fake audio")) {
			t.Errorf("request %s %.120s", last.Path, last.Body)
		}
	})
	t.Run("image classification raw upload", func(t *testing.T) {
		name := "hist-a0992733/TestInferenceClient.test_image_classification[hf-inference,image-classification].yaml"
		s := fake(t, name)
		c := client(t, s, hf)
		got, err := c.ImageClassification(t.Context(), "google/vit-base-patch16-224", bytes.NewReader(recordedRequestBody(t, name)), nil)
		if err != nil || len(got) != 5 || got[0].Label == "" {
			t.Fatalf("labels %+v, %v", got, err)
		}
		if c := s.Last().Header.Get("Content-Type"); c != "" {
			t.Errorf("Content-Type = %q for raw bytes", c)
		}
		// With a parameter the body becomes JSON with base64 inputs.
		if _, err := c.ImageClassification(t.Context(), "google/vit-base-patch16-224", bytes.NewReader([]byte("png")), &inference.ImageClassificationOptions{TopK: ptr(2)}); err != nil {
			t.Fatal(err)
		}
		b := s.Last().JSON()
		if b["inputs"] != base64.StdEncoding.EncodeToString([]byte("png")) || b["parameters"].(map[string]any)["top_k"] != 2.0 {
			t.Errorf("body = %v", b)
		}
	})
	t.Run("replicate 202 then polling", func(t *testing.T) {
		s := fake(t, "hist-older/TestInferenceClient.test_text_to_speech[replicate,text-to-speech].yaml")
		s.HandleJSON("/api/models/hexgrad/Kokoro-82M", 200, map[string]any{"id": "hexgrad/Kokoro-82M", "inferenceProviderMapping": map[string]any{
			"replicate": map[string]any{"status": "live", "providerId": "jaaari/kokoro-82m:dfdf537ba482b029e0a761699e6f55e9162cfd159270bfe0e44857caa5f275a6", "task": "text-to-speech"}}})
		s.HandleJSON("/v1/predictions/2ea92hmwgnrga0cmpp9rj00evw", 200, map[string]any{"id": "2ea92hmwgnrga0cmpp9rj00evw", "status": "succeeded", "output": s.URL + "/_assets/replicate.delivery/out.wav"})
		s.Asset("/_assets/replicate.delivery/out.wav", "audio/wav", []byte("RIFF....WAVE"))
		c := client(t, s, inference.WithProvider("replicate"), inference.WithToken("r8_providerkey"), inference.WithProviderURL("replicate", s.URL), inference.WithPollInterval(1))
		got, err := c.TextToSpeech(t.Context(), "hexgrad/Kokoro-82M", "Hello world", nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != "RIFF....WAVE" || got.ContentType != "audio/wav" {
			t.Errorf("audio %q %s", got.Data, got.ContentType)
		}
		post := s.RequestsTo("/v1/predictions")[0]
		b := post.JSON()
		if b["version"] != "dfdf537ba482b029e0a761699e6f55e9162cfd159270bfe0e44857caa5f275a6" || b["input"].(map[string]any)["text"] != "Hello world" ||
			post.Header.Get("Prefer") != "wait" || post.Header.Get("Authorization") != "Bearer r8_providerkey" {
			t.Errorf("request %v %v", b, post.Header)
		}
		asset := s.RequestsTo("/_assets/replicate.delivery/out.wav")[0]
		if asset.Header.Get("Authorization") != "" {
			t.Errorf("the provider key went to the asset host")
		}
	})
}

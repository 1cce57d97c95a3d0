package inference_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
)

func TestAsyncJobs(t *testing.T) {
	s := inferencetest.NewServer(t)
	s.Asset("/_assets/v3.fal.media/video.mp4", "video/mp4", []byte("\x00\x00\x00\x18ftypmp42"))
	s.MapModel("acme/video", "text-to-video", [2]string{"fal-ai", "fal-ai/ltx-video"})
	s.FalQueue("fal-ai/ltx-video", 3, map[string]any{"video": map[string]any{"url": s.URL + "/_assets/v3.fal.media/video.mp4"}})

	t.Run("fal queue routed: polls under {router}/fal-ai, keeps the query", func(t *testing.T) {
		c := client(t, s, inference.WithPollInterval(time.Millisecond))
		v, err := c.TextToVideo(t.Context(), "acme/video", "a cat", nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.ContentType != "video/mp4" {
			t.Errorf("content type %s", v.ContentType)
		}
		polls := s.RequestsTo("/fal-ai/fal-ai/ltx-video/requests/req-1/status")
		if len(polls) < 3 || polls[0].Query != "_subdomain=queue" || polls[0].Header.Get("Authorization") != "Bearer hf_testtoken" {
			t.Errorf("polls = %d, first %+v", len(polls), polls[0])
		}
		if a := s.RequestsTo("/_assets/v3.fal.media/video.mp4"); len(a) != 1 || a[0].Header.Get("Authorization") != "" {
			t.Errorf("asset fetched with credentials or not at all")
		}
	})
	t.Run("fal queue direct with a fal key", func(t *testing.T) {
		c := client(t, s, inference.WithPollInterval(time.Millisecond), inference.WithToken("fal-key"), inference.WithProviderURL("fal-ai", s.URL))
		if _, err := c.TextToVideo(t.Context(), "acme/video", "a cat", nil); err != nil {
			t.Fatal(err)
		}
		polls := s.RequestsTo("/fal-ai/ltx-video/requests/req-1/status")
		if len(polls) == 0 || polls[0].Header.Get("Authorization") != "Key fal-key" {
			t.Errorf("direct polls %+v", polls)
		}
	})
	t.Run("context deadline ends the polling", func(t *testing.T) {
		s2 := inferencetest.NewServer(t)
		s2.MapModel("acme/video", "text-to-video", [2]string{"fal-ai", "fal-ai/slow"})
		s2.FalQueue("fal-ai/slow", 1<<30, map[string]any{})
		c := client(t, s2, inference.WithPollInterval(time.Millisecond))
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.TextToVideo(ctx, "acme/video", "a cat", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want DeadlineExceeded", err)
		}
	})
	t.Run("together video job", func(t *testing.T) {
		s.MapModel("acme/tv", "text-to-video", [2]string{"together", "tv-1"})
		s.HandleJSON("/together/v2/videos", 200, map[string]any{"id": "job9", "status": "queued"})
		s.HandleJSON("/together/v2/videos/job9", 200, map[string]any{"id": "job9", "status": "completed", "outputs": map[string]any{"video_url": s.URL + "/_assets/v3.fal.media/video.mp4"}})
		c := client(t, s, inference.WithPollInterval(time.Millisecond))
		if _, err := c.TextToVideo(t.Context(), "acme/tv", "a cat", &inference.TextToVideoOptions{NumInferenceSteps: ptr(3)}); err != nil {
			t.Fatal(err)
		}
		if b := s.RequestsTo("/together/v2/videos")[0].JSON(); b["steps"] != 3.0 || b["model"] != "tv-1" {
			t.Errorf("body %v", b)
		}
	})
	t.Run("wavespeed and zai polling", func(t *testing.T) {
		s.MapModel("acme/ws", "text-to-image", [2]string{"wavespeed", "wavespeed-ai/flux"})
		s.HandleJSON("/wavespeed/api/v3/wavespeed-ai/flux", 200, map[string]any{"data": map[string]any{"status": "created", "urls": map[string]any{"get": "https://api.wavespeed.ai/api/v3/predictions/p1/result"}}})
		s.HandleJSON("/wavespeed/api/v3/predictions/p1/result", 200, map[string]any{"data": map[string]any{"status": "completed", "outputs": []string{s.URL + "/_assets/v3.fal.media/video.mp4"}}})
		s.MapModel("acme/zai", "text-to-image", [2]string{"zai-org", "cogview-4"})
		s.HandleJSON("/zai-org/api/paas/v4/async/images/generations", 200, map[string]any{"id": "z1", "task_status": "PROCESSING"})
		s.HandleJSON("/zai-org/api/paas/v4/async-result/z1", 200, map[string]any{"id": "z1", "task_status": "SUCCESS", "image_result": []any{map[string]any{"url": s.URL + "/_assets/v3.fal.media/video.mp4"}}})
		c := client(t, s, inference.WithPollInterval(time.Millisecond))
		for _, m := range []string{"acme/ws", "acme/zai"} {
			if _, err := c.TextToImage(t.Context(), m, "a cat", &inference.TextToImageOptions{Width: ptr(8), Height: ptr(8)}); err != nil {
				t.Errorf("%s: %v", m, err)
			}
		}
		if b := s.RequestsTo("/zai-org/api/paas/v4/async/images/generations")[0].JSON(); b["size"] != "8x8" {
			t.Errorf("zai body %v", b)
		}
	})
}

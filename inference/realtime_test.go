package inference_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/inference"
	"github.com/hfhub-go/hfhub/inferencetest"
	"go.uber.org/goleak"
)

func echo(payload []byte) inferencetest.RealtimeAnswer {
	return inferencetest.RealtimeAnswer{Frames: [][]byte{payload}, Text: true}
}

func TestRealtimeSession(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := inferencetest.NewServer(t)
	stats := s.Realtime("/fal-ai/fast-lcm", echo, inferencetest.RealtimeKnobs{})
	s.MapModel("acme/lcm", "text-to-image", [2]string{"fal-ai", "fal-ai/fast-lcm"})
	wsURL := "ws" + strings.TrimPrefix(s.URL, "http") + "/fal-ai/fast-lcm"
	c := client(t, s, inference.WithToken("fal-key"))
	defer func() { c.CloseIdleConnections(); s.Close() }()
	sess, err := c.ConnectRealtime(t.Context(), "acme/lcm", &inference.RealtimeOptions{URL: wsURL, MaxInFlight: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []string{"a cat", "a dog"} {
		if err := sess.Send(t.Context(), map[string]string{"prompt": p}); err != nil {
			t.Fatal(err)
		}
		r, err := sess.Receive(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		if err := r.JSON(&got); err != nil || got["prompt"] != p || r.Status != 200 || r.ContentType != "application/json" || r.RequestID == "" {
			t.Errorf("answer %d = %+v %v", i, r, got)
		}
	}
	if hs := s.RequestsTo("/fal-ai/fast-lcm"); len(hs) != 1 || hs[0].Header.Get("Authorization") != "Key fal-key" {
		t.Errorf("handshakes %+v", hs)
	}
	sess.Close()
	if err := sess.Send(t.Context(), "x"); !errors.Is(err, inference.ErrSessionClosed) {
		t.Errorf("Send after Close: %v", err)
	}
	if stats.Payloads.Load() != 2 {
		t.Errorf("payloads = %d", stats.Payloads.Load())
	}
}

func TestRealtimeBackPressureReconnectAndRefusal(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := inferencetest.NewServer(t)
	release := make(chan struct{})
	s.Realtime("/held", func(p []byte) inferencetest.RealtimeAnswer {
		return inferencetest.RealtimeAnswer{Frames: [][]byte{[]byte("\x89PNG")}, ContentType: "image/png", Hold: release}
	}, inferencetest.RealtimeKnobs{})
	stats := s.Realtime("/flaky", echo, inferencetest.RealtimeKnobs{DropAfter: 2})
	s.Realtime("/refused", echo, inferencetest.RealtimeKnobs{RejectStatus: 401})
	ws := "ws" + strings.TrimPrefix(s.URL, "http")
	c := client(t, s, inference.WithToken("fal-key"))
	defer func() { c.CloseIdleConnections(); s.Close() }()

	t.Run("Send blocks while MaxInFlight answers are pending", func(t *testing.T) {
		sess, err := c.ConnectRealtime(t.Context(), "", &inference.RealtimeOptions{URL: ws + "/held", MaxInFlight: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		if err := sess.Send(t.Context(), "one"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		defer cancel()
		if err := sess.Send(ctx, "two"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second Send = %v, want it blocked until the deadline", err)
		}
		close(release)
		r, err := sess.Receive(t.Context())
		if err != nil || string(r.Data) != "\x89PNG" || r.Frames != 1 || r.ContentType != "image/png" {
			t.Fatalf("answer %+v %v", r, err)
		}
		if err := sess.Send(t.Context(), "two"); err != nil {
			t.Fatalf("Send after the answer: %v", err)
		}
	})
	t.Run("a dropped connection is re-dialled and the unanswered payload re-sent", func(t *testing.T) {
		sess, err := c.ConnectRealtime(t.Context(), "", &inference.RealtimeOptions{URL: ws + "/flaky", Reconnects: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		for _, p := range []string{"first", "second"} {
			if err := sess.Send(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			r, err := sess.Receive(t.Context())
			if err != nil || string(r.Data) != `"`+p+`"` {
				t.Fatalf("%s: %+v %v", p, r, err)
			}
		}
		if sess.Reconnects() != 1 || stats.Connections.Load() != 2 {
			t.Errorf("reconnects %d, connections %d", sess.Reconnects(), stats.Connections.Load())
		}
	})
	t.Run("a refused handshake is an *Error", func(t *testing.T) {
		_, err := c.ConnectRealtime(t.Context(), "", &inference.RealtimeOptions{URL: ws + "/refused"})
		if !errors.Is(err, inference.ErrUnauthorized) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("an HF token without URL is refused", func(t *testing.T) {
		hc := client(t, s)
		defer hc.CloseIdleConnections()
		if _, err := hc.ConnectRealtime(t.Context(), "acme/lcm", nil); !errors.Is(err, inference.ErrInvalidInput) {
			t.Errorf("err = %v", err)
		}
	})
}

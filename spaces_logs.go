package hfhub

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"
)

// LogLine is one line of a Space's or a job's log.
type LogLine struct {
	// Text is the line without its trailing newline.
	Text string `json:"data"`
	// Time is when the line was written, if the Hub said.
	Time time.Time `json:"timestamp"`
}

// SpaceLogsOptions configures [Client.SpaceLogs].
type SpaceLogsOptions struct {
	// Build reads the container build log instead of the run log.
	Build bool
	// Follow streams lines as they come until the Hub ends the stream
	// (the build finishes, the Space stops) or ctx is done; without it
	// only the lines already written are returned.
	Follow bool
	// IdleTimeout ends a non-followed read once no line came for that
	// long (default 5 s, as in Python): the Hub keeps the stream of a live
	// Space open.
	IdleTimeout time.Duration
}

// SpaceLogs yields the run (or build) log lines of a Space as the Hub
// streams them. Hub API: GET /api/spaces/{id}/logs/{run|build}
// (server-sent events). Break out of the loop, or cancel ctx, to stop.
func (c *Client) SpaceLogs(ctx context.Context, id string, opts *SpaceLogsOptions) iter.Seq2[LogLine, error] {
	if opts == nil {
		opts = &SpaceLogsOptions{}
	}
	kind := "run"
	if opts.Build {
		kind = "build"
	}
	u, err := c.spaceURL(id, "logs", kind)
	if err != nil {
		return fail[LogLine](err)
	}
	return logLines(c.streamSSE(ctx, u, sseOptions{Follow: opts.Follow, Idle: opts.IdleTimeout}))
}

// logLines decodes `{"data": ..., "timestamp": ...}` events.
func logLines(events iter.Seq2[json.RawMessage, error]) iter.Seq2[LogLine, error] {
	return func(yield func(LogLine, error) bool) {
		for ev, err := range events {
			if err != nil {
				yield(LogLine{}, err)
				return
			}
			var raw struct {
				Data      string `json:"data"`
				Timestamp string `json:"timestamp"`
			}
			if err := json.Unmarshal(ev, &raw); err != nil {
				yield(LogLine{}, fmt.Errorf("decode log event %.100s: %w", ev, err))
				return
			}
			l := LogLine{Text: strings.TrimRight(raw.Data, "\r\n")}
			l.Time, _ = time.Parse(time.RFC3339Nano, raw.Timestamp) // zero when absent or odd
			if !yield(l, nil) {
				return
			}
		}
	}
}

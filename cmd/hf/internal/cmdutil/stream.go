package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
)

// StreamLines prints each line of a log stream as it arrives, tab-free and
// one per line, or with --format json one JSON object per line
// ({"text", "time"}). A stream ended by Ctrl-C returns the context's error
// (exit 130) after what arrived was printed. With tail > 0 only the last
// tail lines are printed, once the stream ends.
func StreamLines[T any](ctx context.Context, p *Printer, seq iter.Seq2[T, error], text func(T) string, tail int) (n int, err error) {
	var ring []T
	emit := func(v T) error {
		n++
		if p.IsJSON() {
			return p.JSONLine(v)
		}
		p.Line("%s", text(v))
		return nil
	}
	for v, err := range seq {
		if err != nil {
			if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
				err = fmt.Errorf("%w: %w", context.Cause(ctx), err)
			}
			for _, r := range ring {
				emit(r)
			}
			return n, err
		}
		if tail > 0 {
			ring = append(ring, v)
			if len(ring) > tail {
				ring = ring[1:]
			}
			continue
		}
		if err := emit(v); err != nil {
			return n, err
		}
	}
	for _, r := range ring {
		if err := emit(r); err != nil {
			return n, err
		}
	}
	return n, nil
}

// JSONLine writes v as one compact JSON line to stdout (streams of
// results with --format json).
func (p *Printer) JSONLine(v any) error {
	enc := json.NewEncoder(p.IO.Out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

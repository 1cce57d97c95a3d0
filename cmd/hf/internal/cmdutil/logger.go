package cmdutil

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Logger returns the logger the library client reports to (hfhub.WithLogger):
// warnings such as a failed cache-budget eviction or an X-HF-Warning header
// from the Hub. Records of level WARN and above are printed on stderr as one
// line, "Warning: <message> (key=value, ...)", or with --format json as one
// JSON line, {"event": "warning", "message": ..., "details": {...}}; with
// --quiet nothing is printed. Debug and info records are dropped.
func (f *Factory) Logger() *slog.Logger {
	return slog.New(&warnHandler{
		out:   &stderrWriter{f: f},
		json:  f.Globals.Format == FormatJSON,
		quiet: f.Globals.Quiet,
		mu:    &sync.Mutex{},
	})
}

// stderrWriter writes to stderr, above the progress bars while they run so
// a warning does not tear them.
type stderrWriter struct{ f *Factory }

func (w *stderrWriter) Write(b []byte) (int, error) {
	if p := w.f.progress.Load(); p != nil && p.Mode() == ProgressBars {
		return p.Write(b)
	}
	return w.f.IO.ErrOut.Write(b)
}

// warningEvent is the JSON line of a warning with --format json.
type warningEvent struct {
	Event   string         `json:"event"` // "warning"
	Level   string         `json:"level"` // WARN or ERROR
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"` // the library's attributes; sizes in bytes
}

// warnHandler is the [slog.Handler] behind [Factory.Logger].
type warnHandler struct {
	out   io.Writer
	json  bool
	quiet bool
	mu    *sync.Mutex // shared by the handlers WithAttrs and WithGroup derive
	attrs []slog.Attr // from WithAttrs, keys already prefixed by their groups
	group string      // "a.b." prefix for the keys of later attributes
}

// Enabled reports whether a record of level l is printed: WARN and above,
// unless --quiet.
func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool {
	return !h.quiet && l >= slog.LevelWarn
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *warnHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.attrs = slices.Clone(h.attrs)
	for _, a := range attrs {
		h2.attrs = append(h2.attrs, slog.Attr{Key: h.group + a.Key, Value: a.Value})
	}
	return &h2
}

// WithGroup returns a handler that prefixes later keys with "name.".
func (h *warnHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

// Handle prints one record as one line.
func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	msg := strings.Join(strings.Fields(strings.TrimPrefix(r.Message, "hfhub: ")), " ")
	attrs := slices.Clone(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, flatten(h.group, a)...)
		return true
	})
	var line []byte
	if h.json {
		details := map[string]any{}
		for _, a := range attrs {
			details[a.Key] = jsonValue(a.Value)
		}
		b, err := json.Marshal(warningEvent{"warning", r.Level.String(), msg, details})
		if err != nil {
			return err
		}
		line = append(b, '\n')
	} else {
		var sb strings.Builder
		sb.WriteString("Warning: ")
		sb.WriteString(msg)
		if len(attrs) > 0 {
			sb.WriteString(" (")
			for i, a := range attrs {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(a.Key + "=" + textValue(a.Key, a.Value))
			}
			sb.WriteString(")")
		}
		sb.WriteString("\n")
		line = []byte(sb.String())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.out.Write(line)
	return err
}

// flatten turns a group attribute into "group.key" attributes.
func flatten(prefix string, a slog.Attr) []slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() != slog.KindGroup {
		if a.Key == "" {
			return nil
		}
		return []slog.Attr{{Key: prefix + a.Key, Value: v}}
	}
	p := prefix
	if a.Key != "" {
		p += a.Key + "."
	}
	var out []slog.Attr
	for _, g := range v.Group() {
		out = append(out, flatten(p, g)...)
	}
	return out
}

// sizeKeys are the attribute names the library uses for byte counts; the
// text form shows them like every other size hf prints.
var sizeKeys = map[string]bool{"size": true, "budget": true, "freed": true, "bytes": true}

func textValue(key string, v slog.Value) string {
	k := key[strings.LastIndex(key, ".")+1:]
	switch v.Kind() {
	case slog.KindInt64:
		if sizeKeys[k] {
			return HumanSize(v.Int64())
		}
	case slog.KindUint64:
		if sizeKeys[k] {
			return HumanSize(int64(v.Uint64()))
		}
	case slog.KindTime:
		return v.Time().Format(time.RFC3339)
	}
	s := strings.Join(strings.Fields(v.String()), " ")
	if s == "" {
		return `""`
	}
	return s
}

func jsonValue(v slog.Value) any {
	switch v.Kind() {
	case slog.KindDuration:
		return v.Duration().String()
	case slog.KindTime:
		return v.Time().Format(time.RFC3339Nano)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return x.Error()
		case fmt.Stringer:
			return x.String()
		case json.Marshaler:
			return x
		}
		if _, err := json.Marshal(v.Any()); err != nil {
			return fmt.Sprint(v.Any())
		}
	}
	return v.Any()
}

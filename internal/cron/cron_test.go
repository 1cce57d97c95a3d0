package cron

import (
	"testing"
	"time"
)

func TestNext(t *testing.T) {
	base := time.Date(2026, 1, 1, 10, 30, 0, 0, time.UTC) // a Thursday
	tests := []struct {
		expr string
		want string
	}{
		{"@hourly", "2026-01-01T11:00:00Z"},
		{"@daily", "2026-01-02T00:00:00Z"},
		{"@weekly", "2026-01-04T00:00:00Z"},
		{"@monthly", "2026-02-01T00:00:00Z"},
		{"@yearly", "2027-01-01T00:00:00Z"},
		{"*/15 * * * *", "2026-01-01T10:45:00Z"},
		{"0 9 * * 1", "2026-01-05T09:00:00Z"},
		{"0 9 * * 7", "2026-01-04T09:00:00Z"},
		{"30 10 * * *", "2026-01-02T10:30:00Z"},
		{"0 0 15 * 1", "2026-01-05T00:00:00Z"}, // day 15 or Mondays
		{"5,10 8-9 * 3 *", "2026-03-01T08:05:00Z"},
		{"0 12 1-7/3 * *", "2026-01-01T12:00:00Z"}, {"0 9 2-7/3 * *", "2026-01-02T09:00:00Z"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		if got := s.Next(base).Format(time.RFC3339); got != tt.want {
			t.Errorf("Next(%q) = %s, want %s", tt.expr, got, tt.want)
		}
	}
	if s, _ := Parse("0 0 30 2 *"); !s.Next(base).IsZero() {
		t.Error("Feb 30 should never come")
	}
}

func TestParseErrors(t *testing.T) {
	for _, expr := range []string{"", "@often", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "a * * * *", "5-1 * * * *"} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) accepted", expr)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"@hourly", "0 9 * * 1", "*/5 1-3,7 * * *", "1-2/0 * * * *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if n := s.Next(from); !n.IsZero() && !n.After(from) {
			t.Fatalf("Next(%q) = %v, not after %v", expr, n, from)
		}
	})
}

// Package cron parses the schedules of Hub scheduled jobs: five-field cron
// expressions ("minute hour day-of-month month day-of-week", with *, lists,
// ranges and steps) and the aliases @hourly, @daily, @weekly, @monthly,
// @yearly and @annually. Times are UTC, as on the Hub.
package cron

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed schedule. The zero value matches nothing; build one
// with [Parse].
type Schedule struct {
	minute, hour, dom, month, dow uint64 // bit sets
	domAny, dowAny                bool
}

var aliases = map[string]string{
	"@hourly":   "0 * * * *",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@weekly":   "0 0 * * 0",
	"@monthly":  "0 0 1 * *",
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
}

// Parse parses expr; the error names the bad field and the fix.
func Parse(expr string) (Schedule, error) {
	e := strings.TrimSpace(expr)
	if a, ok := aliases[strings.ToLower(e)]; ok {
		e = a
	}
	f := strings.Fields(e)
	if len(f) != 5 {
		return Schedule{}, fmt.Errorf("schedule %q: want five fields (minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1\") or @hourly, @daily, @weekly, @monthly, @yearly", expr)
	}
	var s Schedule
	var err error
	specs := []struct {
		name     string
		lo, hi   int
		set      *uint64
		wildcard *bool
	}{
		{"minute", 0, 59, &s.minute, nil},
		{"hour", 0, 23, &s.hour, nil},
		{"day-of-month", 1, 31, &s.dom, &s.domAny},
		{"month", 1, 12, &s.month, nil},
		{"day-of-week", 0, 7, &s.dow, &s.dowAny},
	}
	for i, sp := range specs {
		if *sp.set, err = field(f[i], sp.lo, sp.hi); err != nil {
			return Schedule{}, fmt.Errorf("schedule %q: %s field %q: %w", expr, sp.name, f[i], err)
		}
		if sp.wildcard != nil {
			*sp.wildcard = f[i] == "*" || strings.HasPrefix(f[i], "*/")
		}
	}
	if s.dow&(1<<7) != 0 { // 7 is Sunday too
		s.dow |= 1
	}
	return s, nil
}

func field(f string, lo, hi int) (uint64, error) {
	var set uint64
	for part := range strings.SplitSeq(f, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("step %q is not a positive number", stepStr)
			}
			step = n
		}
		a, b := lo, hi
		if rng != "*" {
			x, y, isRange := strings.Cut(rng, "-")
			var err error
			if a, err = strconv.Atoi(x); err != nil {
				return 0, fmt.Errorf("%q is not a number", x)
			}
			b = a
			if isRange {
				if b, err = strconv.Atoi(y); err != nil {
					return 0, fmt.Errorf("%q is not a number", y)
				}
			} else if hasStep {
				b = hi
			}
		}
		if a < lo || b > hi || a > b {
			return 0, fmt.Errorf("%d-%d is outside %d-%d", a, b, lo, hi)
		}
		for v := a; v <= b; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func has(set uint64, v int) bool { return set&(1<<v) != 0 }

func (s Schedule) dayMatches(t time.Time) bool {
	dom, dow := has(s.dom, t.Day()), has(s.dow, int(t.Weekday()))
	switch {
	case s.domAny && s.dowAny:
		return true
	case s.domAny:
		return dow
	case s.dowAny:
		return dom
	}
	return dom || dow // both restricted: either matches, as in cron
}

// Next returns the first matching minute strictly after t (UTC), or the
// zero time if none comes within five years (e.g. "0 0 30 2 *").
func (s Schedule) Next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !has(s.month, int(t.Month())):
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case !has(s.hour, t.Hour()):
			t = t.Truncate(time.Hour).Add(time.Hour)
		case !has(s.minute, t.Minute()):
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

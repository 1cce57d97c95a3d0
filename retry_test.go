package hfhub

import (
	"math"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		name          string
		baseWait, max time.Duration
		n             int
		want          time.Duration
	}{
		{"default first", time.Second, 8 * time.Second, 1, time.Second},
		{"default second", time.Second, 8 * time.Second, 2, 2 * time.Second},
		{"default fourth", time.Second, 8 * time.Second, 4, 8 * time.Second},
		{"default capped", time.Second, 8 * time.Second, 6, 8 * time.Second},
		{"zero retries asked", time.Second, 8 * time.Second, 0, time.Second},
		// maxWait more than 1024 times baseWait: the wait keeps doubling
		// past 1024×baseWait up to maxWait.
		{"past 1024x", ms, 10 * time.Second, 12, 2048 * ms},
		{"past 1024x capped", ms, 10 * time.Second, 15, 10 * time.Second},
		{"base above max", 10 * time.Second, 2 * time.Second, 1, 2 * time.Second},
		{"no overflow", time.Second, math.MaxInt64, 200, math.MaxInt64},
	} {
		c := &Client{baseWait: tc.baseWait, maxWait: tc.max}
		if got := c.backoff(tc.n); got != tc.want {
			t.Errorf("%s: backoff(%d) with %v..%v = %v, want %v", tc.name, tc.n, tc.baseWait, tc.max, got, tc.want)
		}
	}
}

// TestBackoffMatchesRequestLayer checks the shared schedule against the
// request layer's own doubling (wait = min(wait*2, maxWait) after each
// retry) for baseWait <= maxWait.
func TestBackoffMatchesRequestLayer(t *testing.T) {
	for _, b := range [][2]time.Duration{
		{time.Second, 8 * time.Second},
		{time.Millisecond, 5 * time.Millisecond},
		{time.Millisecond, time.Minute},
		{3 * time.Second, 3 * time.Second},
	} {
		c := &Client{baseWait: b[0], maxWait: b[1]}
		wait := b[0]
		for n := 1; n <= 40; n++ {
			if got := c.backoff(n); got != wait {
				t.Fatalf("%v..%v: backoff(%d) = %v, request layer waits %v", b[0], b[1], n, got, wait)
			}
			wait = min(wait*2, b[1])
		}
	}
}

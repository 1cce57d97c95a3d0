package cmdutil

import (
	"strconv"
	"time"
)

// ParseDuration reads Python hf's durations: a number of seconds, or a
// number with s, m, h or d ("90", "5m", "1.5h", "2d").
func ParseDuration(s string) (time.Duration, error) {
	unit := time.Second
	num := s
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			num = s[:n-1]
		case 'm':
			num, unit = s[:n-1], time.Minute
		case 'h':
			num, unit = s[:n-1], time.Hour
		case 'd':
			num, unit = s[:n-1], 24*time.Hour
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 {
		return 0, FlagErrorf("duration %q: use a number of seconds, or a number with s, m, h or d (e.g. 90, 5m, 2h)", s)
	}
	return time.Duration(f * float64(unit)), nil
}

package archive

import "math"

// Default limits, used for zero fields of [Limits].
const (
	// DefaultMaxTotalSize is the default cap on expanded bytes: 64 GiB.
	DefaultMaxTotalSize int64 = 64 << 30
	// DefaultMaxEntries is the default cap on the number of entries.
	DefaultMaxEntries = 1_000_000
	// DefaultMaxRatio is the default cap on expanded bytes per compressed
	// byte. Real data rarely exceeds 20; bombs reach millions.
	DefaultMaxRatio = 1000
	// RatioAllowance is the number of expanded bytes always allowed whatever
	// the ratio, so that tiny archives of very compressible data extract.
	RatioAllowance int64 = 1 << 20
)

// Limits bounds what one extraction may produce. The zero value applies the
// defaults; a negative field disables that limit.
type Limits struct {
	// MaxTotalSize caps the sum of the sizes of extracted files, in bytes.
	// 0 means DefaultMaxTotalSize.
	MaxTotalSize int64
	// MaxEntries caps the number of entries (files, directories, links).
	// 0 means DefaultMaxEntries.
	MaxEntries int
	// MaxRatio caps expanded bytes divided by compressed bytes, checked as
	// data is written (beyond a RatioAllowance of 1 MiB). 0 means
	// DefaultMaxRatio.
	MaxRatio float64
}

// resolved returns l with defaults applied and disabled limits set to +Inf.
func (l Limits) resolved() (total, entries, ratio float64) {
	pick := func(v, def float64) float64 {
		switch {
		case v < 0:
			return math.Inf(1)
		case v == 0:
			return def
		}
		return v
	}
	return pick(float64(l.MaxTotalSize), float64(DefaultMaxTotalSize)),
		pick(float64(l.MaxEntries), DefaultMaxEntries),
		pick(l.MaxRatio, DefaultMaxRatio)
}

// budget tracks what an extraction has produced against its limits.
// It is not safe for concurrent use.
type budget struct {
	maxTotal, maxEntries, maxRatio float64
	// compressed reports the number of compressed bytes behind the output
	// so far (or the whole input size when known).
	compressed func() int64
	total      int64
	entries    int64
}

func newBudget(l Limits, compressed func() int64) *budget {
	t, e, r := l.resolved()
	return &budget{maxTotal: t, maxEntries: e, maxRatio: r, compressed: compressed}
}

// entry counts one more entry.
func (b *budget) entry() error {
	b.entries++
	if float64(b.entries) > b.maxEntries {
		return &LimitError{Limit: limitEntries, Max: b.maxEntries, Value: float64(b.entries)}
	}
	return nil
}

// add counts n more expanded bytes.
func (b *budget) add(n int64) error {
	b.total += n
	if float64(b.total) > b.maxTotal {
		return &LimitError{Limit: limitTotal, Max: b.maxTotal, Value: float64(b.total)}
	}
	if b.total > RatioAllowance && !math.IsInf(b.maxRatio, 1) {
		c := max(b.compressed(), 1)
		if r := float64(b.total) / float64(c); r > b.maxRatio {
			return &LimitError{Limit: limitRatio, Max: b.maxRatio, Value: r}
		}
	}
	return nil
}

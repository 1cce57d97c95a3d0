package rows

import (
	"iter"
	"math/rand/v2"
)

// Take yields at most the first n rows of seq (an error counts as one).
func Take(seq iter.Seq2[Row, error], n int64) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		if n <= 0 {
			return
		}
		var i int64
		for r, err := range seq {
			if !yield(r, err) || err != nil {
				return
			}
			if i++; i >= n {
				return
			}
		}
	}
}

// Skip drops the first n rows of seq (errors are passed on). To skip
// without decoding, prefer Options.Offset, which skips Parquet row
// groups unread.
func Skip(seq iter.Seq2[Row, error], n int64) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		var i int64
		for r, err := range seq {
			if err == nil && i < n {
				i++
				continue
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// Shuffle yields the rows of seq in an approximately random order, the way
// the datasets library shuffles an iterable dataset: rows fill a buffer of
// bufferSize; each further row takes the place of a randomly picked one,
// which is yielded; the rest of the buffer comes out shuffled at the end.
// The same seed over the same input gives the same order. Memory is
// bufferSize rows; larger buffers shuffle better.
func Shuffle(seq iter.Seq2[Row, error], bufferSize int, seed uint64) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		if bufferSize < 1 {
			bufferSize = 1
		}
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		buf := make([]Row, 0, min(bufferSize, 1<<16))
		for r, err := range seq {
			if err != nil {
				yield(Row{}, err)
				return
			}
			if len(buf) < bufferSize {
				buf = append(buf, r)
				continue
			}
			i := rng.IntN(bufferSize)
			out := buf[i]
			buf[i] = r
			if !yield(out, nil) {
				return
			}
		}
		rng.Shuffle(len(buf), func(i, j int) { buf[i], buf[j] = buf[j], buf[i] })
		for _, r := range buf {
			if !yield(r, nil) {
				return
			}
		}
	}
}

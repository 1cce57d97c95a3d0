package viewerserver

import (
	"math"
	"slices"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

// maxLabels is the most distinct values a string column may have to be
// treated as labels (frequencies) rather than text (length statistics),
// as the dataset viewer decides.
const maxLabels = 30

// columnStats is one item of /statistics.
type columnStats struct {
	Name  string `json:"column_name"`
	Type  string `json:"column_type"`
	Stats any    `json:"column_statistics"`
}

type numericalStats struct {
	NanCount      int64      `json:"nan_count"`
	NanProportion float64    `json:"nan_proportion"`
	Min           *float64   `json:"min"`
	Max           *float64   `json:"max"`
	Mean          *float64   `json:"mean"`
	Median        *float64   `json:"median"`
	Std           *float64   `json:"std"`
	Histogram     *histogram `json:"histogram"`
}

type histogram struct {
	Hist     []int64   `json:"hist"`
	BinEdges []float64 `json:"bin_edges"`
}

type categoricalStats struct {
	NanCount      int64            `json:"nan_count"`
	NanProportion float64          `json:"nan_proportion"`
	NUnique       int              `json:"n_unique,omitempty"`
	Frequencies   map[string]int64 `json:"frequencies"`
}

// colAcc accumulates one column.
type colAcc struct {
	nulls   int64
	nums    []float64 // numbers, or lengths of strings and lists
	strs    map[string]int64
	many    bool // more distinct strings than maxLabels
	trues   int64
	falses  int64
	lengths []float64
}

type statsAccumulator struct {
	cols map[string]*colAcc
}

func newStatsAccumulator() *statsAccumulator { return &statsAccumulator{cols: map[string]*colAcc{}} }

func (s *statsAccumulator) add(r rows.Row) {
	for i, c := range r.Columns() {
		a := s.cols[c]
		if a == nil {
			a = &colAcc{strs: map[string]int64{}}
			s.cols[c] = a
		}
		switch x := r.Value(i).(type) {
		case nil:
			a.nulls++
		case bool:
			if x {
				a.trues++
			} else {
				a.falses++
			}
		case int64:
			a.nums = append(a.nums, float64(x))
		case uint64:
			a.nums = append(a.nums, float64(x))
		case float32:
			if math.IsNaN(float64(x)) {
				a.nulls++
			} else {
				a.nums = append(a.nums, float64(x))
			}
		case float64:
			if math.IsNaN(x) {
				a.nulls++
			} else {
				a.nums = append(a.nums, x)
			}
		case string:
			a.lengths = append(a.lengths, float64(len([]rune(x))))
			if !a.many {
				a.strs[x]++
				if len(a.strs) > maxLabels {
					a.many, a.strs = true, nil
				}
			}
		case []any:
			a.lengths = append(a.lengths, float64(len(x)))
		}
	}
}

// finish builds the statistics of the columns whose type has them.
func (s *statsAccumulator) finish(columns []string, types []*ftype, n int64) []columnStats {
	var out []columnStats
	prop := func(k int64) float64 {
		if n == 0 {
			return 0
		}
		return round(float64(k) / float64(n))
	}
	for i, c := range columns {
		a := s.cols[c]
		if a == nil {
			a = &colAcc{nulls: n}
		}
		t := types[i]
		if t == nil {
			continue
		}
		switch {
		case t.kind == "int64" || t.kind == "uint64":
			out = append(out, columnStats{c, "int", numerical(a.nums, a.nulls, n, true)})
		case t.kind == "float32" || t.kind == "float64":
			out = append(out, columnStats{c, "float", numerical(a.nums, a.nulls, n, false)})
		case t.kind == "bool":
			f := map[string]int64{}
			if a.trues > 0 {
				f["True"] = a.trues
			}
			if a.falses > 0 {
				f["False"] = a.falses
			}
			out = append(out, columnStats{c, "bool", categoricalStats{NanCount: a.nulls, NanProportion: prop(a.nulls), Frequencies: f}})
		case t.kind == "string" && !a.many:
			out = append(out, columnStats{c, "string_label", categoricalStats{NanCount: a.nulls, NanProportion: prop(a.nulls), NUnique: len(a.strs), Frequencies: a.strs}})
		case t.kind == "string":
			out = append(out, columnStats{c, "string_text", numerical(a.lengths, a.nulls, n, true)})
		case t.kind == "list":
			out = append(out, columnStats{c, "list", numerical(a.lengths, a.nulls, n, true)})
		}
	}
	return out
}

func round(f float64) float64 { return math.Round(f*1e5) / 1e5 }

func ptr(f float64) *float64 { return &f }

// numerical computes the numerical statistics of vals (nulls not among
// them) out of n rows; ints get integer bins.
func numerical(vals []float64, nulls, n int64, ints bool) numericalStats {
	st := numericalStats{NanCount: nulls}
	if n > 0 {
		st.NanProportion = round(float64(nulls) / float64(n))
	}
	if len(vals) == 0 {
		return st
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	lo, hi := sorted[0], sorted[len(sorted)-1]
	var sum float64
	for _, v := range sorted {
		sum += v
	}
	mean := sum / float64(len(sorted))
	var sq float64
	for _, v := range sorted {
		sq += (v - mean) * (v - mean)
	}
	std := 0.0
	if len(sorted) > 1 {
		std = math.Sqrt(sq / float64(len(sorted)-1))
	}
	mid := len(sorted) / 2
	median := sorted[mid]
	if len(sorted)%2 == 0 {
		median = (sorted[mid-1] + sorted[mid]) / 2
	}
	st.Min, st.Max, st.Mean, st.Median, st.Std = ptr(lo), ptr(hi), ptr(round(mean)), ptr(round(median)), ptr(round(std))
	st.Histogram = bins(sorted, lo, hi, ints)
	return st
}

// bins makes at most 10 equal bins from lo to hi (integer edges for ints,
// as the viewer does); the last bin includes hi.
func bins(sorted []float64, lo, hi float64, ints bool) *histogram {
	nb := 10
	if ints && hi-lo+1 < float64(nb) {
		nb = int(hi - lo + 1)
	}
	if hi == lo {
		return &histogram{Hist: []int64{int64(len(sorted))}, BinEdges: []float64{lo, hi}}
	}
	width := (hi - lo) / float64(nb)
	if ints {
		width = math.Ceil((hi - lo + 1) / float64(nb))
		nb = int(math.Ceil((hi - lo + 1) / width))
	}
	h := &histogram{Hist: make([]int64, nb)}
	for i := range nb {
		h.BinEdges = append(h.BinEdges, round(lo+float64(i)*width))
	}
	h.BinEdges = append(h.BinEdges, hi)
	for _, v := range sorted {
		i := int((v - lo) / width)
		if i >= nb {
			i = nb - 1
		}
		h.Hist[i]++
	}
	return h
}

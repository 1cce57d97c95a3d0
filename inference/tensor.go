package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Tensor is a nested array of numbers (a feature-extraction answer) as a
// shape and its values in row-major order.
type Tensor struct {
	Shape []int
	Data  []float32
}

// UnmarshalJSON reads nested arrays of numbers (any depth, rectangular).
func (t *Tensor) UnmarshalJSON(b []byte) error {
	t.Shape, t.Data = nil, t.Data[:0]
	dec := json.NewDecoder(bytes.NewReader(b))
	var open []int // element counts of the arrays currently open
	var shape []int
	var known []bool
	maxDepth := -1
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '[':
				if len(open) > 0 {
					open[len(open)-1]++
				}
				open = append(open, 0)
				if len(open) > len(shape) {
					shape, known = append(shape, 0), append(known, false)
				}
			case ']':
				d := len(open) - 1
				if maxDepth < 0 {
					maxDepth = len(shape)
				}
				if !known[d] {
					shape[d], known[d] = open[d], true
				} else if shape[d] != open[d] {
					return fmt.Errorf("tensor: ragged array at depth %d (%d and %d elements)", d, shape[d], open[d])
				}
				open = open[:d]
			default:
				return fmt.Errorf("tensor: unexpected %v", v)
			}
		case float64:
			if len(open) == 0 {
				return fmt.Errorf("tensor: a number outside an array")
			}
			if len(open) != len(shape) || (maxDepth >= 0 && len(open) != maxDepth) {
				return fmt.Errorf("tensor: numbers at different depths")
			}
			open[len(open)-1]++
			t.Data = append(t.Data, float32(v))
		default:
			return fmt.Errorf("tensor: unexpected %T in a nested array of numbers", tok)
		}
	}
	if len(shape) == 0 {
		return fmt.Errorf("tensor: want a nested array of numbers, got %.100s", b)
	}
	t.Shape = shape
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("tensor: ragged array (shape %v, %d values)", shape, len(t.Data))
	}
	return nil
}

// Embeddings returns rows for a 2-D tensor ([texts][dims]) or one row for
// a 1-D one; a per-token tensor (3-D) is an [ErrBadResponse]: pool it
// yourself or use a sentence-embedding model.
func (t *Tensor) Embeddings() ([][]float32, error) {
	switch len(t.Shape) {
	case 1:
		return [][]float32{t.Data}, nil
	case 2:
		rows := make([][]float32, t.Shape[0])
		for i := range rows {
			rows[i] = t.Data[i*t.Shape[1] : (i+1)*t.Shape[1] : (i+1)*t.Shape[1]]
		}
		return rows, nil
	}
	return nil, fmt.Errorf("%w: the model answered per-token features of shape %v, not pooled embeddings", ErrBadResponse, t.Shape)
}

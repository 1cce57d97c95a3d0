package rows

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

// cursorBatch is how many values a column cursor decodes at a time.
const cursorBatch = 1024

// colCursor reads one leaf column of a row group, a row's values at a
// time, decoding pages in batches (the columnar path: no generic row is
// built).
type colCursor struct {
	pages  parquet.Pages
	page   parquet.Page
	values parquet.ValueReader
	buf    []parquet.Value
	i, n   int
	eof    bool
	maxRep int
	carry  []parquet.Value // a row's values read before a refill, cloned
}

func newCursor(chunk parquet.ColumnChunk, maxRep int) *colCursor {
	return &colCursor{pages: chunk.Pages(), buf: make([]parquet.Value, cursorBatch), maxRep: maxRep}
}

func (c *colCursor) close() {
	if c.pages != nil {
		c.pages.Close()
	}
}

// seek positions the cursor at row index r of the row group.
func (c *colCursor) seek(r int64) error {
	c.page, c.values, c.i, c.n, c.eof = nil, nil, 0, 0, false
	return c.pages.SeekToRow(r)
}

// fill decodes the next batch; at the end of the chunk it sets eof.
func (c *colCursor) fill() error {
	c.i, c.n = 0, 0
	for c.n == 0 {
		if c.values == nil {
			p, err := c.pages.ReadPage()
			if err == io.EOF {
				c.eof = true
				return nil
			}
			if err != nil {
				return err
			}
			c.page, c.values = p, p.Values()
		}
		n, err := c.values.ReadValues(c.buf)
		c.n = n
		if err == io.EOF {
			c.values = nil
		} else if err != nil {
			return err
		}
	}
	return nil
}

// row returns the values of the next row: one for a column without
// repetition, else those up to the next value that starts a row.
func (c *colCursor) row() ([]parquet.Value, error) {
	if c.i >= c.n {
		if err := c.fill(); err != nil {
			return nil, err
		}
		if c.eof {
			return nil, errors.New("the column has fewer rows than the row group")
		}
	}
	if c.maxRep == 0 {
		c.i++
		return c.buf[c.i-1 : c.i], nil
	}
	start := c.i
	j := start + 1
	c.carry = c.carry[:0]
	for {
		for j < c.n && c.buf[j].RepetitionLevel() != 0 {
			j++
		}
		if j < c.n || c.eof {
			break
		}
		// The row goes on in the next batch: keep what we have.
		for _, v := range c.buf[start:j] {
			c.carry = append(c.carry, v.Clone())
		}
		if err := c.fill(); err != nil {
			return nil, err
		}
		start, j = 0, 0
		if c.eof {
			break
		}
	}
	c.i = j
	if len(c.carry) > 0 {
		c.carry = append(c.carry, c.buf[start:j]...)
		return c.carry, nil
	}
	return c.buf[start:j], nil
}

// scanGroup streams the rows of one row group from row skip on.
func (pf *parquetFile) scanGroup(rg parquet.RowGroup, skip int64, base *int64, yield func(Row, error) bool) bool {
	chunks := rg.ColumnChunks()
	curs := make([]*colCursor, len(pf.leafFile))
	defer func() {
		for _, c := range curs {
			if c != nil {
				c.close()
			}
		}
	}()
	for pos, fi := range pf.leafFile {
		if fi >= len(chunks) {
			yield(Row{}, &Error{File: pf.name, Row: *base, Err: fmt.Errorf("row group has %d columns, the schema %d", len(chunks), len(pf.leafFile))})
			return false
		}
		curs[pos] = newCursor(chunks[fi], pf.leafRep[pos])
		if skip > 0 {
			if err := curs[pos].seek(skip); err != nil {
				yield(Row{}, pf.corrupt(*base, err))
				return false
			}
		}
	}
	*base += skip
	n := rg.NumRows() - skip
	cols := make([][]parquet.Value, len(curs))
	var a assembler
	ncols := len(pf.cols)
	var backing []any
	for range n {
		if len(backing) < ncols {
			backing = make([]any, ncols*256) // one allocation for 256 rows' cells
		}
		vals := backing[:ncols:ncols]
		backing = backing[ncols:]
		for pos, c := range curs {
			vs, err := c.row()
			if err != nil {
				yield(Row{}, pf.corrupt(*base, err))
				return false
			}
			cols[pos] = vs
		}
		if pf.flat {
			for i, p := range pf.cols {
				if v := cols[p.first][0]; !v.IsNull() {
					vals[i] = p.conv(v)
				}
			}
		} else {
			a.reset(cols)
			for i, p := range pf.cols {
				if p.kind == leafNode { // a top-level leaf: one value
					if v := cols[p.first][0]; !v.IsNull() {
						vals[i] = p.conv(v)
					}
					continue
				}
				v, err := a.read(p, 0, 0)
				if err != nil {
					yield(Row{}, &Error{File: pf.name, Row: *base, Column: p.name, Err: err})
					return false
				}
				vals[i] = v
			}
		}
		*base++
		if !yield(Row{schema: pf.schema, values: vals}, nil) {
			return false
		}
	}
	return true
}

// repLevels returns the maximum repetition level of each leaf under n,
// in order, for ancestors already at rep.
func repLevels(n parquet.Node, rep int, out []int) []int {
	if n.Repeated() {
		rep++
	}
	if n.Leaf() {
		return append(out, rep)
	}
	for _, f := range n.Fields() {
		out = repLevels(f, rep, out)
	}
	return out
}

package rows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// parquetFile is an opened Parquet file with the projection applied.
type parquetFile struct {
	name   string
	f      *parquet.File
	ra     *chunkReaderAt // nil unless prefetching
	schema *Schema
	cols   []*pnode // output columns, in output order
	flat   bool     // every output column is a non-repeated leaf
	// leafFile maps the leaf positions the pnodes use (output columns'
	// leaves, in output order) to the file's leaf column indexes;
	// leafRep holds their maximum repetition levels.
	leafFile []int
	leafRep  []int
	// fileLeaves are the file's leaf column indexes the projection reads.
	fileLeaves []int
}

// ParquetInfo describes a Parquet file without reading its data.
type ParquetInfo struct {
	// Columns are the top-level column names, in file order.
	Columns []string
	// RowGroups holds each row group's row count.
	RowGroups []int64
	// NumRows is the total row count.
	NumRows int64
}

// InspectParquet reads only the footer of a Parquet file.
func InspectParquet(name string, r io.ReaderAt, size int64) (*ParquetInfo, error) {
	f, err := openParquet(name, r, size, false)
	if err != nil {
		return nil, err
	}
	info := &ParquetInfo{NumRows: f.NumRows()}
	for _, fl := range f.Schema().Fields() {
		info.Columns = append(info.Columns, fl.Name())
	}
	for _, rg := range f.Metadata().RowGroups {
		info.RowGroups = append(info.RowGroups, rg.NumRows)
	}
	return info, nil
}

func openParquet(name string, r io.ReaderAt, size int64, remote bool) (*parquet.File, error) {
	buf := 64 << 10
	if remote {
		buf = 1 << 20
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(buf))
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, &Error{File: name, Row: -1, Err: fmt.Errorf("not a readable Parquet file (%w); the file may be truncated or not Parquet at all", err)}
	}
	return f, nil
}

func newParquetFile(name string, r io.ReaderAt, size int64, o *Options) (*parquetFile, error) {
	var cr *chunkReaderAt
	if o.Prefetch {
		cr = &chunkReaderAt{r: r}
		r = cr
	}
	f, err := openParquet(name, r, size, o.Prefetch)
	if err != nil {
		return nil, err
	}
	pf := &parquetFile{name: name, f: f, ra: cr}
	fileSchema := f.Schema()
	fields := fileSchema.Fields()
	byName := map[string]parquet.Field{}
	var names []string
	for _, fl := range fields {
		byName[fl.Name()] = fl
		names = append(names, fl.Name())
	}
	want := names
	if len(o.Columns) > 0 {
		want = o.Columns
		for _, c := range want {
			if _, ok := byName[c]; !ok {
				return nil, fmt.Errorf("%s: %w %q; the file has %s", name, ErrNoColumn, c, strings.Join(names, ", "))
			}
		}
	}
	// Each top-level field's leaves are contiguous in the file, depth first.
	fileFirst := map[string]int{}
	next := 0
	for _, fl := range fields {
		fileFirst[fl.Name()] = next
		next += leafCount(fl)
	}
	pf.flat = true
	pos := 0
	for _, c := range want {
		node := byName[c]
		p := compile(c, node, pos)
		pf.flat = pf.flat && p.kind == leafNode && p.n == 1
		pf.cols = append(pf.cols, p)
		for k := range p.n {
			pf.leafFile = append(pf.leafFile, fileFirst[c]+k)
		}
		pf.leafRep = repLevels(node, 0, pf.leafRep)
		pos += p.n
	}
	pf.schema = NewSchema(slices.Clone(want)...)
	wanted := map[string]bool{}
	for _, c := range want {
		wanted[c] = true
	}
	for i, path := range fileSchema.Columns() {
		if wanted[path[0]] {
			pf.fileLeaves = append(pf.fileLeaves, i)
		}
	}
	return pf, nil
}

func leafCount(n parquet.Node) int {
	if n.Leaf() {
		return 1
	}
	c := 0
	for _, f := range n.Fields() {
		c += leafCount(f)
	}
	return c
}

// readParquet streams the rows of a Parquet file.
func readParquet(ctx context.Context, name string, r io.ReaderAt, size int64, o *Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		pf, err := newParquetFile(name, r, size, o)
		if err != nil {
			yield(Row{}, err)
			return
		}
		pf.scan(ctx, o, yield)
	}
}

func (pf *parquetFile) scan(ctx context.Context, o *Options, yield func(Row, error) bool) {
	groups := pf.f.RowGroups()
	sel := o.RowGroups
	if sel == nil {
		sel = make([]int, len(groups))
		for i := range sel {
			sel[i] = i
		}
	}
	var base int64 // index of the first row of the current group, in this scan
	skip := o.Offset
	for _, gi := range sel {
		if gi < 0 || gi >= len(groups) {
			yield(Row{}, fmt.Errorf("%s: row group %d does not exist (the file has %d)", pf.name, gi, len(groups)))
			return
		}
		rg := groups[gi]
		n := rg.NumRows()
		if skip >= n { // row-group skipping: nothing of it is read
			skip -= n
			base += n
			continue
		}
		if err := ctx.Err(); err != nil {
			yield(Row{}, err)
			return
		}
		if pf.ra != nil {
			if err := pf.ra.load(ctx, pf.f, gi, pf.fileLeaves); err != nil {
				yield(Row{}, fmt.Errorf("%s: reading row group %d: %w", pf.name, gi, err))
				return
			}
		}
		if !pf.scanGroup(rg, skip, &base, yield) {
			return
		}
		skip = 0
	}
}

func (pf *parquetFile) corrupt(row int64, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{File: pf.name, Row: row, Err: err}
}

package rows

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"iter"
	"path"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/hfhub-go/hfhub/internal/ctxio"
)

// Format is a data file format.
type Format string

// The formats this package reads.
const (
	Parquet Format = "parquet"
	// JSONLines is one JSON object per line (.jsonl, .ndjson).
	JSONLines Format = "jsonl"
	// JSON is a .json file: a JSON array of objects, or objects one after
	// another (JSON Lines), as the datasets library's json loader accepts.
	JSON Format = "json"
	CSV  Format = "csv"
	TSV  Format = "tsv"
	// Text is one row per line, in a column named "text".
	Text Format = "text"
)

// Compression is the whole-file compression of a text format.
type Compression string

// The compressions this package undoes while streaming.
const (
	NoCompression Compression = ""
	Gzip          Compression = "gzip"
	Zstd          Compression = "zstd"
	XZ            Compression = "xz"
	Bzip2         Compression = "bzip2"
)

var compressionExt = map[string]Compression{".gz": Gzip, ".gzip": Gzip, ".zst": Zstd, ".zstd": Zstd, ".xz": XZ, ".bz2": Bzip2}

var formatExt = map[string]Format{
	".parquet": Parquet, ".geoparquet": Parquet, ".gpq": Parquet,
	".jsonl": JSONLines, ".ndjson": JSONLines, ".json": JSON,
	".csv": CSV, ".tsv": TSV, ".txt": Text,
}

// Detect returns the format and compression of a file from its name
// ("train.jsonl.zst" is JSON Lines compressed with zstd).
func Detect(name string) (Format, Compression, error) {
	base := strings.ToLower(path.Base(name))
	ext := path.Ext(base)
	comp, ok := compressionExt[ext]
	if ok {
		base = strings.TrimSuffix(base, ext)
		ext = path.Ext(base)
	}
	f, known := formatExt[ext]
	if !known {
		return "", "", fmt.Errorf("%s: %w (readable: .parquet, .jsonl, .ndjson, .json, .csv, .tsv, .txt, optionally .gz, .zst, .xz or .bz2)", name, ErrFormat)
	}
	if f == Parquet && comp != NoCompression {
		return "", "", fmt.Errorf("%s: %w: Parquet compresses its pages itself; a compressed Parquet file cannot be read in place", name, ErrFormat)
	}
	return f, comp, nil
}

// Options tunes a read. The zero value reads every column of every row
// and stops at the first malformed row.
type Options struct {
	// Format and Compression override what [Detect] says of the name.
	Format      Format
	Compression Compression
	// Columns, when set, keeps only these columns, in this order. Parquet
	// reads only their column chunks; a column the file lacks is an
	// error wrapping ErrNoColumn. Other formats drop the other cells
	// (a JSON row lacking a column has it null).
	Columns []string
	// RowGroups, when set, reads only these Parquet row groups, in this
	// order (for sharding by row group). Other formats ignore it.
	RowGroups []int
	// Offset skips that many rows first. Parquet skips whole row groups
	// without reading them, then seeks inside the next one.
	Offset int64
	// Prefetch reads each Parquet row group's projected column chunks
	// with one ReadAt each, ahead of decoding (set it for a remote
	// io.ReaderAt, where every ReadAt is a request).
	Prefetch bool
	// SkipBad skips rows that do not parse (a ragged CSV row, a JSON
	// line with a syntax error) instead of stopping; each is counted in
	// Skipped when set and passed to OnSkip when set. Errors that end the
	// file (a bad Parquet footer, a truncated stream) still stop.
	SkipBad bool
	Skipped *atomic.Int64
	OnSkip  func(*Error)
	// CSVInferRows is how many leading CSV rows decide each column's type
	// (int64, float64, bool or string); 0 means 1000.
	CSVInferRows int
}

func (o *Options) bad(e *Error) bool {
	if !o.SkipBad {
		return false
	}
	if o.Skipped != nil {
		o.Skipped.Add(1)
	}
	if o.OnSkip != nil {
		o.OnSkip(e)
	}
	return true
}

func (o *Options) resolve(name string) (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Format == "" {
		f, c, err := Detect(name)
		if err != nil {
			return out, err
		}
		out.Format = f
		if out.Compression == "" {
			out.Compression = c
		}
	}
	return out, nil
}

// Read streams the rows of a data file held by r (size bytes; name is
// used for the format and in errors). Parquet is read in place: footer,
// then only the wanted row groups and column chunks; the other formats
// are streamed from the start. Stop the loop early to stop reading.
func Read(ctx context.Context, name string, r io.ReaderAt, size int64, opts *Options) iter.Seq2[Row, error] {
	o, err := opts.resolve(name)
	if err != nil {
		return errSeq(err)
	}
	if o.Format == Parquet {
		return readParquet(ctx, name, r, size, &o)
	}
	return stream(ctx, name, bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 256<<10), &o)
}

// ReadStream streams the rows of a text-format file (JSON Lines, JSON,
// CSV, TSV, text, possibly compressed) from r. Parquet needs
// [Read]: its footer is at the end.
func ReadStream(ctx context.Context, name string, r io.Reader, opts *Options) iter.Seq2[Row, error] {
	o, err := opts.resolve(name)
	if err != nil {
		return errSeq(err)
	}
	if o.Format == Parquet {
		return errSeq(fmt.Errorf("%s: a Parquet file is read with Read (an io.ReaderAt): its footer comes last", name))
	}
	return stream(ctx, name, r, &o)
}

func errSeq(err error) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) { yield(Row{}, err) }
}

func stream(ctx context.Context, name string, r io.Reader, o *Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		dr, closeFn, err := decompress(name, r, o.Compression)
		if err != nil {
			yield(Row{}, err)
			return
		}
		defer closeFn()
		in := ctxio.NewReader(ctx, dr)
		s := &skipper{o: o, yield: yield}
		proj := newProjector(o.Columns)
		emit := func(row Row) bool { return s.emit(proj.apply(row)) }
		switch o.Format {
		case JSONLines:
			err = readJSONLines(name, in, o, emit)
		case JSON:
			err = readJSON(name, in, o, emit)
		case CSV:
			err = readCSV(name, in, ',', o, emit)
		case TSV:
			err = readCSV(name, in, '\t', o, emit)
		case Text:
			err = readText(in, emit)
		default:
			err = fmt.Errorf("%s: %w %q", name, ErrFormat, o.Format)
		}
		if err != nil && err != errStop {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
			yield(Row{}, err)
		}
	}
}

// errStop ends a reader when the consumer stopped the loop.
var errStop = fmt.Errorf("stopped")

// skipper applies Offset before rows reach the consumer.
type skipper struct {
	o     *Options
	n     int64
	yield func(Row, error) bool
}

func (s *skipper) emit(r Row) bool {
	if s.n < s.o.Offset {
		s.n++
		return true
	}
	return s.yield(r, nil)
}

func decompress(name string, r io.Reader, c Compression) (io.Reader, func(), error) {
	nop := func() {}
	wrap := func(err error) error {
		return &Error{File: name, Row: -1, Err: fmt.Errorf("not valid %s data: %w", c, err)}
	}
	switch c {
	case NoCompression:
		return r, nop, nil
	case Gzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nop, wrap(err)
		}
		return z, func() { z.Close() }, nil
	case Zstd:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nop, wrap(err)
		}
		return z, z.Close, nil
	case XZ:
		z, err := xz.NewReader(r)
		if err != nil {
			return nil, nop, wrap(err)
		}
		return z, nop, nil
	case Bzip2:
		return bzip2.NewReader(r), nop, nil
	}
	return nil, nop, fmt.Errorf("%s: unknown compression %q", name, c)
}

// projector keeps the wanted columns of rows whose schema may change from
// row to row (JSON).
type projector struct {
	want   []string
	schema *Schema
}

func newProjector(cols []string) *projector {
	if len(cols) == 0 {
		return nil
	}
	return &projector{want: cols, schema: NewSchema(cols...)}
}

func (p *projector) apply(r Row) Row {
	if p == nil {
		return r
	}
	vals := make([]any, len(p.want))
	for i, c := range p.want {
		vals[i], _ = r.Get(c)
	}
	return Row{schema: p.schema, values: vals}
}

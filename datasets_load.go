package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/dataset/rows"
)

// DataSource says where [Client.LoadDataset] reads a split from.
type DataSource int

const (
	// SourceAuto reads the repository's data files when their format is
	// one package rows reads (Parquet, JSON, CSV, text), and otherwise
	// (folder-based loaders, archives, a script-only repository) the
	// dataset viewer's Parquet export on refs/convert/parquet.
	SourceAuto DataSource = iota
	// SourceDataFiles reads only the repository's data files.
	SourceDataFiles
	// SourceParquetExport reads only the refs/convert/parquet export.
	SourceParquetExport
)

// LoadOptions configures [Client.LoadDataset]. A nil pointer means the
// main branch, every column, the repository's data files when readable.
type LoadOptions struct {
	// Revision is a branch, tag or commit of the repository; the files
	// are read at the commit it resolves to.
	Revision string
	// Source chooses between the data files and the Parquet export.
	Source DataSource
	// Columns keeps only these columns, in this order (Parquet reads only
	// their column chunks).
	Columns []string
	// SkipBad skips rows that do not parse instead of failing; Skipped
	// counts them when set.
	SkipBad bool
	Skipped *atomic.Int64
}

// DatasetStream is one split of a dataset read as a stream of rows, like
// the datasets library's IterableDataset (load_dataset(...,
// streaming=True)). Nothing is downloaded whole: each file is read from
// the cache when it is there, else over HTTP Range requests (Parquet: the
// footer, then only the row groups and column chunks wanted). Its methods
// return modified copies; a DatasetStream is safe to share.
type DatasetStream struct {
	c *Client
	// ID, Config and Split name what is read; Revision is the commit (or
	// the Parquet export ref) the files are read at.
	ID, Config, Split, Revision string
	// Files are the data files of the split, in reading order.
	Files []string
	// Format is the format the files are read as.
	Format rows.Format

	opts                LoadOptions
	numShards, shard    int
	shuffleBuf          int
	seed                uint64
	skip, take          int64
	hasTake, hasShuffle bool
}

// LoadDataset resolves one split of a dataset the way load_dataset does
// (see [Client.Dataset]: YAML configs, data_files patterns, inferred
// splits; config "" is the default config, split "" is "train" when the
// config has it, else its first split) and returns a stream of its rows.
// When the repository's files cannot be read natively it falls back to
// the refs/convert/parquet export (see [SourceAuto]).
func (c *Client) LoadDataset(ctx context.Context, id, config, split string, opts *LoadOptions) (*DatasetStream, error) {
	var o LoadOptions
	if opts != nil {
		o = *opts
	}
	s := &DatasetStream{c: c, ID: id, opts: o, numShards: 1}
	var dataErr error
	if o.Source != SourceParquetExport {
		dataErr = s.fromDataFiles(ctx, config, split)
		if dataErr == nil || o.Source == SourceDataFiles || dataset.IsNotFound(dataErr) || isHubNotFound(dataErr) {
			return s.done(dataErr)
		}
	}
	if err := s.fromParquetExport(ctx, config, split); err != nil {
		if dataErr != nil && errors.Is(err, ErrRevisionNotFound) {
			return nil, fmt.Errorf("%w (and the dataset has no Parquet export on %s)", dataErr, ParquetRevision)
		}
		return nil, err
	}
	return s, nil
}

func (s *DatasetStream) done(err error) (*DatasetStream, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

func isHubNotFound(err error) bool {
	return errors.Is(err, ErrRepoNotFound) || errors.Is(err, ErrRevisionNotFound) || errors.Is(err, ErrGatedRepo)
}

// errNotNative says the data files are in a format package rows lacks.
var errNotNative = errors.New("data files are not in a format read natively")

func (s *DatasetStream) fromDataFiles(ctx context.Context, config, split string) error {
	d, err := s.c.Dataset(ctx, s.ID, &DatasetOptions{Revision: s.opts.Revision})
	if err != nil {
		return err
	}
	cfg, err := d.Layout.Config(config)
	if err != nil {
		return err
	}
	sp, err := pickSplit(cfg, split)
	if err != nil {
		return err
	}
	if len(sp.Files) == 0 {
		return fmt.Errorf("dataset %s: config %q split %q: %w", s.ID, cfg.Name, sp.Name, dataset.ErrFileNotFound)
	}
	format, ok := splitFormat(d.Layout, cfg, sp.Files)
	if !ok {
		return fmt.Errorf("dataset %s: config %q split %q: %w", s.ID, cfg.Name, sp.Name, errNotNative)
	}
	for _, f := range sp.Files {
		if strings.Contains(f, "://") {
			return fmt.Errorf("dataset %s: data file %s is a URL outside the repository: %w", s.ID, f, errNotNative)
		}
	}
	s.Config, s.Split, s.Revision, s.Files, s.Format = cfg.Name, sp.Name, d.Commit, sp.Files, format
	return nil
}

func (s *DatasetStream) fromParquetExport(ctx context.Context, config, split string) error {
	files, err := s.c.DatasetParquetFiles(ctx, s.ID, nil)
	if err != nil {
		return err
	}
	configs := []string{}
	for _, f := range files {
		if !slices.Contains(configs, f.Config) {
			configs = append(configs, f.Config)
		}
	}
	if config == "" {
		switch {
		case slices.Contains(configs, "default"):
			config = "default"
		case len(configs) == 1:
			config = configs[0]
		default:
			return fmt.Errorf("%w (configs of the Parquet export: %s)", dataset.ErrNoDefaultConfig, strings.Join(configs, ", "))
		}
	}
	var splits []string
	for _, f := range files {
		if f.Config == config && !slices.Contains(splits, f.Split) {
			splits = append(splits, f.Split)
		}
	}
	if len(splits) == 0 {
		return fmt.Errorf("%w: %q in the Parquet export (configs: %s)", dataset.ErrConfigNotFound, config, strings.Join(configs, ", "))
	}
	if split == "" {
		split = splits[0]
		if slices.Contains(splits, "train") {
			split = "train"
		}
	}
	if !slices.Contains(splits, split) {
		return fmt.Errorf("%w: %q in config %q of the Parquet export (splits: %s)", dataset.ErrSplitNotFound, split, config, strings.Join(splits, ", "))
	}
	s.Files = nil
	for _, f := range files {
		if f.Config == config && f.Split == split {
			s.Files = append(s.Files, f.Path)
		}
	}
	s.Config, s.Split, s.Revision, s.Format = config, split, ParquetRevision, rows.Parquet
	return nil
}

func pickSplit(cfg *dataset.Config, split string) (dataset.Split, error) {
	if len(cfg.Splits) == 0 {
		return dataset.Split{}, fmt.Errorf("%w: config %q has no splits", dataset.ErrSplitNotFound, cfg.Name)
	}
	names := make([]string, len(cfg.Splits))
	for i, sp := range cfg.Splits {
		names[i] = sp.Name
		if sp.Name == split || (split == "" && sp.Name == "train") {
			return sp, nil
		}
	}
	if split == "" {
		return cfg.Splits[0], nil
	}
	return dataset.Split{}, fmt.Errorf("%w: %q in config %q (splits: %s)", dataset.ErrSplitNotFound, split, cfg.Name, strings.Join(names, ", "))
}

// splitFormat is the format of a split's files: from their extension (the
// layout's loader when the extension says nothing), with the config's sep
// or delimiter parameter for CSV.
func splitFormat(l *dataset.Layout, cfg *dataset.Config, files []string) (rows.Format, bool) {
	var format rows.Format
	for _, f := range files {
		ff, _, err := rows.Detect(f)
		if err != nil {
			ff = loaderFormat(l.Loader)
		}
		if ff == "" || (format != "" && ff != format && !(ff == rows.JSONLines && format == rows.JSON || ff == rows.JSON && format == rows.JSONLines)) {
			return "", false
		}
		if format == "" || ff == rows.JSON {
			format = ff
		}
	}
	if format == rows.CSV || format == rows.TSV {
		sep := ""
		if v, ok := cfg.Params["sep"].(string); ok {
			sep = v
		}
		if v, ok := cfg.Params["delimiter"].(string); ok {
			sep = v
		}
		switch sep {
		case "":
		case ",":
			format = rows.CSV
		case "\t":
			format = rows.TSV
		default:
			return "", false
		}
	}
	return format, format != ""
}

func loaderFormat(loader string) rows.Format {
	switch loader {
	case dataset.LoaderParquet:
		return rows.Parquet
	case dataset.LoaderJSON:
		return rows.JSON
	case dataset.LoaderText:
		return rows.Text
	case dataset.LoaderCSV:
		return rows.CSV
	}
	return ""
}

// Select returns the stream with only these columns, in this order.
func (s *DatasetStream) Select(columns ...string) *DatasetStream {
	t := *s
	t.opts.Columns = slices.Clone(columns)
	return &t
}

// Shard returns worker index's part of the stream split across n workers
// (0 <= index < n). The parts are disjoint and together hold every row:
// whole files when the split has at least n files, else Parquet row
// groups dealt round-robin, else every n-th row.
func (s *DatasetStream) Shard(n, index int) (*DatasetStream, error) {
	if n < 1 || index < 0 || index >= n {
		return nil, fmt.Errorf("%w: shard %d of %d: need 0 <= index < n", ErrValidation, index, n)
	}
	t := *s
	t.numShards, t.shard = n, index
	return &t, nil
}

// Shuffle returns the stream in a seeded pseudo-random order, as
// IterableDataset.shuffle: the file (or row group) order is shuffled with
// the seed, then rows pass through a buffer of bufferSize rows from which
// each next row is picked at random.
func (s *DatasetStream) Shuffle(bufferSize int, seed uint64) *DatasetStream {
	t := *s
	t.hasShuffle, t.shuffleBuf, t.seed = true, max(bufferSize, 1), seed
	return &t
}

// Skip returns the stream without its first n rows (after sharding and
// shuffling). Without shuffling, Parquet files and row groups that are
// wholly skipped are not read.
func (s *DatasetStream) Skip(n int64) *DatasetStream {
	t := *s
	t.skip += max(n, 0)
	if t.hasTake {
		t.take = max(t.take-max(n, 0), 0)
	}
	return &t
}

// Take returns the stream cut after n rows.
func (s *DatasetStream) Take(n int64) *DatasetStream {
	t := *s
	n = max(n, 0)
	if !t.hasTake || n < t.take {
		t.take = n
	}
	t.hasTake = true
	return &t
}

// unit is a piece of the stream: one file, or some row groups of one.
type unit struct {
	file      string
	rowGroups []int // nil: the whole file
	numRows   int64 // -1 when unknown
}

// Rows streams the rows. Errors about a file's content are *rows.Error
// naming the repository path; the stream stops at the first error.
func (s *DatasetStream) Rows(ctx context.Context) iter.Seq2[rows.Row, error] {
	return func(yield func(rows.Row, error) bool) {
		units, rowShard, err := s.plan(ctx)
		if err != nil {
			yield(rows.Row{}, err)
			return
		}
		seq := s.read(ctx, units, rowShard)
		if s.hasShuffle {
			seq = rows.Shuffle(seq, s.shuffleBuf, s.seed)
			if s.skip > 0 {
				seq = rows.Skip(seq, s.skip)
			}
		}
		if s.hasTake {
			seq = rows.Take(seq, s.take)
		}
		for r, err := range seq {
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// plan splits the files into units and keeps this shard's; rowShard says
// that rows are dealt one by one instead.
func (s *DatasetStream) plan(ctx context.Context) ([]unit, bool, error) {
	units := make([]unit, len(s.Files))
	for i, f := range s.Files {
		units[i] = unit{file: f, numRows: -1}
	}
	rowShard := false
	if s.numShards > 1 && len(units) < s.numShards {
		if s.Format != rows.Parquet {
			rowShard = true
		} else {
			var groups []unit
			for _, u := range units {
				info, err := s.inspect(ctx, u.file)
				if err != nil {
					return nil, false, err
				}
				for g, n := range info.RowGroups {
					groups = append(groups, unit{file: u.file, rowGroups: []int{g}, numRows: n})
				}
			}
			units = groups
		}
	}
	if s.numShards > 1 && !rowShard {
		var mine []unit
		for i, u := range units {
			if i%s.numShards == s.shard {
				mine = append(mine, u)
			}
		}
		units = mine
	}
	if s.hasShuffle {
		rng := rand.New(rand.NewPCG(s.seed, s.seed+1))
		rng.Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	}
	return units, rowShard, nil
}

func (s *DatasetStream) open(ctx context.Context, file string) (*RemoteFile, error) {
	return s.c.Open(ctx, s.ID, file, &DownloadOptions{RepoType: RepoDataset, Revision: s.Revision})
}

func (s *DatasetStream) inspect(ctx context.Context, file string) (*rows.ParquetInfo, error) {
	f, err := s.open(ctx, file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return rows.InspectParquet(file, f, f.Size())
}

func (s *DatasetStream) read(ctx context.Context, units []unit, rowShard bool) iter.Seq2[rows.Row, error] {
	return func(yield func(rows.Row, error) bool) {
		skip := int64(0)
		if !s.hasShuffle {
			skip = s.skip
		}
		var n int64 // rows seen, for row sharding
		for _, u := range units {
			f, err := s.open(ctx, u.file)
			if err != nil {
				yield(rows.Row{}, err)
				return
			}
			o := &rows.Options{Format: s.Format, Columns: s.opts.Columns, RowGroups: u.rowGroups,
				SkipBad: s.opts.SkipBad, Skipped: s.opts.Skipped, Prefetch: !f.Cached()}
			if _, comp, err := rows.Detect(u.file); err == nil {
				o.Compression = comp
			}
			var seq iter.Seq2[rows.Row, error]
			if s.Format == rows.Parquet {
				if skip > 0 && !rowShard {
					o.Offset = skip
					if info, err := rows.InspectParquet(u.file, f, f.Size()); err == nil {
						total := unitRows(info, u.rowGroups)
						skip = max(skip-total, 0)
					}
				}
				seq = rows.Read(ctx, u.file, f, f.Size(), o)
			} else {
				seq = rows.ReadStream(ctx, u.file, f, o)
			}
			ok := s.emit(seq, rowShard, &n, &skip, yield)
			f.Close()
			if !ok {
				return
			}
		}
	}
}

// emit passes one unit's rows on, applying row sharding and the rest of
// the skip; it reports whether to go on.
func (s *DatasetStream) emit(seq iter.Seq2[rows.Row, error], rowShard bool, n, skip *int64, yield func(rows.Row, error) bool) bool {
	for r, err := range seq {
		if err != nil {
			yield(rows.Row{}, err)
			return false
		}
		if rowShard {
			i := *n
			*n++
			if int(i%int64(s.numShards)) != s.shard {
				continue
			}
		}
		if *skip > 0 && (rowShard || s.Format != rows.Parquet) {
			*skip--
			continue
		}
		if !yield(r, nil) {
			return false
		}
	}
	return true
}

func unitRows(info *rows.ParquetInfo, groups []int) int64 {
	if groups == nil {
		return info.NumRows
	}
	var t int64
	for _, g := range groups {
		if g >= 0 && g < len(info.RowGroups) {
			t += info.RowGroups[g]
		}
	}
	return t
}

var _ io.ReaderAt = (*RemoteFile)(nil)

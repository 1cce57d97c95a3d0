package viewerserver

import (
	"context"
	"fmt"
	"iter"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/hfhub-go/hfhub/card"
	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/dataset/rows"
)

// parquetRef is the export branch, as the Hub names it.
const parquetRef = "refs/convert/parquet"

// snapshotState is what is known of one dataset commit.
type snapshotState struct {
	dataset string
	snap    *Snapshot
	layout  *dataset.Layout
	err     error // the layout could not be resolved

	mu     sync.Mutex
	splits map[[2]string]*splitState

	exportOnce sync.Once
	exportErr  error
}

// splitState is one split of one commit; scan fills it once.
type splitState struct {
	config, split string
	files         []string
	format        rows.Format
	sizes         map[string]int64 // file -> bytes

	once    sync.Once
	scanErr error
	columns []string
	types   []*ftype
	numRows int64
	stats   []columnStats
}

func (s *Handler) state(ctx context.Context, snap *Snapshot, id string) *snapshotState {
	key := id + "@" + snap.Commit
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.cache[key]; ok {
		s.touch(key)
		return st
	}
	st := &snapshotState{dataset: id, snap: snap, splits: map[[2]string]*splitState{}}
	st.layout, st.err = s.resolve(snap, id)
	s.cache[key] = st
	s.order = append(s.order, key)
	if len(s.order) > s.maxEntries {
		delete(s.cache, s.order[0])
		s.order = s.order[1:]
	}
	return st
}

func (s *Handler) touch(key string) {
	if i := slices.Index(s.order, key); i >= 0 {
		s.order = append(append(s.order[:i:i], s.order[i+1:]...), key)
	}
}

// resolve applies the datasets library's rules to a commit's files.
func (s *Handler) resolve(snap *Snapshot, id string) (*dataset.Layout, error) {
	in := dataset.Input{}
	for _, f := range snap.Files {
		in.Files = append(in.Files, f.Path)
	}
	read := func(name string) ([]byte, error) {
		f, size, err := s.src.Open(id, snap.Commit, name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if size > 16<<20 {
			return nil, fmt.Errorf("%s is %d bytes: too large for metadata", name, size)
		}
		b := make([]byte, size)
		if _, err := f.ReadAt(b, 0); err != nil && int64(len(b)) != size {
			return nil, err
		}
		return b, nil
	}
	has := func(name string) bool {
		return slices.ContainsFunc(snap.Files, func(f File) bool { return f.Path == name })
	}
	if has("README.md") {
		b, err := read("README.md")
		if err != nil {
			return nil, err
		}
		c, err := card.ParseDataset(b)
		if err != nil {
			return nil, fmt.Errorf("README.md: %w", err)
		}
		in.Card = &c.Data
	}
	for name, dst := range map[string]*[]byte{".huggingface.yaml": &in.RepoYAML, "dataset_infos.json": &in.DatasetInfos} {
		if has(name) {
			b, err := read(name)
			if err != nil {
				return nil, err
			}
			*dst = b
		}
	}
	return dataset.Resolve(in)
}

// split returns the state of one split, or a not-found error listing the
// choices.
func (st *snapshotState) split(config, split string) (*splitState, error) {
	if st.err != nil {
		return nil, st.err
	}
	cfg, err := st.layout.Config(config)
	if err != nil {
		return nil, err
	}
	files, err := st.layout.Files(cfg.Name, split)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	k := [2]string{cfg.Name, split}
	if sp, ok := st.splits[k]; ok {
		return sp, nil
	}
	sp := &splitState{config: cfg.Name, split: split, files: files, sizes: map[string]int64{}}
	for _, f := range st.snap.Files {
		if slices.Contains(files, f.Path) {
			sp.sizes[f.Path] = f.Size
		}
	}
	sp.format = formatOf(files)
	st.splits[k] = sp
	return sp, nil
}

// formatOf is the rows format of a split's files ("" when unreadable).
func formatOf(files []string) rows.Format {
	var out rows.Format
	for _, f := range files {
		ff, _, err := rows.Detect(f)
		if err != nil {
			return ""
		}
		if ff == rows.JSONLines {
			ff = rows.JSON
		}
		if out != "" && ff != out {
			return ""
		}
		out = ff
	}
	return out
}

// read streams a split's rows from offset.
func (s *Handler) read(ctx context.Context, st *snapshotState, sp *splitState, offset int64, columns []string) iter.Seq2[rows.Row, error] {
	return func(yield func(rows.Row, error) bool) {
		if sp.format == "" {
			yield(rows.Row{}, fmt.Errorf("%w: the files of config %q split %q (%s) are not in a format the viewer reads (Parquet, JSON Lines, JSON, CSV, TSV, text)", errUnsupported, sp.config, sp.split, strings.Join(exts(sp.files), ", ")))
			return
		}
		skip := offset
		for _, name := range sp.files {
			f, size, err := s.src.Open(st.dataset, st.snap.Commit, name)
			if err != nil {
				yield(rows.Row{}, err)
				return
			}
			o := &rows.Options{Columns: columns}
			if sp.format == rows.Parquet {
				if skip > 0 {
					info, err := rows.InspectParquet(name, f, size)
					if err != nil {
						f.Close()
						yield(rows.Row{}, err)
						return
					}
					if skip >= info.NumRows {
						skip -= info.NumRows
						f.Close()
						continue
					}
					o.Offset, skip = skip, 0
				}
			}
			seq := rows.Read(ctx, name, f, size, o)
			ok := true
			for r, err := range seq {
				if err != nil {
					yield(rows.Row{}, err)
					ok = false
					break
				}
				if skip > 0 {
					skip--
					continue
				}
				if !yield(r, nil) {
					ok = false
					break
				}
			}
			f.Close()
			if !ok {
				return
			}
		}
	}
}

func exts(files []string) []string {
	var out []string
	for _, f := range files {
		if e := path.Ext(f); !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// scan reads a split once: its columns and types, row count and column
// statistics.
func (s *Handler) scan(ctx context.Context, st *snapshotState, sp *splitState) error {
	sp.once.Do(func() {
		acc := newStatsAccumulator()
		for r, err := range s.read(context.WithoutCancel(ctx), st, sp, 0, nil) {
			if err != nil {
				sp.scanErr = err
				return
			}
			if sp.columns == nil || !slices.Equal(sp.columns, r.Columns()) {
				sp.columns, sp.types = mergeColumns(sp.columns, sp.types, r.Columns())
			}
			for i, c := range r.Columns() {
				j := slices.Index(sp.columns, c)
				sp.types[j] = sp.types[j].merge(typeOf(r.Value(i)))
			}
			acc.add(r)
			sp.numRows++
		}
		sp.stats = acc.finish(sp.columns, sp.types, sp.numRows)
	})
	return sp.scanErr
}

func mergeColumns(cols []string, types []*ftype, add []string) ([]string, []*ftype) {
	for _, c := range add {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
			types = append(types, nil)
		}
	}
	return cols, types
}

func (sp *splitState) bytes() int64 {
	var n int64
	for _, v := range sp.sizes {
		n += v
	}
	return n
}

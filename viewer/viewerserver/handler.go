package viewerserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hfhub-go/hfhub/dataset"
	"github.com/hfhub-go/hfhub/dataset/rows"
	"github.com/hfhub-go/hfhub/viewer"
)

// Paths are the routes the handler answers (GET only).
var Paths = []string{"/is-valid", "/splits", "/info", "/size", "/parquet", "/first-rows", "/rows", "/search", "/filter", "/statistics"}

// maxPage is the most rows a page holds, as the viewer's.
const maxPage = viewer.MaxPageLength

var errUnsupported = errors.New("not supported")

// Handler answers the dataset viewer API. Create it with [New].
type Handler struct {
	src     Source
	baseURL func(*http.Request) string

	mu         sync.Mutex
	cache      map[string]*snapshotState
	order      []string
	maxEntries int
}

// New returns a handler serving the datasets of src; baseURL gives the
// Hub address that /parquet URLs point at (the request's own, usually).
func New(src Source, baseURL func(*http.Request) string) *Handler {
	return &Handler{src: src, baseURL: baseURL, cache: map[string]*snapshotState{}, maxEntries: 64}
}

// ServeHTTP routes one of [Paths].
func (s *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.fail(w, http.StatusMethodNotAllowed, "", "Method Not Allowed")
		return
	}
	q := r.URL.Query()
	id := q.Get("dataset")
	if id == "" {
		s.fail(w, http.StatusUnprocessableEntity, "MissingRequiredParameter", "Parameter 'dataset' is required")
		return
	}
	snap, err := s.src.Snapshot(r, id, "")
	if err != nil {
		s.sourceError(w, err)
		return
	}
	w.Header().Set("X-Revision", snap.Commit)
	st := s.state(r.Context(), snap, id)
	if err := s.export(r, st); err != nil {
		s.fail(w, http.StatusInternalServerError, "UnexpectedError", "converting the dataset to Parquet: "+err.Error())
		return
	}
	var v any
	switch r.URL.Path {
	case "/is-valid":
		v, err = s.isValid(r.Context(), st, q)
	case "/splits":
		v, err = s.splits(st, q)
	case "/info":
		v, err = s.info(r.Context(), st, q)
	case "/size":
		v, err = s.size(r.Context(), st, q)
	case "/parquet":
		v, err = s.parquet(r, st, q)
	case "/first-rows":
		v, err = s.firstRows(r.Context(), st, q)
	case "/rows", "/search", "/filter":
		v, err = s.page(r.Context(), st, q, r.URL.Path)
	case "/statistics":
		v, err = s.statistics(r.Context(), st, q)
	default:
		s.fail(w, http.StatusNotFound, "", "Not Found")
		return
	}
	if err != nil {
		s.answerError(w, err)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "UnexpectedError", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// paramError is a missing or invalid parameter (422).
type paramError struct {
	code, msg string
}

func (e *paramError) Error() string { return e.msg }

func missing(name string) error {
	return &paramError{"MissingRequiredParameter", fmt.Sprintf("Parameter '%s' is required", name)}
}

func invalid(format string, args ...any) error {
	return &paramError{"InvalidParameter", fmt.Sprintf(format, args...)}
}

func (s *Handler) fail(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if code != "" {
		h.Set("X-Error-Code", code)
	}
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Write(b)
}

func (s *Handler) sourceError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrUnauthenticated):
		s.fail(w, http.StatusUnauthorized, "ExternalUnauthenticatedError", "The dataset does not exist, or is not accessible without authentication (private or gated). Please check the spelling of the dataset name or retry with authentication.")
	case errors.Is(err, ErrNotFound):
		s.fail(w, http.StatusNotFound, "ResponseNotFound", "Not found.")
	default:
		s.fail(w, http.StatusInternalServerError, "UnexpectedError", err.Error())
	}
}

func (s *Handler) answerError(w http.ResponseWriter, err error) {
	var pe *paramError
	var re *rows.Error
	switch {
	case errors.As(err, &pe):
		s.fail(w, http.StatusUnprocessableEntity, pe.code, pe.msg)
	case dataset.IsNotFound(err), errors.Is(err, ErrNotFound), errors.Is(err, dataset.ErrNoDefaultConfig):
		s.fail(w, http.StatusNotFound, "ResponseNotFound", "Not found: "+err.Error())
	case errors.Is(err, errUnsupported), errors.Is(err, dataset.ErrNoSupportedFiles), errors.Is(err, dataset.ErrEmptyDataset):
		s.fail(w, http.StatusNotImplemented, "FeatureNotSupported", err.Error())
	case errors.As(err, &re), errors.Is(err, dataset.ErrInvalidMetadata):
		s.fail(w, http.StatusInternalServerError, "StreamingRowsError", "Cannot load the dataset split: "+err.Error())
	case errors.Is(err, context.Canceled):
		s.fail(w, 499, "", "request cancelled")
	default:
		s.fail(w, http.StatusInternalServerError, "UnexpectedError", err.Error())
	}
}

// splitParams reads config and split, both required.
func splitParams(q url.Values) (string, string, error) {
	c, sp := q.Get("config"), q.Get("split")
	if c == "" {
		return "", "", missing("config")
	}
	if sp == "" {
		return "", "", missing("split")
	}
	return c, sp, nil
}

// configs returns the configs asked for: one, or all.
func configsOf(st *snapshotState, q url.Values) ([]*dataset.Config, error) {
	if st.err != nil {
		return nil, st.err
	}
	if c := q.Get("config"); c != "" {
		cfg, err := st.layout.Config(c)
		if err != nil {
			return nil, err
		}
		return []*dataset.Config{cfg}, nil
	}
	return st.layout.Configs, nil
}

func (s *Handler) isValid(ctx context.Context, st *snapshotState, q url.Values) (any, error) {
	v := viewer.Validity{}
	cfgs, err := configsOf(st, q)
	if err != nil {
		if st.err != nil {
			return v, nil // a dataset the viewer cannot read: nothing works
		}
		return nil, err
	}
	ok := false
	for _, c := range cfgs {
		for _, sp := range c.Splits {
			if q.Get("split") != "" && sp.Name != q.Get("split") {
				continue
			}
			if ss, err := st.split(c.Name, sp.Name); err == nil && ss.format != "" {
				ok = true
			}
		}
	}
	if q.Get("split") != "" && !ok {
		if _, err := st.split(cfgs[0].Name, q.Get("split")); err != nil {
			return nil, err
		}
	}
	v = viewer.Validity{Viewer: ok, Preview: ok, Search: ok, Filter: ok, Statistics: ok}
	return v, nil
}

func (s *Handler) splits(st *snapshotState, q url.Values) (any, error) {
	cfgs, err := configsOf(st, q)
	if err != nil {
		return nil, err
	}
	out := viewer.Splits{Splits: []viewer.SplitName{}, Progress: viewer.Progress{Pending: []viewer.Failure{}, Failed: []viewer.Failure{}}}
	for _, c := range cfgs {
		for _, sp := range c.Splits {
			out.Splits = append(out.Splits, viewer.SplitName{Dataset: st.dataset, Config: c.Name, Split: sp.Name})
		}
	}
	return out, nil
}

// scanned returns a split's state after the full scan.
func (s *Handler) scanned(ctx context.Context, st *snapshotState, config, split string) (*splitState, error) {
	sp, err := st.split(config, split)
	if err != nil {
		return nil, err
	}
	if err := s.scan(ctx, st, sp); err != nil {
		return nil, err
	}
	return sp, nil
}

func (s *Handler) features(sp *splitState) []viewer.Feature {
	out := make([]viewer.Feature, len(sp.columns))
	for i, c := range sp.columns {
		out[i] = viewer.Feature{Index: i, Name: c, Type: sp.types[i].featureJSON()}
	}
	return out
}

func (s *Handler) configInfo(ctx context.Context, st *snapshotState, c *dataset.Config) (map[string]any, error) {
	splits := map[string]any{}
	var features map[string]any
	var total int64
	for _, sp := range c.Splits {
		ss, err := s.scanned(ctx, st, c.Name, sp.Name)
		if err != nil {
			return nil, err
		}
		if features == nil {
			features = map[string]any{}
			for i, col := range ss.columns {
				features[col] = ss.types[i].feature()
			}
		}
		splits[sp.Name] = map[string]any{"name": sp.Name, "num_bytes": ss.bytes(), "num_examples": ss.numRows, "dataset_name": datasetName(st.dataset)}
		total += ss.bytes()
	}
	return map[string]any{
		"description": "", "citation": "", "homepage": "", "license": "",
		"features": features, "builder_name": builderName(st.layout.Loader), "dataset_name": datasetName(st.dataset),
		"config_name": c.Name, "version": map[string]any{"version_str": "0.0.0", "major": 0, "minor": 0, "patch": 0},
		"splits": splits, "download_size": total, "dataset_size": total,
	}, nil
}

func datasetName(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[i+1:]
	}
	return id
}

func builderName(loader string) string {
	if loader == "" {
		return "parquet"
	}
	return loader
}

func (s *Handler) info(ctx context.Context, st *snapshotState, q url.Values) (any, error) {
	cfgs, err := configsOf(st, q)
	if err != nil {
		return nil, err
	}
	if q.Get("config") != "" {
		di, err := s.configInfo(ctx, st, cfgs[0])
		if err != nil {
			return nil, err
		}
		return map[string]any{"dataset_info": di, "partial": false}, nil
	}
	all := map[string]any{}
	for _, c := range cfgs {
		di, err := s.configInfo(ctx, st, c)
		if err != nil {
			return nil, err
		}
		all[c.Name] = di
	}
	return map[string]any{"dataset_info": all, "pending": []any{}, "failed": []any{}, "partial": false}, nil
}

func (s *Handler) size(ctx context.Context, st *snapshotState, q url.Values) (any, error) {
	cfgs, err := configsOf(st, q)
	if err != nil {
		return nil, err
	}
	var configs, splits []viewer.Size
	for _, c := range cfgs {
		cs := viewer.Size{Dataset: st.dataset, Config: c.Name}
		for _, sp := range c.Splits {
			ss, err := s.scanned(ctx, st, c.Name, sp.Name)
			if err != nil {
				return nil, err
			}
			b := ss.bytes()
			splits = append(splits, viewer.Size{Dataset: st.dataset, Config: c.Name, Split: sp.Name, NumBytesOriginalFiles: b,
				NumBytesParquetFiles: b, NumBytesMemory: b, NumRows: ss.numRows, NumColumns: len(ss.columns)})
			cs.NumBytesOriginalFiles += b
			cs.NumBytesParquetFiles += b
			cs.NumBytesMemory += b
			cs.NumRows += ss.numRows
			cs.NumColumns = max(cs.NumColumns, len(ss.columns))
		}
		configs = append(configs, cs)
	}
	if splits == nil {
		splits = []viewer.Size{}
	}
	if q.Get("config") != "" {
		return map[string]any{"size": map[string]any{"config": sizeJSON(configs[0], true), "splits": sizesJSON(splits)}, "partial": false}, nil
	}
	ds := viewer.Size{Dataset: st.dataset}
	for _, c := range configs {
		ds.NumBytesOriginalFiles += c.NumBytesOriginalFiles
		ds.NumBytesParquetFiles += c.NumBytesParquetFiles
		ds.NumBytesMemory += c.NumBytesMemory
		ds.NumRows += c.NumRows
	}
	return map[string]any{"size": map[string]any{"dataset": sizeJSON(ds, false), "configs": sizesJSON(configs), "splits": sizesJSON(splits)},
		"pending": []any{}, "failed": []any{}, "partial": false}, nil
}

// sizeJSON writes a size with the fields its level requires
// (num_columns is required of configs and splits, even when 0).
func sizeJSON(sz viewer.Size, columns bool) map[string]any {
	m := map[string]any{"dataset": sz.Dataset, "num_bytes_original_files": sz.NumBytesOriginalFiles,
		"num_bytes_parquet_files": sz.NumBytesParquetFiles, "num_bytes_memory": sz.NumBytesMemory,
		"num_rows": sz.NumRows, "estimated_num_rows": nil}
	if sz.Config != "" {
		m["config"] = sz.Config
		columns = true
	}
	if sz.Split != "" {
		m["split"] = sz.Split
	}
	if columns {
		m["num_columns"] = sz.NumColumns
	}
	return m
}

func sizesJSON(in []viewer.Size) []map[string]any {
	out := make([]map[string]any, len(in))
	for i, sz := range in {
		out[i] = sizeJSON(sz, true)
	}
	return out
}

func (s *Handler) parquet(r *http.Request, st *snapshotState, q url.Values) (any, error) {
	out := viewer.Parquet{ParquetFiles: []viewer.ParquetFile{}, Progress: viewer.Progress{Pending: []viewer.Failure{}, Failed: []viewer.Failure{}}}
	base := strings.TrimSuffix(s.baseURL(r), "/")
	conv, err := s.src.Snapshot(r, st.dataset, parquetRef)
	if err == nil {
		for _, f := range conv.Files {
			parts := strings.Split(f.Path, "/")
			if len(parts) != 3 || !strings.HasSuffix(f.Path, ".parquet") {
				continue
			}
			split, _ := strings.CutPrefix(parts[1], "partial-")
			if c := q.Get("config"); c != "" && parts[0] != c {
				continue
			}
			out.ParquetFiles = append(out.ParquetFiles, viewer.ParquetFile{Dataset: st.dataset, Config: parts[0], Split: split,
				URL: base + "/datasets/" + st.dataset + "/resolve/" + url.PathEscape(parquetRef) + "/" + escapePath(f.Path), Filename: parts[2], Size: f.Size})
		}
		if len(out.ParquetFiles) > 0 || q.Get("config") == "" {
			return out, nil
		}
	}
	// No export: list the data files that are Parquet already.
	cfgs, err := configsOf(st, q)
	if err != nil {
		return nil, err
	}
	for _, c := range cfgs {
		for _, sp := range c.Splits {
			ss, err := st.split(c.Name, sp.Name)
			if err != nil || ss.format != rows.Parquet {
				continue
			}
			for _, f := range ss.files {
				out.ParquetFiles = append(out.ParquetFiles, viewer.ParquetFile{Dataset: st.dataset, Config: c.Name, Split: sp.Name,
					URL: base + "/datasets/" + st.dataset + "/resolve/" + st.snap.Commit + "/" + escapePath(f), Filename: f[strings.LastIndex(f, "/")+1:], Size: ss.sizes[f]})
			}
		}
	}
	return out, nil
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, x := range parts {
		parts[i] = url.PathEscape(x)
	}
	return strings.Join(parts, "/")
}

// rowItem is one row of an answer.
func rowItem(idx int64, r rows.Row) (viewer.Row, error) {
	out := viewer.Row{Index: idx, Row: map[string]json.RawMessage{}, TruncatedCells: []string{}}
	for i, c := range r.Columns() {
		b, err := json.Marshal(rows.JSONValue(r.Value(i)))
		if err != nil {
			return out, err
		}
		out.Row[c] = b
	}
	return out, nil
}

// rowPage reads length rows of a split from offset.
func (s *Handler) rowPage(ctx context.Context, st *snapshotState, sp *splitState, offset int64, length int) ([]viewer.Row, error) {
	out := []viewer.Row{}
	i := offset
	for r, err := range rows.Take(s.read(ctx, st, sp, offset, nil), int64(length)) {
		if err != nil {
			return nil, err
		}
		item, err := rowItem(i, r)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
		i++
	}
	return out, nil
}

func (s *Handler) firstRows(ctx context.Context, st *snapshotState, q url.Values) (any, error) {
	config, split, err := splitParams(q)
	if err != nil {
		return nil, err
	}
	sp, err := s.scanned(ctx, st, config, split)
	if err != nil {
		return nil, err
	}
	out := viewer.Rows{Dataset: st.dataset, Config: sp.config, Split: split, Features: s.features(sp), Rows: []viewer.Row{}}
	if out.Rows, err = s.rowPage(ctx, st, sp, 0, maxPage); err != nil {
		return nil, err
	}
	return map[string]any{"dataset": out.Dataset, "config": out.Config, "split": out.Split, "features": out.Features, "rows": out.Rows, "truncated": sp.numRows > maxPage}, nil
}

func pageParams(q url.Values) (int64, int, error) {
	offset, length := int64(0), maxPage
	if v := q.Get("offset"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, invalid("Parameter 'offset' must be a non-negative integer")
		}
		offset = n
	}
	if v := q.Get("length"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, invalid("Parameter 'length' must be a non-negative integer")
		}
		if n > maxPage {
			return 0, 0, invalid("Parameter 'length' must not be greater than %d", maxPage)
		}
		length = n
	}
	return offset, length, nil
}

// page answers /rows, /search and /filter.
func (s *Handler) page(ctx context.Context, st *snapshotState, q url.Values, path string) (any, error) {
	config, split, err := splitParams(q)
	if err != nil {
		return nil, err
	}
	offset, length, err := pageParams(q)
	if err != nil {
		return nil, err
	}
	sp, err := s.scanned(ctx, st, config, split)
	if err != nil {
		return nil, err
	}
	out := viewer.Rows{Features: s.features(sp), Rows: []viewer.Row{}, NumRowsPerPage: maxPage}
	switch path {
	case "/rows":
		out.NumRowsTotal = sp.numRows
		if out.Rows, err = s.rowPage(ctx, st, sp, offset, length); err != nil {
			return nil, err
		}
	case "/search", "/filter":
		var match func(rows.Row) bool
		var order *orderBy
		if path == "/search" {
			query := q.Get("query")
			if query == "" {
				return nil, missing("query")
			}
			match = searchMatcher(query)
		} else {
			where := q.Get("where")
			if where == "" {
				return nil, missing("where")
			}
			c, err := parseWhere(where, sp.columns)
			if err != nil {
				return nil, invalid("Parameter 'where' is invalid: %v", err)
			}
			match = c.eval
			if ob := q.Get("orderby"); ob != "" {
				if order, err = parseOrderBy(ob, sp.columns); err != nil {
					return nil, invalid("Parameter 'orderby' is invalid: %v", err)
				}
			}
		}
		type hit struct {
			idx int64
			row rows.Row
		}
		var hits []hit
		var idx int64
		for r, err := range s.read(ctx, st, sp, 0, nil) {
			if err != nil {
				return nil, err
			}
			if match(r) {
				if order != nil || (int64(len(hits)) < offset+int64(length)) {
					hits = append(hits, hit{idx, r})
				}
				out.NumRowsTotal++
			}
			idx++
		}
		if order != nil {
			slices.SortStableFunc(hits, func(a, b hit) int {
				va, _ := a.row.Get(order.col)
				vb, _ := b.row.Get(order.col)
				switch {
				case lessCells(va, vb):
					if order.desc {
						return 1
					}
					return -1
				case lessCells(vb, va):
					if order.desc {
						return -1
					}
					return 1
				}
				return 0
			})
		}
		for i := offset; i < int64(len(hits)) && i < offset+int64(length); i++ {
			item, err := rowItem(hits[i].idx, hits[i].row)
			if err != nil {
				return nil, err
			}
			out.Rows = append(out.Rows, item)
		}
	}
	return map[string]any{"features": out.Features, "rows": out.Rows, "num_rows_total": out.NumRowsTotal, "num_rows_per_page": out.NumRowsPerPage, "partial": false}, nil
}

// searchMatcher matches rows with a string cell containing every word of
// query, case-insensitively (the viewer's full-text search over string
// columns).
func searchMatcher(query string) func(rows.Row) bool {
	words := strings.Fields(strings.ToLower(query))
	return func(r rows.Row) bool {
		var text strings.Builder
		for _, v := range r.Values() {
			if s, ok := v.(string); ok {
				text.WriteString(strings.ToLower(s))
				text.WriteByte('\n')
			}
		}
		t := text.String()
		for _, w := range words {
			if !strings.Contains(t, w) {
				return false
			}
		}
		return len(words) > 0
	}
}

func (s *Handler) statistics(ctx context.Context, st *snapshotState, q url.Values) (any, error) {
	config, split, err := splitParams(q)
	if err != nil {
		return nil, err
	}
	sp, err := s.scanned(ctx, st, config, split)
	if err != nil {
		return nil, err
	}
	stats := sp.stats
	if stats == nil {
		stats = []columnStats{}
	}
	return map[string]any{"num_examples": sp.numRows, "statistics": stats, "partial": false}, nil
}

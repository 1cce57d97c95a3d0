package hfhub

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"
)

// ErrNotSafetensors: the repository has neither model.safetensors nor
// model.safetensors.index.json at that revision.
var ErrNotSafetensors = errors.New("not a safetensors repository")

// ErrSafetensorsParsing: a safetensors header could not be read.
var ErrSafetensorsParsing = errors.New("invalid safetensors header")

// TensorInfo describes one tensor of a safetensors file.
type TensorInfo struct {
	DType       string   `json:"dtype"` // "F32", "BF16", "I64", ...
	Shape       []int64  `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"` // [begin, end) after the header
}

// ParameterCount is the number of values of the tensor (product of shape).
func (t TensorInfo) ParameterCount() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// SafetensorsFileMetadata is the parsed header of one safetensors file.
type SafetensorsFileMetadata struct {
	Metadata       map[string]string     // the "__metadata__" entry
	Tensors        map[string]TensorInfo // by tensor name
	ParameterCount map[string]int64      // per dtype
}

// SafetensorsRepoMetadata describes the safetensors weights of a repo.
type SafetensorsRepoMetadata struct {
	// Metadata is the index's "metadata" (sharded repos), else nil.
	Metadata map[string]any
	Sharded  bool
	// WeightMap maps each tensor to the file holding it.
	WeightMap map[string]string
	// FilesMetadata maps each safetensors file to its parsed header.
	FilesMetadata map[string]*SafetensorsFileMetadata
	// ParameterCount sums the parameters per dtype over all files.
	ParameterCount map[string]int64
}

// safetensorsFirstRead is how many bytes the first Range request asks for;
// most headers fit, so one request usually suffices.
const safetensorsFirstRead = 100_000

// SafetensorsMetadata reads the safetensors headers of a repo without
// downloading the weights: for model.safetensors one or two Range requests;
// for a sharded model the index file, then each shard's header (up to 8 at
// once). Errors: [ErrNotSafetensors], [ErrSafetensorsParsing], and those of
// [Client.FileMetadata].
func (c *Client) SafetensorsMetadata(ctx context.Context, id string, opts *RepoOptions) (*SafetensorsRepoMetadata, error) {
	rt, rev := opts.repoType(), opts.revision()
	single, err := c.hasFile(ctx, id, SafetensorsSingleFile, opts)
	if err != nil {
		return nil, err
	}
	if single {
		fm, err := c.SafetensorsFileMetadata(ctx, id, SafetensorsSingleFile, opts)
		if err != nil {
			return nil, err
		}
		wm := make(map[string]string, len(fm.Tensors))
		for name := range fm.Tensors {
			wm[name] = SafetensorsSingleFile
		}
		return &SafetensorsRepoMetadata{
			WeightMap:      wm,
			FilesMetadata:  map[string]*SafetensorsFileMetadata{SafetensorsSingleFile: fm},
			ParameterCount: fm.ParameterCount,
		}, nil
	}
	sharded, err := c.hasFile(ctx, id, SafetensorsIndexFile, opts)
	if err != nil {
		return nil, err
	}
	if !sharded {
		return nil, fmt.Errorf("%w: %s %s has neither %s nor %s at revision %q", ErrNotSafetensors, rt, id, SafetensorsSingleFile, SafetensorsIndexFile, revOrDefault(rev))
	}
	var index struct {
		Metadata  map[string]any    `json:"metadata"`
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := c.getFileJSON(ctx, rt, id, rev, SafetensorsIndexFile, &index); err != nil {
		return nil, err
	}
	files := map[string]bool{}
	for _, f := range index.WeightMap {
		files[f] = true
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)

	out := &SafetensorsRepoMetadata{
		Metadata:       index.Metadata,
		Sharded:        true,
		WeightMap:      index.WeightMap,
		FilesMetadata:  make(map[string]*SafetensorsFileMetadata, len(names)),
		ParameterCount: map[string]int64{},
	}
	var mu sync.Mutex // guards out.FilesMetadata
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, name := range names {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			fm, err := c.SafetensorsFileMetadata(gctx, id, name, opts)
			if err != nil {
				return err
			}
			mu.Lock()
			out.FilesMetadata[name] = fm
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, fm := range out.FilesMetadata {
		for dt, n := range fm.ParameterCount {
			out.ParameterCount[dt] += n
		}
	}
	return out, nil
}

// hasFile is like FileExists but only a missing file answers false: a
// missing repo or revision is an error.
func (c *Client) hasFile(ctx context.Context, id, filename string, opts *RepoOptions) (bool, error) {
	_, err := c.FileMetadata(ctx, id, filename, opts)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrEntryNotFound):
		return false, nil
	}
	return false, err
}

// getFileJSON downloads a small JSON file of a repo and decodes it.
func (c *Client) getFileJSON(ctx context.Context, rt RepoType, id, rev, filename string, out any) error {
	req, err := c.newRequest(ctx, http.MethodGet, c.resolveURL(rt, id, rev, filename), nil)
	if err != nil {
		return err
	}
	_, err = c.doJSON(req, out, nil)
	return err
}

// SafetensorsFileMetadata parses the header of one safetensors file of a
// repo with Range requests: the first 100 kB, and the rest of the header if
// it is longer (at most [SafetensorsMaxHeaderLength]).
func (c *Client) SafetensorsFileMetadata(ctx context.Context, id, filename string, opts *RepoOptions) (*SafetensorsFileMetadata, error) {
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	u := c.resolveURL(opts.repoType(), id, opts.revision(), filename)
	first, err := c.getRange(ctx, u, 0, safetensorsFirstRead-1)
	if err != nil {
		return nil, err
	}
	if len(first) < 8 {
		return nil, fmt.Errorf("%w: %s of %s is only %d bytes long", ErrSafetensorsParsing, filename, id, len(first))
	}
	n := binary.LittleEndian.Uint64(first[:8])
	if n > SafetensorsMaxHeaderLength {
		return nil, fmt.Errorf("%w: %s of %s declares a %d-byte header, more than the %d allowed", ErrSafetensorsParsing, filename, id, n, SafetensorsMaxHeaderLength)
	}
	var header []byte
	if 8+int(n) <= len(first) {
		header = first[8 : 8+n]
	} else {
		if header, err = c.getRange(ctx, u, 8, 8+int64(n)-1); err != nil {
			return nil, err
		}
		if len(header) != int(n) {
			return nil, fmt.Errorf("%w: %s of %s: header truncated (%d of %d bytes)", ErrSafetensorsParsing, filename, id, len(header), n)
		}
	}
	fm, err := parseSafetensorsHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%w: %s of %s: %v", ErrSafetensorsParsing, filename, id, err)
	}
	return fm, nil
}

// parseSafetensorsHeader decodes the JSON header of a safetensors file.
func parseSafetensorsHeader(header []byte) (*SafetensorsFileMetadata, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, err
	}
	fm := &SafetensorsFileMetadata{Tensors: map[string]TensorInfo{}, ParameterCount: map[string]int64{}}
	for name, v := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(v, &fm.Metadata); err != nil {
				return nil, fmt.Errorf("__metadata__: %v", err)
			}
			continue
		}
		var t TensorInfo
		if err := json.Unmarshal(v, &t); err != nil {
			return nil, fmt.Errorf("tensor %q: %v", name, err)
		}
		if t.DType == "" {
			return nil, fmt.Errorf("tensor %q has no dtype", name)
		}
		fm.Tensors[name] = t
		fm.ParameterCount[t.DType] += t.ParameterCount()
	}
	return fm, nil
}

// getRange returns bytes [from, to] of u (fewer if the file is shorter).
func (c *Client) getRange(ctx context.Context, u string, from, to int64) ([]byte, error) {
	body, err := c.rangeBody(ctx, u, from, to+1)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", sanitizeURL(u), err)
	}
	return b, nil
}

package hfhub

import (
	"context"
	"fmt"
	"strings"
)

// ParquetRevision is the git ref holding a dataset's parquet export, made
// by the dataset viewer: {config}/{split}/NNNN.parquet, or
// {config}/partial-{split}/NNNN.parquet when only part of a large split
// was converted.
const ParquetRevision = "refs/convert/parquet"

// ParquetFile is one file of a dataset's parquet export.
type ParquetFile struct {
	Config string `json:"config"`
	Split  string `json:"split"`
	// Path is the file's path on the ParquetRevision ref.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// Partial is true when the split was only partly converted.
	Partial bool `json:"partial"`
}

// ParquetOptions filters [Client.DatasetParquetFiles]. A nil pointer lists
// every config and split.
type ParquetOptions struct {
	// Config and Split, when set, keep only that config or split.
	Config, Split string
}

// DatasetParquetFiles lists the parquet export of a dataset (the
// refs/convert/parquet ref), sorted by config, split and path. A dataset
// without export is [ErrRevisionNotFound]. Hub API: GET
// /api/datasets/{id}/tree/refs%2Fconvert%2Fparquet?recursive=true.
func (c *Client) DatasetParquetFiles(ctx context.Context, id string, opts *ParquetOptions) ([]ParquetFile, error) {
	var o ParquetOptions
	if opts != nil {
		o = *opts
	}
	var out []ParquetFile
	for e, err := range c.ListRepoTree(ctx, id, &ListRepoTreeOptions{RepoType: RepoDataset, Revision: ParquetRevision, Recursive: true}) {
		if err != nil {
			return nil, err
		}
		if e.IsDir() || !strings.HasSuffix(e.Path, ".parquet") {
			continue
		}
		parts := strings.Split(e.Path, "/")
		if len(parts) != 3 {
			continue // not {config}/{split}/{file}
		}
		f := ParquetFile{Config: parts[0], Split: parts[1], Path: e.Path, Size: e.Size}
		if s, ok := strings.CutPrefix(f.Split, "partial-"); ok {
			f.Split, f.Partial = s, true
		}
		if (o.Config != "" && f.Config != o.Config) || (o.Split != "" && f.Split != o.Split) {
			continue
		}
		out = append(out, f)
	}
	if len(out) == 0 && (o.Config != "" || o.Split != "") {
		return nil, fmt.Errorf("%w: no parquet export for config %q split %q of %s", ErrEntryNotFound, o.Config, o.Split, id)
	}
	return out, nil
}

// DownloadParquetFile downloads one file of the parquet export into the
// cache (or opts.LocalDir) through [Client.Download] and returns its local
// path. opts.RepoType and opts.Revision are set for you.
func (c *Client) DownloadParquetFile(ctx context.Context, id string, f ParquetFile, opts *DownloadOptions) (string, error) {
	var o DownloadOptions
	if opts != nil {
		o = *opts
	}
	o.RepoType, o.Revision = RepoDataset, ParquetRevision
	return c.Download(ctx, id, f.Path, &o)
}

package viewer

import "encoding/json"

// Validity is the answer of /is-valid: which viewer features work.
type Validity struct {
	Viewer     bool `json:"viewer"`
	Preview    bool `json:"preview"`
	Search     bool `json:"search"`
	Filter     bool `json:"filter"`
	Statistics bool `json:"statistics"`
}

// SplitName identifies one split.
type SplitName struct {
	Dataset string `json:"dataset"`
	Config  string `json:"config"`
	Split   string `json:"split"`
}

// Failure is an entry of the pending or failed lists: a part of the
// response the viewer could not compute (yet).
type Failure struct {
	Kind    string          `json:"kind,omitempty"`
	Dataset string          `json:"dataset"`
	Config  string          `json:"config,omitempty"`
	Split   string          `json:"split,omitempty"`
	Error   json.RawMessage `json:"error,omitempty"`
}

// Progress is common to answers computed per config: what is still pending
// or failed, and whether the answer covers only part of the data.
type Progress struct {
	Pending []Failure `json:"pending"`
	Failed  []Failure `json:"failed"`
	Partial bool      `json:"partial"`
}

// Complete reports whether nothing is pending or failed and the answer is
// not partial (what the datasets library requires before using it).
func (p Progress) Complete() bool { return !p.Partial && len(p.Pending) == 0 && len(p.Failed) == 0 }

// Splits is the answer of /splits.
type Splits struct {
	Splits []SplitName `json:"splits"`
	Progress
}

// ParquetFile is one file of the parquet export (refs/convert/parquet).
type ParquetFile struct {
	Dataset  string `json:"dataset"`
	Config   string `json:"config"`
	Split    string `json:"split"`
	URL      string `json:"url"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
}

// Parquet is the answer of /parquet.
type Parquet struct {
	ParquetFiles []ParquetFile `json:"parquet_files"`
	// Features is the features schema, when the viewer gives it.
	Features json.RawMessage `json:"features,omitempty"`
	Progress
	// Revision is the X-Revision header: the dataset commit the answer
	// was computed from.
	Revision string `json:"-"`
}

// Version is a dataset version.
type Version struct {
	VersionStr string `json:"version_str"`
	Major      int    `json:"major"`
	Minor      int    `json:"minor"`
	Patch      int    `json:"patch"`
}

// SplitInfo is the size of one split in a DatasetInfo.
type SplitInfo struct {
	Name        string `json:"name"`
	NumBytes    int64  `json:"num_bytes"`
	NumExamples int64  `json:"num_examples"`
	DatasetName string `json:"dataset_name,omitempty"`
}

// DatasetInfo is the datasets library's DatasetInfo of one config.
type DatasetInfo struct {
	Description  string               `json:"description"`
	Citation     string               `json:"citation"`
	Homepage     string               `json:"homepage"`
	License      string               `json:"license"`
	Features     json.RawMessage      `json:"features,omitempty"`
	BuilderName  string               `json:"builder_name"`
	DatasetName  string               `json:"dataset_name"`
	ConfigName   string               `json:"config_name"`
	Version      Version              `json:"version"`
	Splits       map[string]SplitInfo `json:"splits"`
	DownloadSize int64                `json:"download_size"`
	DatasetSize  int64                `json:"dataset_size"`
}

// Info is the answer of /info. Configs holds one entry per config; with a
// config in the request, only that one.
type Info struct {
	Configs map[string]DatasetInfo
	Progress
	// Revision is the X-Revision header.
	Revision string
}

// Size counts bytes and rows of the dataset, a config or a split.
type Size struct {
	Dataset               string `json:"dataset"`
	Config                string `json:"config,omitempty"`
	Split                 string `json:"split,omitempty"`
	NumBytesOriginalFiles int64  `json:"num_bytes_original_files,omitempty"`
	NumBytesParquetFiles  int64  `json:"num_bytes_parquet_files"`
	NumBytesMemory        int64  `json:"num_bytes_memory"`
	NumRows               int64  `json:"num_rows"`
	NumColumns            int    `json:"num_columns,omitempty"`
	// EstimatedNumRows is set when NumRows covers only part of the data.
	EstimatedNumRows *int64 `json:"estimated_num_rows"`
}

// Sizes is the answer of /size. Dataset is set when no config was asked,
// Config when one was.
type Sizes struct {
	Dataset *Size  `json:"-"`
	Config  *Size  `json:"-"`
	Configs []Size `json:"-"`
	Splits  []Size `json:"-"`
	Progress
}

// Feature is one column of the rows answers.
type Feature struct {
	Index int    `json:"feature_idx"`
	Name  string `json:"name"`
	// Type is the datasets feature type, e.g. {"dtype":"string","_type":"Value"}.
	Type json.RawMessage `json:"type"`
}

// Row is one row: its index in the split and its cells by column.
type Row struct {
	Index int64                      `json:"row_idx"`
	Row   map[string]json.RawMessage `json:"row"`
	// TruncatedCells names cells whose value was cut to fit the response.
	TruncatedCells []string `json:"truncated_cells"`
}

// Rows is the answer of /first-rows, /rows, /search and /filter.
type Rows struct {
	// Dataset, Config and Split are set by /first-rows.
	Dataset  string    `json:"dataset,omitempty"`
	Config   string    `json:"config,omitempty"`
	Split    string    `json:"split,omitempty"`
	Features []Feature `json:"features"`
	Rows     []Row     `json:"rows"`
	// NumRowsTotal and NumRowsPerPage are set by the paged endpoints.
	NumRowsTotal   int64 `json:"num_rows_total"`
	NumRowsPerPage int   `json:"num_rows_per_page"`
	// Truncated is set by /first-rows when rows were dropped to fit.
	Truncated bool `json:"truncated"`
	Partial   bool `json:"partial"`
}

// ColumnStatistics is the statistics of one column, as /statistics gives
// them. Stats holds the item of its type (numerical: min, max, mean,
// median, std, histogram; categorical and bool: frequencies).
type ColumnStatistics struct {
	Name  string          `json:"column_name"`
	Type  string          `json:"column_type"`
	Stats json.RawMessage `json:"column_statistics"`
}

// Statistics is the answer of /statistics.
type Statistics struct {
	NumExamples int64              `json:"num_examples"`
	Statistics  []ColumnStatistics `json:"statistics"`
	Partial     bool               `json:"partial"`
}

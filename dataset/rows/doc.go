// Package rows reads the rows of dataset files natively: Parquet (through
// github.com/parquet-go/parquet-go), JSON Lines and JSON, CSV and TSV, and
// plain text, each optionally compressed with gzip, zstd, xz or bzip2
// (the compression and format come from the file name, as the datasets
// library's loaders choose them).
//
// Rows come as an iter.Seq2[Row, error]: a Row has typed accessors
// (String, Int, Float, Bool), an ordered JSON form, and Decode into a
// struct by `row:"name"` (or `json:"name"`) field tags.
//
// Parquet is read in place through an io.ReaderAt, such as the
// hfhub.RemoteFile of a file on the Hub: the footer first, then only the
// row groups and column chunks asked for (Options.Columns,
// Options.RowGroups, Options.Offset); Options.Prefetch reads each chunk
// with one ranged read. Memory is bounded by one row group's projected
// columns, whatever the file's size. Nested columns (lists, structs, maps,
// any depth) are rebuilt from their definition and repetition levels.
//
// Malformed data ends the stream with an *Error naming the file, the row
// (and line, for text formats) and, where known, the column; with
// Options.SkipBad, bad rows of line-based formats are skipped and counted
// instead.
//
// Take, Skip and Shuffle (a seeded buffer shuffle, as the datasets
// library's IterableDataset.shuffle) compose over any row sequence.
package rows

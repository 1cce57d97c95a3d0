package dataset

import (
	"errors"
	"testing"
)

// TestResolveFolderMetadata pins where metadata.csv, metadata.jsonl and
// metadata.parquet end up. Since datasets 3.4 (the "faster folder based
// builder" change, which removed METADATA_PATTERNS and
// get_metadata_patterns) a metadata file is data of a split only when that
// split's patterns match it: the files are filtered by the loader's
// extensions plus its metadata file names, and nothing is appended
// repository-wide. A metadata file at the root of a train/ + test/ layout
// therefore belongs to no split, and loaders that are not folder-based
// drop metadata files whose extension they do not read.
func TestResolveFolderMetadata(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		card  string
		want  string
	}{
		{"images in split folders, metadata.csv per folder and at the root",
			[]string{"README.md", "metadata.csv", "train/metadata.csv", "train/b.png", "train/a.png", "test/metadata.csv", "test/c.png"},
			"",
			"default=default loader=imagefolder\ndefault: train=[train/a.png,train/b.png,train/metadata.csv] test=[test/c.png,test/metadata.csv]"},
		{"images in split folders, metadata.csv only at the root",
			[]string{"metadata.csv", "train/a.jpg", "test/b.jpg"},
			"",
			"default=default loader=imagefolder\ndefault: train=[train/a.jpg] test=[test/b.jpg]"},
		{"metadata.jsonl in nested class folders of each split",
			[]string{"data/train/cat/1.jpg", "data/train/cat/metadata.jsonl", "data/train/dog/2.jpg", "data/validation/metadata.jsonl", "data/validation/3.jpg"},
			"",
			"default=default loader=imagefolder\ndefault: train=[data/train/cat/1.jpg,data/train/cat/metadata.jsonl,data/train/dog/2.jpg] validation=[data/validation/3.jpg,data/validation/metadata.jsonl]"},
		{"everything is train: metadata files at every level are kept",
			[]string{"metadata.jsonl", "imgs/1.png", "imgs/metadata.jsonl", "imgs/sub/2.png", "notes.txt"},
			"",
			"default=default loader=imagefolder\ndefault: train=[imgs/1.png,imgs/metadata.jsonl,imgs/sub/2.png,metadata.jsonl]"},
		// The file-name filter is ".*[/]?(metadata.csv|...)$", so any name
		// ending in metadata.csv is kept, as in the datasets library.
		{"metadata in split-keyword file names",
			[]string{"train_metadata.csv", "train_1.png", "train_2.png", "test_1.png", "metadata.csv"},
			"",
			"default=default loader=imagefolder\ndefault: train=[train_1.png,train_2.png,train_metadata.csv] test=[test_1.png]"},
		{"audio with metadata.jsonl",
			[]string{"train/a.wav", "train/metadata.jsonl", "test/b.wav", "test/metadata.jsonl"},
			"",
			"default=default loader=audiofolder\ndefault: train=[train/a.wav,train/metadata.jsonl] test=[test/b.wav,test/metadata.jsonl]"},
		{"pdf with metadata.parquet",
			[]string{"docs/x.pdf", "docs/y.pdf", "docs/metadata.parquet"},
			"",
			"default=default loader=pdffolder\ndefault: train=[docs/metadata.parquet,docs/x.pdf,docs/y.pdf]"},
		{"metadata files never pick the loader",
			[]string{"train/1.jpg", "train/metadata.csv", "train/metadata.jsonl"},
			"",
			"default=default loader=imagefolder\ndefault: train=[train/1.jpg,train/metadata.csv,train/metadata.jsonl]"},
		{"csv dataset: metadata.jsonl and metadata.parquet are not data",
			[]string{"a.csv", "b.csv", "metadata.jsonl", "sub/metadata.parquet"},
			"",
			"default=default loader=csv\ndefault: train=[a.csv,b.csv]"},
		{"csv dataset in split folders: metadata.jsonl is not data",
			[]string{"metadata.jsonl", "train/a.csv", "train/metadata.jsonl", "test/b.csv"},
			"",
			"default=default loader=csv\ndefault: train=[train/a.csv] test=[test/b.csv]"},
		{"json dataset: metadata.csv is not data",
			[]string{"train/a.jsonl", "train/metadata.csv", "test/b.jsonl", "metadata.csv"},
			"",
			"default=default loader=json\ndefault: train=[train/a.jsonl] test=[test/b.jsonl]"},
		{"csv dataset: a metadata.csv is an ordinary csv file",
			[]string{"a.csv", "metadata.csv"},
			"",
			"default=default loader=csv\ndefault: train=[a.csv,metadata.csv]"},
		{"card data_dir: only metadata files under it and matched by its splits",
			[]string{"README.md", "metadata.csv", "imgs/metadata.csv", "imgs/train/1.png", "imgs/train/metadata.csv", "imgs/test/2.png"},
			"configs:\n- config_name: default\n  data_dir: imgs",
			"default=default loader=imagefolder\ndefault: train=[imgs/train/1.png,imgs/train/metadata.csv] test=[imgs/test/2.png]"},
		{"card data_files: metadata files only when listed",
			[]string{"README.md", "imgs/metadata.csv", "imgs/1.png", "imgs/2.png"},
			"configs:\n- config_name: default\n  data_files: imgs/*.png",
			"default=default loader=imagefolder\ndefault: train=[imgs/1.png,imgs/2.png]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Resolve(Input{Files: tt.files, Card: parseCard(t, tt.card)})
			if err != nil {
				t.Fatalf("Resolve() error = %v", err)
			}
			if got := summary(l); got != tt.want {
				t.Errorf("Resolve() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestResolveMetadataNameCounts checks that only the exact names
// metadata.csv, metadata.jsonl and metadata.parquet rank below data files
// when the loader is chosen: train_metadata.csv counts as a csv file, so
// its split disagrees with an image-only split, as in the datasets library.
func TestResolveMetadataNameCounts(t *testing.T) {
	_, err := Resolve(Input{Files: []string{"train_metadata.csv", "train_1.png", "test_1.png"}})
	if !errors.Is(err, ErrInvalidMetadata) {
		t.Fatalf("Resolve() error = %v, want ErrInvalidMetadata", err)
	}
	l, err := Resolve(Input{Files: []string{"train/metadata.csv", "train/1.png", "test/1.png"}})
	if err != nil {
		t.Fatalf("Resolve() with train/metadata.csv: %v", err)
	}
	if l.Loader != "imagefolder" {
		t.Errorf("Loader = %q, want imagefolder", l.Loader)
	}
}

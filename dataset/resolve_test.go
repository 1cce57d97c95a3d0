package dataset

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/card"
)

// summary renders a layout compactly for comparison.
func summary(l *Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "default=%s loader=%s", l.Default, l.Loader)
	for k, v := range l.LoaderArgs {
		fmt.Fprintf(&b, " %s=%q", k, v)
	}
	for _, c := range l.Configs {
		fmt.Fprintf(&b, "\n%s:", c.Name)
		if c.Err != nil {
			fmt.Fprintf(&b, " error")
			continue
		}
		for _, s := range c.Splits {
			fmt.Fprintf(&b, " %s=[%s]", s.Name, strings.Join(s.Files, ","))
			if s.NumExamples >= 0 {
				fmt.Fprintf(&b, "#%d", s.NumExamples)
			}
		}
	}
	return b.String()
}

func parseCard(t *testing.T, front string) *card.DatasetData {
	t.Helper()
	if front == "" {
		return nil
	}
	c, err := card.ParseDataset([]byte("---\n" + front + "\n---\n"))
	if err != nil {
		t.Fatalf("card: %v", err)
	}
	return &c.Data
}

func TestResolveInferred(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{"one csv at the root", []string{"README.md", ".gitattributes", "data.csv"},
			"default=default loader=csv\ndefault: train=[data.csv]"},
		{"split names as file names", []string{"README.md", "train.csv", "test.csv"},
			"default=default loader=csv\ndefault: train=[train.csv] test=[test.csv]"},
		{"train, validation and test in a folder", []string{"data/test.csv", "data/validation.csv", "data/train.csv"},
			"default=default loader=csv\ndefault: train=[data/train.csv] validation=[data/validation.csv] test=[data/test.csv]"},
		{"sharded parquet with a custom split", []string{
			"data/train-00001-of-00002.parquet", "data/train-00000-of-00002.parquet",
			"data/test-00000-of-00001.parquet", "data/random-00000-of-00001.parquet", "README.md"},
			"default=default loader=parquet\ndefault: train=[data/train-00000-of-00002.parquet,data/train-00001-of-00002.parquet] test=[data/test-00000-of-00001.parquet] random=[data/random-00000-of-00001.parquet]"},
		{"split folders with dev", []string{"train/b.jsonl", "train/a.jsonl", "dev/x.jsonl", "test/y.jsonl"},
			"default=default loader=json\ndefault: train=[train/a.jsonl,train/b.jsonl] validation=[dev/x.jsonl] test=[test/y.jsonl]"},
		{"keyword must be delimited", []string{"my_train_file.csv", "testfile.csv"},
			"default=default loader=csv\ndefault: train=[my_train_file.csv]"},
		{"keyword followed by a digit", []string{"train1.csv", "train2.csv", "val1.csv"},
			"default=default loader=csv\ndefault: train=[train1.csv,train2.csv] validation=[val1.csv]"},
		{"nested split folders", []string{"data/en/train/part-0.parquet", "data/en/test/part-0.parquet", "data/fr/train/part-0.parquet"},
			"default=default loader=parquet\ndefault: train=[data/en/train/part-0.parquet,data/fr/train/part-0.parquet] test=[data/en/test/part-0.parquet]"},
		{"eval and evaluation mean test", []string{"training/a.csv", "eval/b.csv", "evaluation-set/c.csv"},
			"default=default loader=csv\ndefault: train=[training/a.csv] test=[eval/b.csv,evaluation-set/c.csv]"},
		{"directory keyword wins over file names", []string{"train/test.csv", "train/x.csv"},
			"default=default loader=csv\ndefault: train=[train/test.csv,train/x.csv]"},
		{"eval logs", []string{"logs/run1.eval", "logs/run2.eval"},
			"default=default loader=eval\ndefault: logs=[logs/run1.eval,logs/run2.eval]"},
		{"hidden and special directories are skipped", []string{".github/x.csv", "__pycache__/y.csv", "a/.hidden.csv", "data.csv"},
			"default=default loader=csv\ndefault: train=[data.csv]"},
		{"text files", []string{"corpus/a.txt", "corpus/b.txt"},
			"default=default loader=text\ndefault: train=[corpus/a.txt,corpus/b.txt]"},
		{"save_to_disk layout keeps only arrow", []string{"train/data-00000-of-00001.arrow", "train/state.json", "train/dataset_info.json"},
			"default=default loader=arrow\ndefault: train=[train/data-00000-of-00001.arrow]"},
		{"tsv sets the separator", []string{"train.tsv", "test.tsv"},
			"default=default loader=csv sep=\"\\t\"\ndefault: train=[train.tsv] test=[test.tsv]"},
		{"compressed csv", []string{"data/train.csv.gz", "data/test.csv.gz"},
			"default=default loader=csv\ndefault: train=[data/train.csv.gz] test=[data/test.csv.gz]"},
		{"image folder with metadata", []string{"train/cat/1.jpg", "train/dog/2.png", "train/metadata.csv", "notes.md"},
			"default=default loader=imagefolder\ndefault: train=[train/cat/1.jpg,train/dog/2.png,train/metadata.csv]"},
		{"most common extension wins and others are dropped", []string{"a.jsonl", "b.jsonl", "c.csv"},
			"default=default loader=json\ndefault: train=[a.jsonl,b.jsonl]"},
		{"parquet wins a tie", []string{"a.csv", "b.parquet"},
			"default=default loader=parquet\ndefault: train=[b.parquet]"},
		{"stray non-data files are not data", []string{"train.csv", "notes.md", "LICENSE"},
			"default=default loader=csv\ndefault: train=[train.csv]"},
		{"webdataset shards", []string{"train/shard-000.tar", "validation/shard-000.tar"},
			"default=default loader=webdataset\ndefault: train=[train/shard-000.tar] validation=[validation/shard-000.tar]"},
		{"zip archives", []string{"train.zip", "test.zip"},
			"default=default loader=\ndefault: train=[train.zip] test=[test.zip]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Resolve(Input{Files: tt.files})
			if err != nil {
				t.Fatalf("Resolve() error = %v", err)
			}
			if got := summary(l); got != tt.want {
				t.Errorf("Resolve() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestResolveCardConfigs(t *testing.T) {
	files := []string{
		"README.md", "data/a.csv", "data/b.csv", "data/en/train.csv", "data/en/test.csv",
		"data/fr/train.csv", "data/fr/test.csv", "sub/train.jsonl", "sub/test.jsonl", "sub/notes.md",
	}
	tests := []struct {
		name string
		card string
		want string
	}{
		{"data_files as a string", "configs:\n- config_name: default\n  data_files: data/*.csv",
			"default=default loader=csv\ndefault: train=[data/a.csv,data/b.csv]"},
		{"data_files as a list", "configs:\n- config_name: default\n  data_files:\n  - data/a.csv\n  - data/en/*.csv",
			"default=default loader=csv\ndefault: train=[data/a.csv,data/en/test.csv,data/en/train.csv]"},
		{"per-split data_files and several configs", `configs:
- config_name: en
  data_files:
  - split: train
    path: data/en/train.csv
  - split: test
    path: [data/en/test.csv]
- config_name: fr
  default: true
  data_files:
  - split: train
    path: data/fr/train.*
  - split: test
    path: data/fr/test.*`,
			"default=fr loader=csv\nen: train=[data/en/train.csv] test=[data/en/test.csv]\nfr: train=[data/fr/train.csv] test=[data/fr/test.csv]"},
		{"a config named default is the default", "configs:\n- config_name: x\n  data_files: data/a.csv\n- config_name: default\n  data_files: data/b.csv",
			"default=default loader=csv\nx: train=[data/a.csv]\ndefault: train=[data/b.csv]"},
		{"no default among several configs", "configs:\n- config_name: x\n  data_files: data/a.csv\n- config_name: y\n  data_files: data/b.csv",
			"default= loader=csv\nx: train=[data/a.csv]\ny: train=[data/b.csv]"},
		{"data_dir without data_files infers under it", "configs:\n- config_name: all\n  data_files: data/*.csv\n- config_name: sub\n  data_dir: sub",
			"default= loader=csv\nall: train=[data/a.csv,data/b.csv]\nsub: train=[sub/train.jsonl] test=[sub/test.jsonl]"},
		{"data_files are relative to data_dir", "configs:\n- config_name: all\n  data_files: data/a.csv\n- config_name: en\n  data_dir: data/en\n  data_files:\n  - split: train\n    path: train.csv",
			"default= loader=csv\nall: train=[data/a.csv]\nen: train=[data/en/train.csv]"},
		{"a missing file breaks only its config", "configs:\n- config_name: ok\n  data_files: data/a.csv\n- config_name: broken\n  data_files: data/missing.csv",
			"default= loader=csv\nok: train=[data/a.csv]\nbroken: error"},
		{"a glob matching nothing is an empty split", "configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/*.csv\n  - split: test\n    path: nothing/*.csv",
			"default=default loader=\ndefault: train=[data/a.csv,data/b.csv] test=[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Resolve(Input{Files: files, Card: parseCard(t, tt.card)})
			if tt.name == "a glob matching nothing is an empty split" {
				// The datasets library cannot infer one format for a split
				// with no files.
				if !errors.Is(err, ErrInvalidMetadata) {
					t.Fatalf("Resolve() error = %v, want ErrInvalidMetadata", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve() error = %v", err)
			}
			if got := summary(l); got != tt.want {
				t.Errorf("Resolve() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	files := []string{"README.md", "train.csv", "test.json", "data/a.csv"}
	tests := []struct {
		name  string
		files []string
		card  string
		want  error
	}{
		{"splits in different formats", files, "", ErrInvalidMetadata},
		{"no files at all", []string{"README.md", ".gitattributes"}, "", ErrEmptyDataset},
		{"no supported files", []string{"README.md", "notes.md"}, "", ErrNoSupportedFiles},
		{"dash in a split name", files, "configs:\n- config_name: a\n  data_files:\n  - split: my-split\n    path: data/*", ErrInvalidMetadata},
		{"duplicated split", files, "configs:\n- config_name: a\n  data_files:\n  - split: train\n    path: a\n  - split: train\n    path: b", ErrInvalidMetadata},
		{"two defaults", files, "configs:\n- config_name: a\n  default: true\n  data_files: data/*\n- config_name: default\n  data_files: data/*", ErrInvalidMetadata},
		{"data_files as a mapping", files, "configs:\n- config_name: a\n  data_files: {train: data/*}", ErrInvalidMetadata},
		{"missing config_name", files, "configs:\n- data_files: data/*", ErrInvalidMetadata},
		{"configs not a list", files, "configs: {a: b}", ErrInvalidMetadata},
		{"** inside a component", files, "configs:\n- config_name: a\n  data_files: data/**.csv", ErrInvalidMetadata},
		// The datasets library infers the format from the first config's
		// data_files resolved at the root, ignoring its data_dir.
		{"first config with data_dir and relative data_files", files, "configs:\n- config_name: a\n  data_dir: data\n  data_files: a.csv", ErrFileNotFound},
		{"first config names a missing file", files, "configs:\n- config_name: a\n  data_files: nope.csv", ErrFileNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(Input{Files: tt.files, Card: parseCard(t, tt.card)})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Resolve() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestResolveDatasetInfos(t *testing.T) {
	files := []string{"README.md", "dataset_infos.json", "train.csv", "test.csv"}
	legacy := []byte(`{"user--tiny": {"description": "", "splits": {"test": {"name": "test", "num_bytes": 10, "num_examples": 2, "dataset_name": "tiny"}, "train": {"name": "train", "num_bytes": 50, "num_examples": 9}}}}`)
	l, err := Resolve(Input{Files: files, DatasetInfos: legacy})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(l), "default=default loader=csv\ndefault: test=[test.csv]#2 train=[train.csv]#9"; got != want {
		t.Errorf("with dataset_infos.json:\n%s\nwant\n%s", got, want)
	}
	// The card's dataset_info overrides the legacy file.
	c := parseCard(t, "dataset_info:\n  splits:\n  - name: train\n    num_examples: 100\n  - name: test\n    num_examples: 20")
	l, err = Resolve(Input{Files: files, DatasetInfos: legacy, Card: c})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(l), "default=default loader=csv\ndefault: train=[train.csv]#100 test=[test.csv]#20"; got != want {
		t.Errorf("with card dataset_info:\n%s\nwant\n%s", got, want)
	}
	if _, err := Resolve(Input{Files: files, DatasetInfos: []byte("[1,2]")}); err == nil {
		t.Error("bad dataset_infos.json: error = nil")
	}
}

func TestResolveRepoYAML(t *testing.T) {
	files := []string{"a.csv", "b.csv"}
	c := parseCard(t, "configs:\n- config_name: fromcard\n  data_files: a.csv")
	l, err := Resolve(Input{Files: files, Card: c, RepoYAML: []byte("configs:\n- config_name: fromyaml\n  data_files: b.csv\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(l), "default=fromyaml loader=csv\nfromyaml: train=[b.csv]"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLayoutAccessors(t *testing.T) {
	l, err := Resolve(Input{Files: []string{"a.csv", "b.csv"}, Card: parseCard(t, "configs:\n- config_name: x\n  data_files: a.csv\n- config_name: y\n  data_files: nope.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.ConfigNames(), ","); got != "x,y" {
		t.Errorf("ConfigNames() = %s", got)
	}
	if _, err := l.Config(""); !errors.Is(err, ErrNoDefaultConfig) {
		t.Errorf("Config(\"\") error = %v, want ErrNoDefaultConfig", err)
	}
	if _, err := l.Config("z"); !errors.Is(err, ErrConfigNotFound) || !IsNotFound(err) {
		t.Errorf("Config(z) error = %v, want ErrConfigNotFound", err)
	}
	if _, err := l.Splits("y"); !errors.Is(err, ErrFileNotFound) {
		t.Errorf("Splits(y) error = %v, want ErrFileNotFound", err)
	}
	files, err := l.Files("x", "train")
	if err != nil || strings.Join(files, ",") != "a.csv" {
		t.Errorf("Files(x, train) = %v, %v", files, err)
	}
	if _, err := l.Files("x", "test"); !errors.Is(err, ErrSplitNotFound) {
		t.Errorf("Files(x, test) error = %v, want ErrSplitNotFound", err)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*", "a.csv", true},
		{"*", "d/a.csv", false},
		{"**", "d/e/a.csv", true},
		{"**/a.csv", "a.csv", true},
		{"**/a.csv", "d/e/a.csv", true},
		{"data/*", "data/x", true},
		{"data/*", "data/x/y", false},
		{"data/**", "data/x/y", true},
		{"*.csv", ".csv", true},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"[!a]b", "cb", true},
		{"[!a]b", "ab", false},
		{"x[-._ 0-9]*", "x-1", true},
		{"x[-._ 0-9]*", "xa", false},
		{"a[b", "a[b", true},
		{"a.b", "axb", false},
		{"(x)+", "(x)+", true},
	}
	for _, tt := range tests {
		re, err := globRegexp(tt.pattern)
		if err != nil {
			t.Fatalf("globRegexp(%q): %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.path); got != tt.want {
			t.Errorf("glob %q matches %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

package card

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseModel(t *testing.T) {
	in := readFile(t, "testdata/model_README.md")
	c, err := ParseModel(in)
	if err != nil {
		t.Fatal(err)
	}
	d := c.Data
	if got, want := d.Language, (StringList{"en", "fr"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Language = %v, want %v", got, want)
	}
	if d.License != "apache-2.0" || d.LibraryName != "transformers" || d.PipelineTag != "text-classification" {
		t.Errorf("License, LibraryName, PipelineTag = %q, %q, %q", d.License, d.LibraryName, d.PipelineTag)
	}
	if got, want := d.BaseModel, (StringList{"distilbert/distilbert-base-uncased"}); !reflect.DeepEqual(got, want) {
		t.Errorf("BaseModel = %v, want %v", got, want)
	}
	if got, want := d.Datasets, (StringList{"stanfordnlp/imdb"}); !reflect.DeepEqual(got, want) {
		t.Errorf("Datasets = %v, want %v", got, want)
	}
	if _, ok := d.Extra["widget"]; !ok {
		t.Errorf("unknown key widget not kept: Extra = %v", d.Extra)
	}
	if got := d.Extra["co2_eq_emissions"]; got != 12.5 {
		t.Errorf("Extra[co2_eq_emissions] = %v, want 12.5", got)
	}
	res := d.EvalResults()
	if len(res) != 1 {
		t.Fatalf("EvalResults() = %d results, want 1", len(res))
	}
	want := EvalResult{
		ModelName: "distilbert-imdb", TaskType: "text-classification", TaskName: "Text Classification",
		DatasetType: "stanfordnlp/imdb", DatasetName: "imdb", DatasetConfig: "plain_text", DatasetSplit: "test",
		DatasetArgs: "plain_text", MetricType: "accuracy", MetricValue: 0.9316, MetricName: "Accuracy",
		SourceName: "Open LLM Leaderboard", SourceURL: "https://huggingface.co/spaces/open-llm-leaderboard",
	}
	if !reflect.DeepEqual(res[0], want) {
		t.Errorf("EvalResults()[0] = %+v\nwant %+v", res[0], want)
	}
	if !strings.HasPrefix(c.Body, "\n# distilbert-imdb") {
		t.Errorf("Body = %q", c.Body)
	}
	if len(d.Problems) != 0 {
		t.Errorf("Problems = %v", d.Problems)
	}
}

func TestParseDataset(t *testing.T) {
	c, err := ParseDataset(readFile(t, "testdata/dataset_README.md"))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Data
	if d.PrettyName != "Tiny Reviews" || !reflect.DeepEqual(d.License, StringList{"cc-by-4.0"}) {
		t.Errorf("PrettyName, License = %q, %v", d.PrettyName, d.License)
	}
	if len(d.Configs) != 3 {
		t.Fatalf("Configs = %d, want 3", len(d.Configs))
	}
	def := d.Configs[0]
	wantDF := &DataFiles{Form: DataFilesSplits, Splits: []SplitFiles{
		{Split: "train", Paths: []string{"data/train-*"}, Scalar: true},
		{Split: "test", Paths: []string{"data/test/part1/*", "data/test/part2/*"}},
	}}
	if def.Name != "default" || !def.Default || !reflect.DeepEqual(def.DataFiles, wantDF) {
		t.Errorf("Configs[0] = %+v, data files %+v", def, def.DataFiles)
	}
	raw := d.Configs[1]
	if raw.Name != "raw" || raw.DataFiles.Form != DataFilesString || raw.Extra["sep"] != ";" {
		t.Errorf("Configs[1] = %+v", raw)
	}
	if ex := d.Configs[2]; ex.DataDir != "extra" || ex.DataFiles != nil {
		t.Errorf("Configs[2] = %+v", ex)
	}
	info, ok := d.DatasetInfo.ByConfig("default")
	if !ok || len(info.Splits) != 2 || info.Splits[0].Name != "train" || info.Splits[0].NumExamples != 10 || info.DatasetSize != 1200 {
		t.Errorf("DatasetInfo.ByConfig(default) = %+v, %v", info, ok)
	}
	if d.Extra["viewer"] != true {
		t.Errorf("Extra[viewer] = %v", d.Extra["viewer"])
	}
}

func TestRenderUnchangedIsIdentical(t *testing.T) {
	inputs := map[string][]byte{
		"model":        readFile(t, "testdata/model_README.md"),
		"dataset":      readFile(t, "testdata/dataset_README.md"),
		"no metadata":  []byte("# Title\n\nbody\n"),
		"empty front":  []byte("---\n---\nbody"),
		"crlf":         []byte("---\r\nlicense: mit\r\n---\r\nbody\r\n"),
		"comments":     []byte("---\n# a comment\nlicense: mit # trailing\n---\n"),
		"weird shapes": []byte("---\nlicense: [mit, apache-2.0]\ntags: {a: b}\n---\nx"),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			mc, err := ParseModel(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := mc.Render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, in) {
				t.Errorf("ModelCard.Render() =\n%s\nwant\n%s", out, in)
			}
			dc, err := ParseDataset(in)
			if err != nil {
				t.Fatal(err)
			}
			if out, _ := dc.Render(); !bytes.Equal(out, in) {
				t.Errorf("DatasetCard.Render() =\n%s\nwant\n%s", out, in)
			}
		})
	}
}

func TestRenderModifiedRoundTrips(t *testing.T) {
	for _, p := range []string{"testdata/model_README.md", "testdata/dataset_README.md"} {
		t.Run(p, func(t *testing.T) {
			in := readFile(t, p)
			mc, err := ParseModel(in)
			if err != nil {
				t.Fatal(err)
			}
			mc.Data.Tags = append(mc.Data.Tags, "go")
			out1, err := mc.Render()
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseModel(out1)
			if err != nil {
				t.Fatalf("parsing rendered card: %v\n%s", err, out1)
			}
			if !reflect.DeepEqual(cleanModel(again.Data), cleanModel(mc.Data)) {
				t.Errorf("round trip changed the data:\n got %+v\nwant %+v", again.Data, mc.Data)
			}
			if again.Body != mc.Body {
				t.Errorf("Body = %q, want %q", again.Body, mc.Body)
			}
			again.Data.Tags = append(again.Data.Tags[:0:0], again.Data.Tags...) // force re-encoding
			again.snapshot = nil
			out2, err := again.Render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out1, out2) {
				t.Errorf("Render is not stable:\n%s\n---- vs ----\n%s", out1, out2)
			}
			dc, err := ParseDataset(in)
			if err != nil {
				t.Fatal(err)
			}
			dc.Data.PrettyName = "Changed"
			dout, err := dc.Render()
			if err != nil {
				t.Fatal(err)
			}
			dagain, err := ParseDataset(dout)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cleanDataset(dagain.Data), cleanDataset(dc.Data)) {
				t.Errorf("dataset round trip changed the data:\n got %+v\nwant %+v", dagain.Data, dc.Data)
			}
		})
	}
}

// cleanModel drops unexported bookkeeping so DeepEqual compares content.
func cleanModel(d ModelData) ModelData {
	d.order = nil
	for i := range d.ModelIndex {
		d.ModelIndex[i].order = nil
	}
	return d
}

func cleanDataset(d DatasetData) DatasetData {
	d.order = nil
	for i := range d.Configs {
		d.Configs[i].order = nil
	}
	for i := range d.DatasetInfo.Infos {
		d.DatasetInfo.Infos[i].order = nil
	}
	return d
}

func TestNewCardRender(t *testing.T) {
	c := &DatasetCard{Body: "# Hello\n"}
	c.Data.License = StringList{"mit"}
	c.Data.Configs = []Config{{Name: "default", DataFiles: &DataFiles{Form: DataFilesSplits, Splits: []SplitFiles{
		{Split: "train", Paths: []string{"train/*.csv"}, Scalar: true},
		{Split: "test", Paths: []string{"test/a.csv", "test/b.csv"}},
	}}}}
	out, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	want := `---
license:
  - mit
configs:
  - config_name: default
    data_files:
      - split: train
        path: train/*.csv
      - split: test
        path:
          - test/a.csv
          - test/b.csv
---
# Hello
`
	if string(out) != want {
		t.Errorf("Render() =\n%s\nwant\n%s", out, want)
	}
	if out, _ := (&ModelCard{Body: "just text"}).Render(); string(out) != "just text" {
		t.Errorf("Render() of a card without metadata = %q", out)
	}
}

func TestProblemsKeepValues(t *testing.T) {
	in := []byte("---\nlicense: [mit, apache-2.0]\nconfigs:\n- config_name: x\n  data_files: 3\n---\n")
	mc, err := ParseModel(in)
	if err != nil {
		t.Fatal(err)
	}
	if p := mc.Data.Problem("license"); p == nil {
		t.Errorf("no problem recorded for a list license; Problems = %v", mc.Data.Problems)
	}
	if !reflect.DeepEqual(mc.Data.Extra["license"], []any{"mit", "apache-2.0"}) {
		t.Errorf("Extra[license] = %#v", mc.Data.Extra["license"])
	}
	dc, err := ParseDataset(in)
	if err != nil {
		t.Fatal(err)
	}
	p := dc.Data.Problem("configs")
	if p == nil || len(dc.Data.Configs) != 0 {
		t.Fatalf("configs with a numeric data_files: Problems = %v, Configs = %v", dc.Data.Problems, dc.Data.Configs)
	}
	var fe *FieldError
	if !errors.As(p, &fe) || fe.Line == 0 {
		t.Errorf("problem %v has no line", p)
	}
	// The bad value survives a re-render.
	dc.Data.PrettyName = "x"
	out, err := dc.Render()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("data_files: 3")) {
		t.Errorf("bad value lost:\n%s", out)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"---\n- a\n- b\n---\n",
		"---\njust a string\n---\n",
		"---\nkey: [unclosed\n---\n",
	} {
		if _, err := ParseModel([]byte(in)); err == nil {
			t.Errorf("ParseModel(%q) error = nil", in)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in, front, body string
		ok              bool
	}{
		{"---\na: 1\n---\nbody", "a: 1", "body", true},
		{"  ---\na: 1\n---", "a: 1", "", true},
		{"no front\n---\n", "", "no front\n---\n", false},
		{"---\na: 1\nno end", "", "---\na: 1\nno end", false},
		{"---\r\na: 1\r\n---\r\nb", "a: 1", "b", true},
	}
	for _, tt := range tests {
		front, body, ok := Split([]byte(tt.in))
		if string(front) != tt.front || string(body) != tt.body || ok != tt.ok {
			t.Errorf("Split(%q) = %q, %q, %v; want %q, %q, %v", tt.in, front, body, ok, tt.front, tt.body, tt.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/model_README.md", "testdata/dataset_README.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("---\nlicense: mit\n---\n"))
	f.Add([]byte("---\nconfigs:\n- config_name: a\n  data_files: {train: x}\n---\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseDataset(in)
		if err != nil {
			return
		}
		out, err := c.Render()
		if err != nil {
			t.Fatalf("Render() error = %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("unchanged card rendered differently:\n%q\n%q", in, out)
		}
		c.snapshot = nil // force a re-encoding
		out1, err := c.Render()
		if err != nil {
			return // e.g. values yaml cannot encode back
		}
		c2, err := ParseDataset(out1)
		if err != nil {
			t.Fatalf("re-parsing a rendered card: %v\n%s", err, out1)
		}
		c2.snapshot = nil
		out2, err := c2.Render()
		if err != nil || !bytes.Equal(out1, out2) {
			t.Fatalf("render not stable (%v):\n%s\n---\n%s", err, out1, out2)
		}
	})
}

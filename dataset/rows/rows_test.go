package rows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

type inner struct {
	A int64  `parquet:"a"`
	B string `parquet:"b,optional"`
}

type record struct {
	ID    int64            `parquet:"id"`
	Text  string           `parquet:"text"`
	Score *float64         `parquet:"score,optional"`
	Tags  []string         `parquet:"tags,list"`
	Inner *inner           `parquet:"inner,optional"`
	At    time.Time        `parquet:"at,timestamp(microsecond)"`
	Attrs map[string]int64 `parquet:"attrs"`
	Raw   []byte           `parquet:"raw"`
	Nums  []int32          `parquet:"nums"`
}

func makeRecords(n int) []record {
	out := make([]record, n)
	for i := range out {
		r := record{ID: int64(i), Text: fmt.Sprintf("row %d", i), At: time.UnixMicro(int64(i) * 1_000_001).UTC(), Raw: []byte{byte(i)}}
		if i%3 != 0 {
			s := float64(i) / 4
			r.Score = &s
		}
		for j := range i % 4 {
			r.Tags = append(r.Tags, fmt.Sprintf("t%d", j))
		}
		if i%5 != 0 {
			r.Inner = &inner{A: int64(i * 2), B: strings.Repeat("x", i%3)}
		}
		r.Attrs = map[string]int64{}
		if i%2 == 0 {
			r.Attrs["k"] = int64(i)
		}
		for j := range i % 3 {
			r.Nums = append(r.Nums, int32(j))
		}
		out[i] = r
	}
	return out
}

func writeParquet(t testing.TB, recs []record, perGroup int64) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[record](&b, parquet.MaxRowsPerRowGroup(perGroup), parquet.Compression(&parquet.Zstd))
	if _, err := w.Write(recs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func collect(t testing.TB, seq iter.Seq2[rows.Row, error]) []rows.Row {
	t.Helper()
	var out []rows.Row
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestParquetRoundTrip(t *testing.T) {
	recs := makeRecords(250)
	data := writeParquet(t, recs, 100)
	got := collect(t, rows.Read(context.Background(), "x.parquet", bytes.NewReader(data), int64(len(data)), nil))
	if len(got) != len(recs) {
		t.Fatalf("%d rows, want %d", len(got), len(recs))
	}
	if cols := strings.Join(got[0].Columns(), ","); cols != "id,text,score,tags,inner,at,attrs,raw,nums" {
		t.Fatalf("columns %s", cols)
	}
	for i, r := range got {
		want := recs[i]
		if want.Tags == nil {
			want.Tags = []string{} // Parquet has no null for a required list
		}
		if want.Nums == nil {
			want.Nums = []int32{}
		}
		var back struct {
			ID    int64            `row:"id"`
			Text  string           `row:"text"`
			Score *float64         `row:"score"`
			Tags  []string         `row:"tags"`
			Inner *inner           `row:"inner"`
			At    time.Time        `row:"at"`
			Attrs map[string]int64 `row:"attrs"`
			Raw   []byte           `row:"raw"`
			Nums  []int32          `row:"nums"`
		}
		if err := r.Decode(&back); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(record{back.ID, back.Text, back.Score, back.Tags, back.Inner, back.At, back.Attrs, back.Raw, back.Nums})
		if !bytes.Equal(wb, gb) {
			t.Fatalf("row %d:\n got %s\nwant %s\nrow %s", i, gb, wb, must(json.Marshal(r)))
		}
	}
	if v, _ := got[3].Get("score"); v != nil {
		t.Errorf("row 3 score = %v, want null", v)
	}
	if v, _ := got[5].Get("inner"); v != nil {
		t.Errorf("row 5 inner = %v, want null", v)
	}
}

func must(b []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	return string(b)
}

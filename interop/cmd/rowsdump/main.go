// Command rowsdump prints the rows of data files as read by package
// dataset/rows, one JSON object per line, for interop/duckdb to compare
// with DuckDB and hyparquet. With -write DIR it writes Parquet files with
// parquet-go (nested columns, nulls, several compressions) for them to
// read.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

func main() {
	write := flag.String("write", "", "write Go-written Parquet fixtures into this `folder` and exit")
	flag.Parse()
	if *write != "" {
		if err := writeFixtures(*write); err != nil {
			fmt.Fprintln(os.Stderr, "rowsdump:", err)
			os.Exit(1)
		}
		return
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, name := range flag.Args() {
		if err := dump(out, name); err != nil {
			out.Flush()
			fmt.Fprintln(os.Stderr, "rowsdump:", err)
			os.Exit(1)
		}
	}
}

func dump(out *bufio.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	for r, err := range rows.Read(context.Background(), name, f, st.Size(), nil) {
		if err != nil {
			return err
		}
		b, err := r.MarshalJSON()
		if err != nil {
			return err
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	return nil
}

type inner struct {
	X int32    `parquet:"x"`
	Y []string `parquet:"y,list"`
}

type fixture struct {
	ID    int64             `parquet:"id"`
	Text  string            `parquet:"text"`
	Score *float64          `parquet:"score,optional"`
	F32   float32           `parquet:"f32"`
	Flag  bool              `parquet:"flag"`
	Ints  []int64           `parquet:"ints,list"`
	Inner *inner            `parquet:"inner,optional"`
	Items []inner           `parquet:"items,list"`
	Attrs map[string]string `parquet:"attrs"`
	At    time.Time         `parquet:"at,timestamp(microsecond)"`
	Cat   string            `parquet:"cat,dict"`
	Opt   *string           `parquet:"opt,optional"`
	Delta int64             `parquet:"delta,delta"`
	Blob  []byte            `parquet:"blob"`
}

func writeFixtures(dir string) error {
	recs := make([]fixture, 2500)
	for i := range recs {
		r := fixture{ID: int64(i), Text: fmt.Sprintf("row %d é", i), F32: float32(i) / 4, Flag: i%3 == 0,
			At:  time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1500 * time.Millisecond),
			Cat: []string{"red", "green", "blue"}[i%3], Delta: int64(i * i), Blob: []byte{byte(i), byte(i >> 8)},
			Ints: []int64{}, Items: []inner{}, Attrs: map[string]string{}}
		if i%5 != 0 {
			s := float64(i) * 0.25
			r.Score = &s
		}
		for j := range i % 4 {
			r.Ints = append(r.Ints, int64(i+j))
		}
		if i%7 != 0 {
			r.Inner = &inner{X: int32(i), Y: []string{fmt.Sprint("y", i)}}
		}
		for j := range i % 3 {
			r.Items = append(r.Items, inner{X: int32(j), Y: []string{}})
		}
		if i%2 == 0 {
			r.Attrs[fmt.Sprint("k", i%5)] = fmt.Sprint("v", i)
		}
		if i%4 == 1 {
			s := fmt.Sprint("opt", i)
			r.Opt = &s
		}
		recs[i] = r
	}
	// What the server's refs/convert/parquet export writes from JSON Lines
	// and CSV (rows.WriteParquet).
	var jsonl strings.Builder
	for i := range 3000 {
		switch {
		case i%10 == 0:
			fmt.Fprintf(&jsonl, "{\"id\":%d,\"text\":null,\"score\":%d,\"ok\":%t}\n", i, i, i%3 == 0)
		default:
			fmt.Fprintf(&jsonl, "{\"id\":%d,\"text\":\"line %d \\\"q\\\" é\",\"score\":%g,\"ok\":%t,\"meta\":{\"n\":[%d]}}\n", i, i, float64(i)/8, i%3 == 0, i)
		}
	}
	var csvData strings.Builder
	csvData.WriteString("name,count,ratio\n")
	for i := range 2000 {
		fmt.Fprintf(&csvData, "n%d,%d,%g\n", i%17, i, float64(i)/3)
	}
	for name, src := range map[string]string{"converted-jsonl.jsonl": jsonl.String(), "converted-csv.csv": csvData.String()} {
		f, err := os.Create(filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".parquet"))
		if err != nil {
			return err
		}
		if _, err := rows.WriteParquet(f, func() iter.Seq2[rows.Row, error] {
			return rows.ReadStream(context.Background(), name, strings.NewReader(src), nil)
		}); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	for name, codec := range map[string]compress.Codec{"go-snappy": &parquet.Snappy, "go-zstd": &parquet.Zstd, "go-gzip": &parquet.Gzip, "go-none": &parquet.Uncompressed} {
		f, err := os.Create(filepath.Join(dir, name+".parquet"))
		if err != nil {
			return err
		}
		w := parquet.NewGenericWriter[fixture](f, parquet.Compression(codec), parquet.MaxRowsPerRowGroup(1000))
		if _, err := w.Write(recs); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

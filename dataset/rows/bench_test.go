package rows_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

type flat struct {
	ID    int64   `parquet:"id"`
	Text  string  `parquet:"text"`
	Score float64 `parquet:"score"`
	Flag  bool    `parquet:"flag"`
	Cat   string  `parquet:"cat,dict"`
}

func flatParquet(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[flat](&buf, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(128<<10))
	batch := make([]flat, 0, 1024)
	for i := range n {
		batch = append(batch, flat{int64(i), fmt.Sprintf("row %d some text here to make it longer %d", i, i*7), float64(i) / 3, i%2 == 0, fmt.Sprintf("c%d", i%10)})
		if len(batch) == cap(batch) {
			w.Write(batch)
			batch = batch[:0]
		}
	}
	w.Write(batch)
	w.Close()
	return buf.Bytes()
}

// BenchmarkReadParquet streams a 500k-row, five-column file: every column,
// then one string column. bench/ compares the same scans with DuckDB.
func BenchmarkReadParquet(b *testing.B) {
	const n = 500_000
	data := flatParquet(b, n)
	for _, c := range []struct {
		name string
		cols []string
	}{{"all", nil}, {"one", []string{"text"}}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				k := 0
				for _, err := range rows.Read(context.Background(), "b.parquet", bytes.NewReader(data), int64(len(data)), &rows.Options{Columns: c.cols}) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatal(k)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

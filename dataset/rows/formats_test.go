package rows_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

// countingReaderAt records the byte ranges read.
type countingReaderAt struct {
	r     *bytes.Reader
	mu    sync.Mutex
	calls int
	bytes int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	c.calls++
	c.bytes += int64(len(p))
	c.mu.Unlock()
	return c.r.ReadAt(p, off)
}

func TestParquetProjectionAndSkipping(t *testing.T) {
	recs := makeRecords(20000)
	data := writeParquet(t, recs, 2000)
	ctx := context.Background()

	full := &countingReaderAt{r: bytes.NewReader(data)}
	collect(t, rows.Read(ctx, "x.parquet", full, int64(len(data)), nil))

	proj := &countingReaderAt{r: bytes.NewReader(data)}
	got := collect(t, rows.Read(ctx, "x.parquet", proj, int64(len(data)), &rows.Options{Columns: []string{"text", "id"}}))
	if len(got) != 20000 || strings.Join(got[7].Columns(), ",") != "text,id" {
		t.Fatalf("%d rows, columns %v", len(got), got[7].Columns())
	}
	if s, _ := got[7].String("text"); s != "row 7" {
		t.Fatalf("text %q", s)
	}
	if n, _ := got[7].Int("id"); n != 7 {
		t.Fatalf("id %d", n)
	}
	if proj.bytes*2 > full.bytes {
		t.Errorf("projected read %d bytes, full read %d: the other columns were read", proj.bytes, full.bytes)
	}

	// Offset 15000 skips 7 row groups unread and seeks 1000 rows into the 8th.
	off := &countingReaderAt{r: bytes.NewReader(data)}
	got = collect(t, rows.Read(ctx, "x.parquet", off, int64(len(data)), &rows.Options{Offset: 15000, Columns: []string{"text"}}))
	if len(got) != 5000 {
		t.Fatalf("%d rows after offset", len(got))
	}
	if s, _ := got[0].String("text"); s != "row 15000" {
		t.Fatalf("first text %q", s)
	}
	if off.bytes*2 > proj.bytes {
		t.Errorf("offset read %d bytes vs %d for everything", off.bytes, proj.bytes)
	}

	// Row groups 9 and 2, in that order.
	got = collect(t, rows.Read(ctx, "x.parquet", bytes.NewReader(data), int64(len(data)), &rows.Options{RowGroups: []int{9, 2}, Columns: []string{"id"}}))
	if len(got) != 4000 {
		t.Fatalf("%d rows", len(got))
	}
	if a, _ := got[0].Int("id"); a != 18000 {
		t.Fatalf("first id %d", a)
	}
	if b, _ := got[2000].Int("id"); b != 4000 {
		t.Fatalf("101st id %d", b)
	}

	// Prefetch: one ReadAt per column chunk, same rows.
	pre := &countingReaderAt{r: bytes.NewReader(data)}
	got2 := collect(t, rows.Read(ctx, "x.parquet", pre, int64(len(data)), &rows.Options{Prefetch: true, Columns: []string{"id", "tags"}}))
	plain := collect(t, rows.Read(ctx, "x.parquet", bytes.NewReader(data), int64(len(data)), &rows.Options{Columns: []string{"id", "tags"}}))
	if !sameRows(got2, plain) {
		t.Fatal("prefetched rows differ")
	}
	// footer reads + 10 row groups x 2 leaf columns
	if pre.calls > 30 {
		t.Errorf("prefetching made %d reads", pre.calls)
	}

	info, err := rows.InspectParquet("x.parquet", bytes.NewReader(data), int64(len(data)))
	if err != nil || info.NumRows != 20000 || len(info.RowGroups) != 10 {
		t.Fatalf("inspect: %+v %v", info, err)
	}
}

func sameRows(a, b []rows.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, _ := a[i].MarshalJSON()
		y, _ := b[i].MarshalJSON()
		if !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

func TestParquetCorruptFooter(t *testing.T) {
	data := writeParquet(t, makeRecords(10), 100)
	for name, bad := range map[string][]byte{
		"truncated": data[:len(data)-20],
		"footer":    append(append([]byte{}, data[:len(data)-12]...), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 'P', 'A', 'R', '1'),
		"not":       []byte("hello, world, this is not parquet"),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			for _, e := range rows.Read(context.Background(), "data/bad.parquet", bytes.NewReader(bad), int64(len(bad)), nil) {
				if e != nil {
					err = e
					break
				}
			}
			var re *rows.Error
			if !errors.As(err, &re) || !errors.Is(err, rows.ErrCorrupt) || re.File != "data/bad.parquet" {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), "data/bad.parquet") {
				t.Fatalf("message %q does not name the file", err)
			}
		})
	}
}

func readAll(t *testing.T, name string, data []byte, o *rows.Options) ([]rows.Row, error) {
	t.Helper()
	var out []rows.Row
	for r, err := range rows.Read(context.Background(), name, bytes.NewReader(data), int64(len(data)), o) {
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func jsonOf(rs []rows.Row) string {
	var b strings.Builder
	for _, r := range rs {
		j, _ := r.MarshalJSON()
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestTextFormats(t *testing.T) {
	jsonl := "{\"a\":1,\"b\":\"x\"}\n\n{\"a\":2.5,\"b\":null,\"c\":[1,{\"d\":true}]}\r\n{\"b\":\"y\",\"a\":3}"
	csvData := "a,b,c\n1,x,1.5\n2,,2\n3,\"q,\"\"z\"\"\",\n"
	cases := []struct {
		name, data, want string
	}{
		{"t.jsonl", jsonl, "{\"a\":1,\"b\":\"x\"}\n{\"a\":2.5,\"b\":null,\"c\":[1,{\"d\":true}]}\n{\"b\":\"y\",\"a\":3}\n"},
		{"t.json", "[\n" + `{"a":1},{"a":"two"}` + "]", "{\"a\":1}\n{\"a\":\"two\"}\n"},
		{"t.json", `{"a":1}` + "\n" + `{"a":2}`, "{\"a\":1}\n{\"a\":2}\n"},
		{"t.csv", csvData, "{\"a\":1,\"b\":\"x\",\"c\":1.5}\n{\"a\":2,\"b\":null,\"c\":2}\n{\"a\":3,\"b\":\"q,\\\"z\\\"\",\"c\":null}\n"},
		{"t.tsv", "a\tb\nTrue\t7\nfalse\t8\n", "{\"a\":true,\"b\":7}\n{\"a\":false,\"b\":8}\n"},
		{"t.txt", "one\r\ntwo\n\nthree", "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"\"}\n{\"text\":\"three\"}\n"},
	}
	for _, c := range cases {
		got, err := readAll(t, c.name, []byte(c.data), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if s := jsonOf(got); s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, s, c.want)
		}
	}
	// Projection on rows whose keys vary.
	got, err := readAll(t, "t.jsonl", []byte(jsonl), &rows.Options{Columns: []string{"b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := jsonOf(got); s != "{\"b\":\"x\",\"c\":null}\n{\"b\":null,\"c\":[1,{\"d\":true}]}\n{\"b\":\"y\",\"c\":null}\n" {
		t.Errorf("projected: %s", s)
	}
	// Offset on a stream.
	got, _ = readAll(t, "t.txt", []byte("a\nb\nc\n"), &rows.Options{Offset: 2})
	if s := jsonOf(got); s != "{\"text\":\"c\"}\n" {
		t.Errorf("offset: %s", s)
	}
}

func TestCompressed(t *testing.T) {
	plain := []byte("{\"n\":1}\n{\"n\":2}\n")
	var gz, zs, x bytes.Buffer
	g := gzip.NewWriter(&gz)
	g.Write(plain)
	g.Close()
	z, _ := zstd.NewWriter(&zs)
	z.Write(plain)
	z.Close()
	xw, _ := xz.NewWriter(&x)
	xw.Write(plain)
	xw.Close()
	for name, data := range map[string][]byte{"a.jsonl.gz": gz.Bytes(), "a.jsonl.zst": zs.Bytes(), "a.jsonl.xz": x.Bytes()} {
		got, err := readAll(t, name, data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s := jsonOf(got); s != "{\"n\":1}\n{\"n\":2}\n" {
			t.Errorf("%s: %s", name, s)
		}
		// Through ReadStream too.
		n := 0
		for _, err := range rows.ReadStream(context.Background(), name, bytes.NewReader(data), nil) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 2 {
			t.Errorf("%s: stream gave %d rows", name, n)
		}
	}
	if _, err := readAll(t, "a.jsonl.gz", plain, nil); !errors.Is(err, rows.ErrCorrupt) || !strings.Contains(err.Error(), "a.jsonl.gz") {
		t.Errorf("plain bytes as gzip: %v", err)
	}
	if _, _, err := rows.Detect("a.parquet.gz"); !errors.Is(err, rows.ErrFormat) {
		t.Errorf("parquet.gz: %v", err)
	}
	if _, _, err := rows.Detect("a.xml"); !errors.Is(err, rows.ErrFormat) {
		t.Errorf("xml: %v", err)
	}
}

func TestBadRows(t *testing.T) {
	jsonl := "{\"a\":1}\n{\"a\":2,}\n{\"a\":3}\n[1]\n{\"a\":5}\n"
	_, err := readAll(t, "data/train.jsonl", []byte(jsonl), nil)
	var re *rows.Error
	if !errors.As(err, &re) || re.File != "data/train.jsonl" || re.Line != 2 || re.Row != 1 {
		t.Fatalf("err = %#v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "data/train.jsonl: line 2: row 1:") || !strings.Contains(msg, "invalid JSON") {
		t.Errorf("message %q", msg)
	}
	var skipped atomic.Int64
	var seen []int64
	got, err := readAll(t, "data/train.jsonl", []byte(jsonl), &rows.Options{SkipBad: true, Skipped: &skipped, OnSkip: func(e *rows.Error) { seen = append(seen, e.Line) }})
	if err != nil || jsonOf(got) != "{\"a\":1}\n{\"a\":3}\n{\"a\":5}\n" || skipped.Load() != 2 || !slices.Equal(seen, []int64{2, 4}) {
		t.Fatalf("skip: %v %q skipped=%d lines=%v", err, jsonOf(got), skipped.Load(), seen)
	}

	csvData := "a,b\n1,2\n3\n4,5\n6,\"7\n"
	_, err = readAll(t, "x.csv", []byte(csvData), nil)
	if !errors.As(err, &re) || re.Row != 1 || re.Line != 3 || !strings.Contains(err.Error(), "x.csv: line 3: row 1: the row has a different number of fields") {
		t.Fatalf("ragged: %v", err)
	}
	skipped.Store(0)
	got, err = readAll(t, "x.csv", []byte(csvData), &rows.Options{SkipBad: true, Skipped: &skipped})
	if err != nil || jsonOf(got) != "{\"a\":1,\"b\":2}\n{\"a\":4,\"b\":5}\n" || skipped.Load() != 2 {
		t.Fatalf("csv skip: %v %q %d", err, jsonOf(got), skipped.Load())
	}
	_, err = readAll(t, "q.csv", []byte("a,b\n1,x\"y\n"), nil)
	if !errors.As(err, &re) || re.Column != "4" {
		t.Fatalf("bare quote: %v", err)
	}
}

func TestTakeSkipShuffle(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		b.WriteString(strings.Repeat("x", i%3))
		b.WriteString("\n")
	}
	data := []byte(b.String())
	seq := func() func(func(rows.Row, error) bool) {
		return rows.Read(context.Background(), "a.txt", bytes.NewReader(data), int64(len(data)), nil)
	}
	if n := len(collect(t, rows.Take(seq(), 7))); n != 7 {
		t.Fatalf("take %d", n)
	}
	if n := len(collect(t, rows.Skip(seq(), 495))); n != 5 {
		t.Fatalf("skip %d", n)
	}
	nums := func(rs []rows.Row) []int {
		out := make([]int, len(rs))
		for i, r := range rs {
			s, _ := r.String("text")
			out[i] = len(s)
		}
		return out
	}
	s1 := collect(t, rows.Shuffle(seq(), 64, 42))
	s2 := collect(t, rows.Shuffle(seq(), 64, 42))
	s3 := collect(t, rows.Shuffle(seq(), 64, 43))
	if len(s1) != 500 || !slices.Equal(nums(s1), nums(s2)) || slices.Equal(nums(s1), nums(s3)) {
		t.Fatalf("shuffle: %d rows, same seed equal %v, other seed equal %v", len(s1), slices.Equal(nums(s1), nums(s2)), slices.Equal(nums(s1), nums(s3)))
	}
}

func TestWriteParquet(t *testing.T) {
	jsonl := "{\"text\":\"a\",\"label\":1,\"score\":0.5,\"tags\":[\"x\"]}\n{\"text\":null,\"label\":2,\"score\":1,\"ok\":true}\n{\"label\":3,\"text\":\"c\",\"score\":null}\n"
	open := func() iter.Seq2[rows.Row, error] {
		return rows.ReadStream(context.Background(), "t.jsonl", strings.NewReader(jsonl), nil)
	}
	var b bytes.Buffer
	n, err := rows.WriteParquet(&b, open)
	if err != nil || n != 3 {
		t.Fatalf("WriteParquet: %d %v", n, err)
	}
	got, err := readAll(t, "c.parquet", b.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\"text\":\"a\",\"label\":1,\"score\":0.5,\"tags\":\"[\\\"x\\\"]\",\"ok\":null}\n" +
		"{\"text\":null,\"label\":2,\"score\":1,\"tags\":null,\"ok\":true}\n" +
		"{\"text\":\"c\",\"label\":3,\"score\":null,\"tags\":null,\"ok\":null}\n"
	if s := jsonOf(got); s != want {
		t.Errorf("converted:\n got %s\nwant %s", s, want)
	}
}

// Command rowsbench streams a Parquet file through package dataset/rows
// and prints rows/s and MB/s; bench/rows.sh runs it next to DuckDB on the
// same file.
//
//	rowsbench [-columns a,b] FILE
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

func main() {
	cols := flag.String("columns", "", "comma-separated columns to read (default: all)")
	prof := flag.String("cpuprofile", "", "write a CPU profile to this `file`")
	flag.Parse()
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: rowsbench [-columns a,b] FILE")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	o := &rows.Options{}
	if *cols != "" {
		o.Columns = strings.Split(*cols, ",")
	}
	start := time.Now()
	var n, cells int64
	for r, err := range rows.Read(context.Background(), f.Name(), f, st.Size(), o) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n++
		cells += int64(r.Len())
	}
	d := time.Since(start).Seconds()
	defer fmt.Printf("rows=%d cells=%d seconds=%.3f rows_per_s=%.0f mb_per_s=%.1f\n", n, cells, d, float64(n)/d, float64(st.Size())/1e6/d)
}

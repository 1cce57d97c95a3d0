// Command uploadmem measures the peak memory of uploading one big file
// (default 2 GiB) with hfhub's UploadFile to an in-process hubtest server
// over loopback. It prints the process's peak resident set (VmHWM, client
// and server together) and the peak Go heap, sampled during the upload.
//
//	go run ./bench/uploadmem -size 2GiB
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

func main() {
	sizeFlag := flag.String("size", "2GiB", "file size (bytes, or with KiB/MiB/GiB)")
	dirFlag := flag.String("dir", "", "work directory (default: a temp dir, removed at the end)")
	flag.Parse()
	size, err := parseSize(*sizeFlag)
	if err != nil {
		log.Fatal(err)
	}
	dir := *dirFlag
	if dir == "" {
		if dir, err = os.MkdirTemp("", "hfhub-uploadmem-*"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	src := filepath.Join(dir, "big.bin")
	if err := writeRandom(src, size); err != nil {
		log.Fatal(err)
	}
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithDir(filepath.Join(dir, "store")),
		hubtest.WithToken("hf_bench", "bench", hubtest.Write))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithToken("hf_bench"), hfhub.WithHFHome(filepath.Join(dir, "home")))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateRepo(ctx, "bench/big", nil); err != nil {
		log.Fatal(err)
	}
	runtime.GC()
	base := vmHWM()
	var peakHeap atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	info, err := c.UploadFile(ctx, "bench/big", src, "big.bin", nil)
	close(stop)
	<-sampled
	if err != nil {
		log.Fatal(err)
	}
	d := time.Since(start)
	fmt.Printf("uploaded %s (%d bytes) in %s (%.0f MiB/s), commit %s\n", *sizeFlag, size, d.Round(time.Millisecond), float64(size)/d.Seconds()/(1<<20), info.OID[:12])
	fmt.Printf("peak RSS (VmHWM, client+server): %d MiB (before upload: %d MiB)\n", vmHWM()>>20, base>>20)
	fmt.Printf("peak Go heap in use: %d MiB\n", peakHeap.Load()>>20)
}

func writeRandom(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 4<<20)
	if _, err := io.CopyN(w, rand.Reader, size); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// vmHWM returns the peak resident set size in bytes (Linux), or 0.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if t, ok := strings.CutSuffix(s, suf); ok {
			s, mult = t, m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return n * mult, nil
}

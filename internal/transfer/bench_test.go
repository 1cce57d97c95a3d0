package transfer

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkEngine downloads a 256 MiB file over loopback with sha256
// verification, with one stream and with parallel ranges. It is how the
// DefaultConnections and DefaultThreshold values were chosen:
//
//	go test -run '^$' -bench Engine -benchtime 5x ./internal/transfer/
func BenchmarkEngine(b *testing.B) {
	const size = 256 << 20
	data := randomData(size, 42)
	srv := newTestServer(b, data)
	want := sha256Hex(data)
	for _, conns := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			dir := b.TempDir()
			e := &Engine{
				Client:      &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}},
				Connections: conns,
				Threshold:   1,
			}
			if conns == 1 {
				e.Threshold = -1
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				dest := filepath.Join(dir, "blob")
				j := Job{URL: srv.URL + "/data", Size: size, Hash: SHA256, Want: want, Dest: dest, Temp: dest + ".incomplete"}
				if _, err := e.Download(b.Context(), j); err != nil {
					b.Fatal(err)
				}
				if err := os.Remove(dest); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSmallFiles downloads 64 KiB files one after another (git sha1
// verified): the per-file cost of temp file, fsync and rename.
func BenchmarkSmallFiles(b *testing.B) {
	data := randomData(64<<10, 43)
	srv := newTestServer(b, data)
	want := gitSHA1Hex(data)
	dir := b.TempDir()
	e := &Engine{Client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		dest := filepath.Join(dir, "blob")
		j := Job{URL: srv.URL + "/data", Size: int64(len(data)), Hash: GitSHA1, Want: want, Dest: dest, Temp: dest + ".incomplete"}
		if _, err := e.Download(b.Context(), j); err != nil {
			b.Fatal(err)
		}
	}
}

// Command fsbench measures reading one large file from a local test Hub
// (hubtest on loopback) three ways in one run: the download of `hf
// download` (Client.Download into an empty cache), a sequential read
// through the io/fs view (Client.OpenFS, nothing cached), and the same read
// through `hf mount` (FUSE; skipped where FUSE is unavailable); then random
// 4 KiB reads per second through the io/fs view and the mount.
//
//	go run ./bench/fsbench [-size 1073741824] [-random 2000] [-dir /dev/shm]
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/mount"
)

func main() {
	size := flag.Int64("size", 1<<30, "file size in bytes")
	randomN := flag.Int("random", 2000, "random 4 KiB reads per way")
	dir := flag.String("dir", os.TempDir(), "where the store and caches go (tmpfs keeps the disk out of the figures)")
	flag.Parse()
	if err := run(*size, *randomN, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "fsbench:", err)
		os.Exit(1)
	}
}

func run(size int64, randomN int, base string) error {
	work, err := os.MkdirTemp(base, "fsbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	data := make([]byte, size)
	rand.Read(data)
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithDir(filepath.Join(work, "store")),
		hubtest.WithRepo(hubtest.Repo{ID: "bench/big", Files: map[string][]byte{"big.bin": data}}))
	if err != nil {
		return err
	}
	defer hub.Close()
	data = nil
	ctx := context.Background()
	client := func(name string) (*hfhub.Client, error) {
		home := filepath.Join(work, name)
		return hfhub.New(hfhub.WithConfig(hfhub.Config{Endpoint: hub.URL, HFHome: home, CacheDir: filepath.Join(home, "hub")}))
	}
	mbps := func(d time.Duration) float64 { return float64(size) / d.Seconds() / (1 << 20) }
	fmt.Printf("file: %d MiB on %s (store and caches in %s)\n", size>>20, hub.URL, base)

	// 1. hf download.
	c, err := client("download")
	if err != nil {
		return err
	}
	start := time.Now()
	p, err := c.Download(ctx, "bench/big", "big.bin", nil)
	if err != nil {
		return err
	}
	dl := time.Since(start)
	os.RemoveAll(filepath.Dir(filepath.Dir(filepath.Dir(p))))
	fmt.Printf("%-32s %8.0f MiB/s  (%v)\n", "hf download (Client.Download)", mbps(dl), dl.Round(time.Millisecond))

	// 2. io/fs sequential.
	c, err = client("fs")
	if err != nil {
		return err
	}
	fsys, err := c.OpenFS(ctx, "bench/big", nil)
	if err != nil {
		return err
	}
	seq := func(r io.Reader) (time.Duration, error) {
		start := time.Now()
		n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, make([]byte, 1<<20))
		if err == nil && n != size {
			err = fmt.Errorf("read %d bytes, want %d", n, size)
		}
		return time.Since(start), err
	}
	f, err := fsys.OpenFile("big.bin")
	if err != nil {
		return err
	}
	d, err := seq(f)
	f.Close()
	if err != nil {
		return err
	}
	fmt.Printf("%-32s %8.0f MiB/s  (%v, %.0f%% of hf download)\n", "io/fs sequential (OpenFS)", mbps(d), d.Round(time.Millisecond), 100*dl.Seconds()/d.Seconds())
	randomReads := func(ra io.ReaderAt) (float64, error) {
		p := make([]byte, 4096)
		r := mrand.New(mrand.NewPCG(1, 2))
		start := time.Now()
		for range randomN {
			if _, err := ra.ReadAt(p, r.Int64N(size-4096)); err != nil {
				return 0, err
			}
		}
		return float64(randomN) / time.Since(start).Seconds(), nil
	}
	f, err = fsys.OpenFile("big.bin")
	if err != nil {
		return err
	}
	rps, err := randomReads(f)
	f.Close()
	if err != nil {
		return err
	}
	fmt.Printf("%-32s %8.0f reads/s\n", "io/fs random 4 KiB", rps)

	// 3. The mount.
	if err := mount.Available(); err != nil {
		fmt.Printf("%-32s skipped: %v\n", "hf mount", err)
		return nil
	}
	c, err = client("mount")
	if err != nil {
		return err
	}
	mfs, err := c.OpenFS(ctx, "bench/big", nil)
	if err != nil {
		return err
	}
	mp := filepath.Join(work, "mnt")
	if err := os.Mkdir(mp, 0o755); err != nil {
		return err
	}
	srv, err := mount.Mount(mp, mfs, nil)
	if err != nil {
		return err
	}
	defer func() { srv.Unmount() }() // the srv of the moment: it is mounted twice
	mf, err := os.Open(filepath.Join(mp, "big.bin"))
	if err != nil {
		return err
	}
	d, err = seq(mf)
	mf.Close()
	if err != nil {
		return err
	}
	fmt.Printf("%-32s %8.0f MiB/s  (%v, %.0f%% of hf download)\n", "hf mount sequential (FUSE)", mbps(d), d.Round(time.Millisecond), 100*dl.Seconds()/d.Seconds())
	// A fresh mount for random reads, so the page cache holds nothing.
	if err := srv.Unmount(); err != nil {
		return err
	}
	srv, err = mount.Mount(mp, mfs, nil)
	if err != nil {
		return err
	}
	mf, err = os.Open(filepath.Join(mp, "big.bin"))
	if err != nil {
		return err
	}
	rps, err = randomReads(mf)
	mf.Close()
	if err != nil {
		return err
	}
	fmt.Printf("%-32s %8.0f reads/s\n", "hf mount random 4 KiB", rps)
	return nil
}

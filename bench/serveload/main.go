// Command serveload is the load generator of bench/serve.sh: N concurrent
// clients against a Hub-compatible server (hf serve), half of them
// downloading LFS files through /resolve/ (following the redirect to the
// content URL, as the Hub clients do) and half listing repository trees,
// for a fixed duration. It prints requests per second, download
// throughput, latency percentiles and the error count.
//
//	go run ./bench/serveload -endpoint http://127.0.0.1:8080 -repo bench/model \
//	    -files f00.safetensors,f01.safetensors -clients 64 -duration 20s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:8080", "server URL")
	repo := flag.String("repo", "bench/model", "model repo to read")
	files := flag.String("files", "", "comma-separated LFS files of the repo to download")
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", 20*time.Second, "how long to run")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	names := strings.Split(*files, ",")
	if *files == "" || *clients < 2 {
		fmt.Fprintln(os.Stderr, "serveload: -files is required and -clients must be at least 2")
		os.Exit(2)
	}
	res, err := run(*endpoint, *repo, names, *clients, *duration)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serveload:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
	} else {
		fmt.Print(res)
	}
	if res.Errors > 0 {
		os.Exit(1)
	}
}

// Result is what one load run measured.
type Result struct {
	Clients        int     `json:"clients"`
	Seconds        float64 `json:"seconds"`
	Requests       int64   `json:"requests"` // HTTP requests, redirects counted
	RequestsPerSec float64 `json:"requests_per_sec"`
	Downloads      int64   `json:"downloads"`
	Listings       int64   `json:"listings"`
	Bytes          int64   `json:"bytes"`
	MBPerSec       float64 `json:"mb_per_sec"`
	ListP50ms      float64 `json:"list_p50_ms"`
	ListP99ms      float64 `json:"list_p99_ms"`
	DownP50ms      float64 `json:"download_p50_ms"`
	DownP99ms      float64 `json:"download_p99_ms"`
	Errors         int64   `json:"errors"`
	FirstError     string  `json:"first_error,omitempty"`
}

func (r *Result) String() string {
	return fmt.Sprintf(`clients      %d
duration     %.1f s
requests     %d (%.0f req/s, redirects included)
downloads    %d (p50 %.1f ms, p99 %.1f ms)
listings     %d (p50 %.1f ms, p99 %.1f ms)
throughput   %.1f MB/s
errors       %d %s
`, r.Clients, r.Seconds, r.Requests, r.RequestsPerSec, r.Downloads, r.DownP50ms, r.DownP99ms,
		r.Listings, r.ListP50ms, r.ListP99ms, r.MBPerSec, r.Errors, r.FirstError)
}

func run(endpoint, repo string, files []string, clients int, d time.Duration) (*Result, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = clients
	tr.DisableCompression = true
	var requests atomic.Int64
	hc := &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		requests.Add(1) // each redirect hop is one more request
		if len(via) >= 10 {
			return fmt.Errorf("too many redirects")
		}
		return nil
	}}
	// Check the setup once.
	if err := listTree(context.Background(), hc, endpoint, repo); err != nil {
		return nil, fmt.Errorf("listing %s: %w", repo, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu         sync.Mutex
		listLat    []time.Duration
		downLat    []time.Duration
		bytes      atomic.Int64
		errs       atomic.Int64
		firstError string
		wg         sync.WaitGroup
	)
	fail := func(err error) {
		if ctx.Err() != nil {
			return // the run ended mid-request: not the server's fault
		}
		errs.Add(1)
		mu.Lock()
		if firstError == "" {
			firstError = err.Error()
		}
		mu.Unlock()
	}
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				t0 := time.Now()
				requests.Add(1)
				if i%2 == 0 {
					name := files[(i/2+n)%len(files)]
					got, err := download(ctx, hc, endpoint+"/"+repo+"/resolve/main/"+name)
					if err != nil {
						fail(err)
						continue
					}
					bytes.Add(got)
					mu.Lock()
					downLat = append(downLat, time.Since(t0))
					mu.Unlock()
				} else {
					if err := listTree(ctx, hc, endpoint, repo); err != nil {
						fail(err)
						continue
					}
					mu.Lock()
					listLat = append(listLat, time.Since(t0))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	r := &Result{
		Clients: clients, Seconds: secs, Requests: requests.Load(),
		Downloads: int64(len(downLat)), Listings: int64(len(listLat)),
		Bytes: bytes.Load(), Errors: errs.Load(), FirstError: firstError,
	}
	r.RequestsPerSec = float64(r.Requests) / secs
	r.MBPerSec = float64(r.Bytes) / secs / 1e6
	r.ListP50ms, r.ListP99ms = pct(listLat, 50), pct(listLat, 99)
	r.DownP50ms, r.DownP99ms = pct(downLat, 50), pct(downLat, 99)
	return r, nil
}

// download GETs u (following the LFS redirect) and returns the bytes read.
func download(ctx context.Context, hc *http.Client, u string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("GET %s: %d of %d bytes", u, n, resp.ContentLength)
	}
	return n, err
}

// listTree lists the whole tree of repo and checks the answer is a JSON
// array.
func listTree(ctx context.Context, hc *http.Client, endpoint, repo string) error {
	u := endpoint + "/api/models/" + repo + "/tree/main?recursive=true"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	var entries []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&entries); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if len(entries) == 0 {
		return fmt.Errorf("GET %s: empty tree", u)
	}
	return nil
}

// pct returns the p-th percentile of ds in milliseconds.
func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, len(s)*p/100)
	return float64(s[i]) / float64(time.Millisecond)
}

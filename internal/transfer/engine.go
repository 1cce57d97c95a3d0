package transfer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of an [Engine]'s zero fields. The parallel defaults come from
// BenchmarkEngine on loopback: below 64 MiB a single stream is as fast as
// several, above it 8 connections saturate a 2-core machine.
const (
	DefaultConnections     = 8
	DefaultThreshold       = 64 << 20
	DefaultPartSize        = 16 << 20
	DefaultBufferSize      = 1 << 20
	DefaultStallTimeout    = 30 * time.Second
	DefaultMaxRetries      = 5
	DefaultVerifyAttempts  = 2
	DefaultCheckpointBytes = 64 << 20
	// DefaultCheckpointInterval is the least time between two checkpoints
	// after the first one (each costs an fdatasync and a journal write).
	DefaultCheckpointInterval = 250 * time.Millisecond
	// DefaultWritebackBytes is how much newly written data of a range
	// makes the engine ask the kernel to start writing it to disk, so the
	// fsync before the rename finds little left to write.
	DefaultWritebackBytes = 8 << 20
	// DefaultJournalMin is the smallest size for which progress is journaled;
	// smaller files simply start over after a crash.
	DefaultJournalMin = 8 << 20
)

// RequestBuilder makes the GET request for url. The engine sets Range itself;
// the builder adds whatever else the caller needs (User-Agent, and
// Authorization only for hosts that should see it).
type RequestBuilder func(ctx context.Context, method, url string) (*http.Request, error)

// An Engine downloads URLs into files. Its fields are configuration; zero
// fields take the Default* values. An Engine holds no per-transfer state, so
// one value may run many transfers concurrently, but its fields must not be
// changed while it does.
type Engine struct {
	// Client sends the requests. Nil means http.DefaultClient. Do not set
	// Client.Timeout: it bounds the whole transfer; stalls are detected with
	// StallTimeout instead.
	Client *http.Client
	// NewRequest builds each request. Nil means http.NewRequestWithContext.
	NewRequest RequestBuilder
	// CheckResponse turns a final non-2xx response into an error (the caller's
	// error mapping). Nil gives an *HTTPError. It must not close the body.
	CheckResponse func(*http.Response) error

	// Connections is the number of parallel Range requests for a large file.
	Connections int
	// Threshold is the smallest size downloaded with parallel ranges; below it
	// one stream is used. Negative disables parallel downloads.
	Threshold int64
	// PartSize is the size of the ranges a large file is cut into (connections
	// take the next part when they finish one).
	PartSize int64
	// BufferSize is the read buffer per connection; memory use is about
	// (Connections+1) * BufferSize.
	BufferSize int
	// StallTimeout is how long a connection may deliver no byte before it is
	// dropped and its range retried.
	StallTimeout time.Duration
	// MaxRetries is how many consecutive failures without progress a range
	// may have before the transfer fails.
	MaxRetries int
	// Backoff returns the wait before retry n (1-based). Nil means 1 s doubling
	// up to 10 s with jitter. A server's Retry-After takes precedence.
	Backoff func(n int) time.Duration
	// VerifyAttempts is how many times the whole file is downloaded before a
	// digest mismatch is returned.
	VerifyAttempts int
	// CheckpointBytes is how much new data triggers a journal checkpoint.
	CheckpointBytes int64
	// CheckpointInterval is the least time between two checkpoints (the
	// first one is never delayed); a kill loses at most about this much
	// transfer time on top of CheckpointBytes. Negative: no minimum.
	CheckpointInterval time.Duration
	// WritebackBytes is how much new data of a range starts its writeback
	// to disk (Linux: sync_file_range; elsewhere nothing happens until the
	// fsync). Negative disables it.
	WritebackBytes int64
	// JournalMin is the smallest size for which a resume journal is kept.
	// Negative disables journaling.
	JournalMin int64
	// Limiter, if set, bounds the total bandwidth of every transfer sharing it.
	Limiter *rate.Limiter
}

func (e *Engine) client() *http.Client {
	if e.Client != nil {
		return e.Client
	}
	return http.DefaultClient
}

func (e *Engine) newRequest(ctx context.Context, url string) (*http.Request, error) {
	if e.NewRequest != nil {
		return e.NewRequest(ctx, http.MethodGet, url)
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orInt64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

func (e *Engine) connections() int     { return orInt(e.Connections, DefaultConnections) }
func (e *Engine) threshold() int64     { return orInt64(e.Threshold, DefaultThreshold) }
func (e *Engine) bufferSize() int      { return orInt(e.BufferSize, DefaultBufferSize) }
func (e *Engine) stall() time.Duration { return orDur(e.StallTimeout, DefaultStallTimeout) }
func (e *Engine) maxRetries() int      { return orInt(e.MaxRetries, DefaultMaxRetries) }
func (e *Engine) verifyAttempts() int  { return orInt(e.VerifyAttempts, DefaultVerifyAttempts) }
func (e *Engine) checkpointBytes() int64 {
	if e.CheckpointBytes <= 0 {
		return DefaultCheckpointBytes
	}
	return e.CheckpointBytes
}
func (e *Engine) journalMin() int64 { return orInt64(e.JournalMin, DefaultJournalMin) }
func (e *Engine) checkpointInterval() time.Duration {
	if e.CheckpointInterval < 0 {
		return 0
	}
	return orDur(e.CheckpointInterval, DefaultCheckpointInterval)
}
func (e *Engine) writebackBytes() int64 { return orInt64(e.WritebackBytes, DefaultWritebackBytes) }

func (e *Engine) partSize(size int64) int64 {
	ps := e.PartSize
	if ps <= 0 {
		ps = DefaultPartSize
	}
	// Keep at least two parts per connection for load balancing, but never
	// parts below one buffer.
	if per := size / int64(2*e.connections()); per < ps {
		ps = max(per, int64(e.bufferSize()))
	}
	return ps
}

func (e *Engine) backoff(n int) time.Duration {
	if e.Backoff != nil {
		return e.Backoff(n)
	}
	d := time.Second << min(n-1, 4)
	d = min(d, 10*time.Second)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// HashKind names the digest a [Job] is verified with.
type HashKind int

const (
	// NoHash skips verification (only the size is checked, when known).
	NoHash HashKind = iota
	// SHA256 is the sha256 of the content (LFS and Xet files; their etag).
	SHA256
	// GitSHA1 is the git blob id: sha1("blob <size>\x00" + content)
	// (regular files; their etag). It needs the size in advance.
	GitSHA1
)

// String returns "sha256", "git-sha1" or "none".
func (k HashKind) String() string {
	switch k {
	case SHA256:
		return "sha256"
	case GitSHA1:
		return "git-sha1"
	}
	return "none"
}

// HashKindFor guesses the digest of a Hub etag: 64 hex digits are a sha256,
// 40 a git sha1; anything else cannot be verified.
func HashKindFor(etag string) HashKind {
	if !isHex(etag) {
		return NoHash
	}
	switch len(etag) {
	case 64:
		return SHA256
	case 40:
		return GitSHA1
	}
	return NoHash
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// A Job is one transfer: URL to Dest, through Temp.
type Job struct {
	// URL is the first URL to GET; redirects are followed once and the
	// parallel ranges go to the final URL.
	URL string
	// Size is the expected size in bytes, or -1 when unknown (then the file is
	// fetched in one stream and not journaled).
	Size int64
	// Hash and Want (lowercase hex) verify the content. Want is also the
	// identity of a resume journal: a journal for another digest is discarded.
	Hash HashKind
	Want string
	// Dest is where the verified file is renamed to. Its directory must exist.
	Dest string
	// Temp is the temporary file, in Dest's directory (rename must be atomic).
	// Empty means Dest + ".incomplete". The caller must hold an exclusive lock
	// for Temp during the transfer.
	Temp string
	// Perm, if non-zero, is the mode of the published file (chmod'ed, so the
	// umask does not apply). Zero keeps 0666 minus the umask, as the Python
	// client does.
	Perm os.FileMode
	// Observer, if set, receives progress events.
	Observer Observer
	// NoDirSync skips the fsync of Dest's directory after the rename. The
	// file itself is always fsync'd before it is renamed; a caller that
	// publishes many files into one directory sets this and syncs the
	// directory once when all are in place (before it reports them done).
	NoDirSync bool
}

// Result describes a completed transfer.
type Result struct {
	Size     int64  // bytes in Dest
	Resumed  int64  // bytes found on disk from an earlier run
	Parallel bool   // whether parallel ranges were used
	FinalURL string // the URL after redirects
	Attempts int    // whole-file attempts (more than 1 after a digest mismatch)
}

// Observer receives progress events of one transfer. Advanced is called from
// several goroutines at once; implementations must be safe for that.
type Observer interface {
	// Started is called once per attempt with the expected size (-1 when
	// unknown) and the bytes already on disk from an earlier run.
	Started(total, resumed int64)
	// Advanced reports n more bytes written (n may be negative when data is
	// thrown away: a restart after a server ignored Range, or a bad digest).
	Advanced(n int64)
}

// CheckpointObserver is an optional extension of [Observer]: Checkpointed
// reports that the first durable bytes of each part are safely on disk and
// recorded in the journal (the total is given).
type CheckpointObserver interface {
	Checkpointed(durable int64)
}

// Download runs job: it downloads, verifies and renames the file into place.
// It resumes from job.Temp's journal when one matches. On error the
// temporary file is kept for a resume if the failure was a cancellation or a
// network/server problem, and deleted on corruption, a size mismatch or a
// local I/O error.
func (e *Engine) Download(ctx context.Context, job Job) (Result, error) {
	if job.URL == "" || job.Dest == "" {
		return Result{}, errors.New("transfer: Job needs URL and Dest")
	}
	if job.Temp == "" {
		job.Temp = job.Dest + ".incomplete"
	}
	if job.Hash != NoHash && job.Want == "" {
		return Result{}, fmt.Errorf("transfer: Job.Hash is %s but Job.Want is empty", job.Hash)
	}
	if job.Hash == GitSHA1 && job.Size < 0 {
		job.Hash, job.Want = NoHash, "" // cannot prefix the git header; size is checked instead
	}
	var res Result
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		t, err := e.open(job)
		if err != nil {
			return res, err
		}
		if attempt == 1 {
			res.Resumed = t.resumed
		}
		err = t.run(ctx)
		res.FinalURL, res.Parallel = t.url(), t.parallel
		if err == nil {
			res.Size = t.size
			return res, nil
		}
		var ce *ChecksumError
		if errors.As(err, &ce) && attempt < e.verifyAttempts() {
			if job.Observer != nil {
				job.Observer.Advanced(-t.written())
			}
			continue
		}
		return res, err
	}
}

package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"golang.org/x/time/rate"

	"github.com/hfhub-go/hfhub/internal/transfer"
)

// engine returns the transfer engine for one download: our HTTP client and
// request builder (credentials only for the endpoint's origin), our error
// mapping, and the caller's connection count and bandwidth limit.
func (c *Client) engine(o *DownloadOptions, lim *rate.Limiter) *transfer.Engine {
	return &transfer.Engine{
		Client: c.hc,
		NewRequest: func(ctx context.Context, method, u string) (*http.Request, error) {
			return c.newRequest(ctx, method, u, nil)
		},
		CheckResponse: func(resp *http.Response) error {
			return c.newHubError(resp, resp.Request != nil && resp.Request.Header.Get("Authorization") != "")
		},
		Connections:  o.Connections,
		Threshold:    o.parallelThreshold,
		StallTimeout: c.cfg.DownloadTimeout,
		MaxRetries:   max(c.maxRetries, 1),
		Backoff:      c.backoff,
		Limiter:      lim,
		// A checkpoint every 16 MiB: a killed download loses at most that
		// much (the engine's 64 MiB default lost whole 60 MiB files).
		CheckpointBytes: 16 << 20,
	}
}

// transferTo downloads meta into dest through temp (resumable), verified
// against the etag when it is a sha256 or a git blob id. The caller holds
// the lock that guards temp.
func (c *Client) transferTo(ctx context.Context, r *fileRequest, meta *resolvedFile, dest, temp string) error {
	if meta.xet != nil && !c.cfg.DisableXet {
		done, err := c.transferXetOrFallBack(ctx, r, meta, dest, temp) // download_xet.go
		if done || err != nil {
			return err
		}
	}
	job := transfer.Job{
		URL:  meta.url,
		Size: meta.size,
		Hash: transfer.HashKindFor(meta.etag),
		Dest: dest,
		Temp: temp,
	}
	if job.Hash != transfer.NoHash {
		job.Want = meta.etag
	}
	if r.dirs != nil {
		// A snapshot syncs each folder once at the end (snapshot_dirsync.go).
		job.NoDirSync = true
		r.dirs.add(filepath.Dir(dest))
	}
	if r.cache.Options().GroupWritable {
		job.Perm = 0o664
	}
	if r.o.Progress != nil {
		job.Observer = &fileProgress{obs: r.o.Progress, repo: r.id, path: r.filename}
	}
	_, err := c.engine(r.o, r.limiter).Download(ctx, job)
	if err != nil {
		err = mapTransferError(r, err)
		emit(r.o.Progress, ProgressEvent{Kind: FileFailed, RepoID: r.id, Path: r.filename, Err: err})
		return err
	}
	emit(r.o.Progress, ProgressEvent{Kind: FileVerified, RepoID: r.id, Path: r.filename, Total: meta.size, Transport: TransportHTTP})
	return nil
}

// mapTransferError gives engine errors the package's sentinels.
func mapTransferError(r *fileRequest, err error) error {
	var ce *transfer.ChecksumError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %s %s: %v", ErrChecksumMismatch, r.id, r.filename, err)
	}
	var se *transfer.SizeError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: %s %s: %v", ErrChecksumMismatch, r.id, r.filename, err)
	}
	var he *transfer.HTTPError
	if errors.As(err, &he) {
		return fmt.Errorf("%w: %s %s: %v", ErrServer, r.id, r.filename, err)
	}
	return fmt.Errorf("downloading %s %s: %w", r.id, r.filename, err)
}

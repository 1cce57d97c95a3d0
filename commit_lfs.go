package hfhub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/lfs"
	"golang.org/x/sync/errgroup"
)

// uploadLFS sends the bytes of every LFS add the Hub does not have yet:
// batch requests of 256 objects, then each object's transfer, Workers at a
// time.
func (cm *commitRun) uploadLFS(ctx context.Context) error {
	var todo []*preparedOp
	seen := map[lfs.OID]bool{}
	for _, op := range cm.ops {
		if op.kind == opAdd && op.lfs && !op.skip() && !seen[op.info.OID] {
			seen[op.info.OID] = true
			todo = append(todo, op)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cm.opts.workers())
	for start := 0; start < len(todo) && gctx.Err() == nil; start += LFSBatchChunkSize {
		chunk := todo[start:min(start+LFSBatchChunkSize, len(todo))]
		objs, err := cm.batch(gctx, chunk)
		if err != nil {
			g.Go(func() error { return err }) // let Wait report it with the uploads already running
			break
		}
		for i, obj := range objs {
			op := chunk[i]
			if !obj.NeedsUpload() && (obj.Actions == nil || obj.Actions.Verify == nil) {
				if err := cm.markUploaded(op); err != nil { // already stored on the Hub
					g.Go(func() error { return err })
					break
				}
				continue
			}
			g.Go(func() error {
				if err := cm.uploadObject(gctx, op, obj); err != nil {
					return err
				}
				return cm.markUploaded(op)
			})
		}
	}
	return g.Wait()
}

func (cm *commitRun) markUploaded(op *preparedOp) error {
	if cm.uploaded == nil {
		return nil
	}
	return cm.uploaded(op)
}

// batch asks the LFS batch API where to upload ops' objects and returns
// the answers in the order of ops.
func (cm *commitRun) batch(ctx context.Context, ops []*preparedOp) ([]*lfs.Object, error) {
	specs := make([]lfs.ObjectSpec, len(ops))
	for i, op := range ops {
		specs[i] = lfs.ObjectSpec{OID: op.info.OID, Size: op.info.Size}
	}
	ref := cm.rev
	if cm.opts.CreatePR {
		ref = "" // PR authors may lack write access to the branch
	}
	body, err := json.Marshal(lfs.NewUploadRequest(ref, specs...))
	if err != nil {
		return nil, err
	}
	u := cm.c.endpoint + lfs.BatchPath(cm.opts.RepoType.String(), cm.id)
	req, err := cm.c.newRequest(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	lfs.SetHeaders(req.Header)
	var ans lfs.BatchResponse
	if _, err := cm.c.doJSON(req, &ans, &reqOpts{Retry: retryAlways}); err != nil {
		return nil, fmt.Errorf("lfs batch: %w", err)
	}
	byOID := map[lfs.OID]*lfs.Object{}
	var objErrs []error
	for i := range ans.Objects {
		o := &ans.Objects[i]
		if o.Error != nil {
			objErrs = append(objErrs, fmt.Errorf("%s: %w", o.OID.Short(), o.Error))
		}
		byOID[o.OID] = o
	}
	if len(objErrs) > 0 {
		return nil, fmt.Errorf("lfs batch refused objects: %w", errors.Join(objErrs...))
	}
	out := make([]*lfs.Object, len(ops))
	for i, op := range ops {
		o, ok := byOID[op.info.OID]
		if !ok {
			return nil, fmt.Errorf("lfs batch answer lacks object %s (%s)", op.info.OID.Short(), op.pathInRepo)
		}
		out[i] = cm.rewriteActions(o)
	}
	return out, nil
}

// rewriteActions points the object's URLs at the configured endpoint when
// the Hub answered with its public origin.
func (cm *commitRun) rewriteActions(o *lfs.Object) *lfs.Object {
	if o.Actions == nil {
		return o
	}
	cp := *o
	acts := *o.Actions
	cp.Actions = &acts
	for _, a := range []**lfs.Action{&acts.Upload, &acts.Verify} {
		if *a == nil {
			continue
		}
		na := **a
		na.Href = cm.c.rewriteHubURL(na.Href)
		na.Header = maps.Clone(na.Header)
		for k, v := range na.Header {
			if strings.HasPrefix(v, "http") {
				na.Header[k] = cm.c.rewriteHubURL(v)
			}
		}
		*a = &na
	}
	return &cp
}

// uploadObject sends one object's bytes from its source.
func (cm *commitRun) uploadObject(ctx context.Context, op *preparedOp, obj *lfs.Object) (err error) {
	ra, closeFn, err := op.openSource()
	if err != nil {
		return fmt.Errorf("%s: %w", op.pathInRepo, err)
	}
	defer closeFn() // read-only
	obs := cm.opts.Progress
	u := cm.c.lfsUploader(cm.journal)
	if obs != nil {
		ev := ProgressEvent{RepoID: cm.id, Path: op.pathInRepo, Total: op.info.Size}
		start := ev
		start.Kind = FileStarted
		obs.OnProgress(start)
		defer func() {
			end := ev
			end.Kind, end.Err = FileDone, err
			if err != nil {
				end.Kind = FileFailed
			}
			obs.OnProgress(end)
		}()
		u.Progress = func(n int64) {
			adv := ev
			adv.Kind, adv.Bytes = FileAdvanced, n
			obs.OnProgress(adv)
		}
	}
	if err := u.Upload(ctx, obj, ra); err != nil {
		return fmt.Errorf("%s: %w", op.pathInRepo, lfsErrorKind(err))
	}
	return nil
}

// lfsUploader returns an uploader that sends through the client's HTTP
// client with its user agent, its token for the endpoint's own origin only,
// and its retry schedule.
func (c *Client) lfsUploader(j lfs.Journal) *lfs.Uploader {
	retries := c.maxRetries
	if retries == 0 {
		retries = -1 // lfs reads 0 as "default"
	}
	return &lfs.Uploader{
		HTTPClient: c.hc,
		MaxRetries: retries,
		Sleep:      c.sleep,
		Journal:    j,
		Backoff: func(attempt int, resp *http.Response) time.Duration {
			if resp != nil {
				if d := retryAfter(resp); d > 0 {
					return d
				}
			}
			return c.backoff(attempt)
		},
		PrepareRequest: func(req *http.Request) {
			req.Header.Set("User-Agent", c.userAgent)
			req.Header.Set(HeaderTraceID, newTraceID())
			if c.sameOriginAsEndpoint(req.URL) {
				if tok, ok := c.token(); ok {
					req.Header.Set("Authorization", "Bearer "+tok)
				}
			}
		},
	}
}

// lfsErrorKind gives an LFS transfer's final HTTP failure the package's
// error category (ErrServer, ErrRateLimited, ...), so callers can test it
// with errors.Is like every other Hub error.
func lfsErrorKind(err error) error {
	var he *lfs.HTTPError
	if !errors.As(err, &he) {
		return err
	}
	var kind error
	switch {
	case he.StatusCode >= 500:
		kind = ErrServer
	case he.StatusCode == http.StatusTooManyRequests:
		kind = ErrRateLimited
	case he.StatusCode == http.StatusUnauthorized:
		kind = ErrUnauthorized
	case he.StatusCode == http.StatusForbidden:
		kind = ErrForbidden
	default:
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

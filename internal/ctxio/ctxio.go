// Package ctxio lets a long copy stop when its context is done: [NewReader]
// checks the context before every Read, so an io.Copy of a slow or endless
// source (an upload body, a spooled archive, a blob being stored) returns
// soon after cancellation instead of running to the end.
package ctxio

import (
	"context"
	"io"
)

// NewReader returns a reader that reads from r while ctx is not done; once
// it is, every Read returns ctx.Err() without reading from r. A Read already
// blocked in r is not interrupted.
func NewReader(ctx context.Context, r io.Reader) io.Reader {
	return reader{ctx: ctx, r: r}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

package rows

import (
	"context"
	"io"
	"sync"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/sync/errgroup"
)

// maxPrefetch is the largest column chunk read ahead in one piece; bigger
// chunks are read through the page reader's own buffer.
const maxPrefetch = 64 << 20

// chunkReaderAt serves a row group's column chunks from memory once load
// has read each of them with one ReadAt (one HTTP Range request on a
// remote file) instead of many small reads. Memory is one row group's
// projected columns at a time.
type chunkReaderAt struct {
	r     io.ReaderAt
	mu    sync.RWMutex
	spans []span
}

type span struct {
	off  int64
	data []byte
}

func (c *chunkReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.mu.RLock()
	for _, s := range c.spans {
		if off >= s.off && off+int64(len(p)) <= s.off+int64(len(s.data)) {
			n := copy(p, s.data[off-s.off:])
			c.mu.RUnlock()
			return n, nil
		}
	}
	c.mu.RUnlock()
	return c.r.ReadAt(p, off)
}

// load reads the chunks of leaf columns leaves of row group gi.
func (c *chunkReaderAt) load(ctx context.Context, f *parquet.File, gi int, leaves []int) error {
	md := f.Metadata().RowGroups[gi]
	spans := make([]span, 0, len(leaves))
	for _, li := range leaves {
		if li >= len(md.Columns) {
			continue
		}
		m := md.Columns[li].MetaData
		start := m.DataPageOffset
		if m.DictionaryPageOffset > 0 && m.DictionaryPageOffset < start {
			start = m.DictionaryPageOffset
		}
		if m.TotalCompressedSize <= 0 || m.TotalCompressedSize > maxPrefetch {
			continue
		}
		spans = append(spans, span{off: start, data: make([]byte, m.TotalCompressedSize)})
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range spans {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			n, err := c.r.ReadAt(spans[i].data, spans[i].off)
			if n == len(spans[i].data) {
				return nil
			}
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	c.mu.Lock()
	c.spans = spans
	c.mu.Unlock()
	return nil
}

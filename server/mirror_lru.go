package server

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/objstore"
)

// touchEvery throttles how often a stored blob's ModTime is refreshed.
const touchEvery = time.Minute

// lru enforces the mirror's size budget over the blobs it keeps. Its view
// is this instance's: blobs other instances add to a shared store are
// learned when served.
type lru struct {
	max     int64
	st      objstore.Store
	metrics *Metrics
	log     *slog.Logger

	mu    sync.Mutex
	items map[string]*lruItem
	total int64
}

type lruItem struct {
	size    int64
	used    time.Time
	touched time.Time
	pins    int
}

func newLRU(max int64, st objstore.Store, m *Metrics, log *slog.Logger) *lru {
	return &lru{max: max, st: st, metrics: m, log: log, items: map[string]*lruItem{}}
}

// load indexes the stored blobs, their ModTime standing for last use.
func (l *lru) load(ctx context.Context) error {
	for info, err := range l.st.List(ctx, "blobs/") {
		if err != nil {
			return fmt.Errorf("mirror: index stored blobs in %s: %w", l.st, err)
		}
		l.items[info.Key] = &lruItem{size: info.Size, used: info.ModTime, touched: info.ModTime}
		l.total += info.Size
	}
	l.metrics.Set(MetricStoredBytes, float64(l.total))
	l.evict()
	return nil
}

// add records a newly stored blob and evicts beyond the budget.
func (l *lru) add(key string, size int64) {
	l.mu.Lock()
	if it := l.items[key]; it != nil {
		l.total -= it.size
	}
	now := time.Now()
	l.items[key] = &lruItem{size: size, used: now, touched: now}
	l.total += size
	l.metrics.Set(MetricStoredBytes, float64(l.total))
	l.mu.Unlock()
	l.evict()
}

// pin marks a blob as in use (not evictable) and recently used.
func (l *lru) pin(key string, size int64) (unpin func()) {
	now := time.Now()
	l.mu.Lock()
	it := l.items[key]
	if it == nil {
		it = &lruItem{size: size, touched: now}
		l.items[key] = it
		l.total += size
		l.metrics.Set(MetricStoredBytes, float64(l.total))
	}
	it.used = now
	it.pins++
	touch := now.Sub(it.touched) > touchEvery
	if touch {
		it.touched = now
	}
	l.mu.Unlock()
	if t, ok := l.st.(objstore.Toucher); ok && touch {
		t.Touch(context.Background(), key, now)
	}
	return func() {
		l.mu.Lock()
		it.pins--
		l.mu.Unlock()
	}
}

// evict deletes least recently used, unpinned blobs until the total fits.
func (l *lru) evict() {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	if l.total <= l.max {
		l.mu.Unlock()
		return
	}
	keys := make([]string, 0, len(l.items))
	for k, it := range l.items {
		if it.pins == 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return l.items[keys[i]].used.Before(l.items[keys[j]].used) })
	var victims []string
	for _, k := range keys {
		if l.total <= l.max {
			break
		}
		l.total -= l.items[k].size
		delete(l.items, k)
		victims = append(victims, k)
	}
	l.metrics.Set(MetricStoredBytes, float64(l.total))
	l.mu.Unlock()
	for _, k := range victims {
		if err := l.st.Delete(context.Background(), k); err != nil {
			l.log.Warn("cannot evict blob", "blob", k, "error", err.Error())
			continue
		}
		l.metrics.Add(MetricEvictions, 1)
		l.log.Info("evicted blob", "blob", strings.TrimPrefix(k, "blobs/"))
	}
}

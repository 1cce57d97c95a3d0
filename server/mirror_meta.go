package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/store"
)

// maxMetaBody bounds an upstream metadata answer kept in memory.
const maxMetaBody = 64 << 20

// pinnedTTL is how long answers about a full commit id are reused.
const pinnedTTL = time.Hour

// metaAnswer is an upstream metadata answer, as cached and persisted.
type metaAnswer struct {
	Status  int               `json:"status"`
	Header  map[string]string `json:"header"`
	Body    []byte            `json:"body"`
	Fetched time.Time         `json:"fetched"`
}

// metaHeaders are the upstream headers relayed to clients.
var metaHeaders = []string{
	"Content-Type", "ETag", "Link", "X-Total-Count", "X-Error-Code", "X-Error-Message",
	"X-Repo-Commit", "Location", "Content-Disposition", "WWW-Authenticate",
}

// serveMeta answers an API (or /raw/) request from the upstream, the
// in-memory cache, or the last persisted answer.
func (m *Mirror) serveMeta(w http.ResponseWriter, r *http.Request, rt mirrorRoute) {
	var body []byte
	if r.Method == http.MethodPost {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			writeError(w, r, http.StatusRequestEntityTooLarge, "", "request body too large or unreadable: "+err.Error())
			return
		}
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\n%s\n%s\n%s\n", metaMethod(r), r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"))
	sum.Write(body)
	key := hex.EncodeToString(sum.Sum(nil))
	ttl := m.opts.MetadataTTL
	if len(rt.Rest) > 0 && cache.IsCommitHash(rt.Rest[0]) && ttl > 0 {
		ttl = max(ttl, pinnedTTL)
	}
	if m.Offline() {
		if v, ok := m.cachedAny(key); ok {
			m.writeMeta(w, r, rt, v, "offline")
			return
		}
		if a, err := m.loadMeta(r.Context(), key); err == nil {
			m.metrics.Add(MetricCacheHits, 1, "kind", "metadata")
			m.writeMeta(w, r, rt, a, "offline")
			return
		}
		writeError(w, r, http.StatusNotFound, "", "This mirror is offline and has no stored answer for "+r.URL.Path+": fetch it once while the mirror is online.")
		return
	}
	if v, ok := m.cached(key); ok {
		m.metrics.Add(MetricCacheHits, 1, "kind", "metadata")
		m.writeMeta(w, r, rt, v.(*metaAnswer), "hit")
		return
	}
	m.metrics.Add(MetricCacheMisses, 1, "kind", "metadata")
	v, err, _ := m.group.Do("meta\x00"+key, func() (any, error) {
		a, err := m.fetchMeta(r, body)
		if err != nil {
			return nil, err
		}
		if a.Status < 500 {
			m.remember(key, a, ttl)
			m.remember("any\x00"+key, a, 24*time.Hour)
		}
		if a.Status == http.StatusOK {
			m.saveMeta(key, a)
		}
		return a, nil
	})
	a, _ := v.(*metaAnswer)
	if err != nil || a.Status >= 500 {
		// Stale if error: the last good answer beats none.
		if old, ok := m.cachedAny(key); ok {
			m.writeMeta(w, r, rt, old, "stale")
			return
		}
		if old, lerr := m.loadMeta(r.Context(), key); lerr == nil {
			m.writeMeta(w, r, rt, old, "stale")
			return
		}
		if err != nil {
			writeError(w, r, http.StatusBadGateway, "", "The mirror could not reach its upstream "+m.upstream.String()+": "+err.Error())
			return
		}
	}
	m.writeMeta(w, r, rt, a, "miss")
}

func metaMethod(r *http.Request) string {
	if r.Method == http.MethodHead {
		return http.MethodGet
	}
	return r.Method
}

// cachedAny returns the last in-memory answer of any age.
func (m *Mirror) cachedAny(key string) (*metaAnswer, bool) {
	v, ok := m.cached("any\x00" + key)
	if !ok {
		return nil, false
	}
	return v.(*metaAnswer), true
}

// fetchMeta asks the upstream.
func (m *Mirror) fetchMeta(r *http.Request, body []byte) (*metaAnswer, error) {
	ctx, cancel := context.WithTimeout(m.ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, metaMethod(r), m.upstreamURL(r.URL.EscapedPath(), r.URL.RawQuery), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	m.authorize(req)
	m.metrics.Add(MetricUpstreamReqs, 1, "kind", "metadata")
	resp, err := m.direct.Do(req)
	if err != nil {
		m.upstreamError("network", err)
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxMetaBody+1))
	if err != nil {
		m.upstreamError("network", err)
		return nil, err
	}
	if len(data) > maxMetaBody {
		return nil, fmt.Errorf("upstream answer to %s is larger than %d bytes", r.URL.Path, maxMetaBody)
	}
	if resp.StatusCode >= 500 {
		m.upstreamError("status", fmt.Errorf("%s: %s", req.URL.Path, resp.Status))
	}
	a := &metaAnswer{Status: resp.StatusCode, Header: map[string]string{}, Body: data, Fetched: time.Now()}
	for _, k := range metaHeaders {
		if v := resp.Header.Get(k); v != "" {
			a.Header[k] = v
		}
	}
	return a, nil
}

// authorize adds the upstream token.
func (m *Mirror) authorize(req *http.Request) {
	req.Header.Set("User-Agent", "hfhub-mirror")
	if m.opts.UpstreamToken != "" {
		req.Header.Set("Authorization", "Bearer "+m.opts.UpstreamToken)
	}
}

func (m *Mirror) upstreamError(kind string, err error) {
	m.metrics.Add(MetricUpstreamErrors, 1, "kind", kind)
	m.log.Warn("upstream error", "kind", kind, "upstream", m.upstream.String(), "error", err.Error())
}

func metaKey(key string) string { return "meta/api/" + key[:2] + "/" + key }

// saveMeta persists a good answer for offline use and stale-if-error.
func (m *Mirror) saveMeta(key string, a *metaAnswer) {
	data, err := json.Marshal(a)
	if err == nil {
		ctx, cancel := context.WithTimeout(m.ctx, 30*time.Second)
		defer cancel()
		err = objstore.PutBytes(ctx, m.opts.Store, metaKey(key), data)
	}
	if err != nil {
		m.metrics.Add(MetricUpstreamErrors, 1, "kind", "store")
		m.log.Warn("cannot keep metadata", "error", err.Error())
	}
}

func (m *Mirror) loadMeta(ctx context.Context, key string) (*metaAnswer, error) {
	data, err := objstore.ReadAll(ctx, m.opts.Store, metaKey(key))
	if err != nil {
		return nil, err
	}
	a := &metaAnswer{}
	if err := json.Unmarshal(data, a); err != nil {
		return nil, fmt.Errorf("stored metadata %s: %w", key, err)
	}
	if a.Status == 0 {
		return nil, errors.New("stored metadata without status")
	}
	return a, nil
}

// writeMeta relays an answer, pointing absolute upstream URLs at the mirror
// and leaving refused repos out of listings.
func (m *Mirror) writeMeta(w http.ResponseWriter, r *http.Request, rt mirrorRoute, a *metaAnswer, how string) {
	h := w.Header()
	base := m.upstream.String()
	for k, v := range a.Header {
		if k == "Link" || k == "Location" {
			v = strings.ReplaceAll(v, base, baseOf(r))
		}
		h.Set(k, v)
	}
	body := a.Body
	if rt.List && a.Status == http.StatusOK && (len(m.opts.Allow) > 0 || len(m.opts.Deny) > 0) {
		body = m.filterList(rt.Type, body)
		h.Del("ETag")
	}
	h.Set("X-Mirror-Cache", how)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(a.Status)
	if r.Method != http.MethodHead {
		n, _ := w.Write(body)
		m.metrics.Add(MetricResponseBytes, float64(n), "kind", "api")
	}
}

// filterList drops refused repos from a listing page.
func (m *Mirror) filterList(t store.RepoType, body []byte) []byte {
	var items []map[string]any
	if json.Unmarshal(body, &items) != nil {
		return body
	}
	kept := make([]map[string]any, 0, len(items))
	for _, it := range items {
		id, _ := it["id"].(string)
		if ok, _ := m.allowed(t, id); ok {
			kept = append(kept, it)
		}
	}
	out, err := json.Marshal(kept)
	if err != nil {
		return body
	}
	return out
}

package hfhub

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// xetRefreshMargin: a Xet token is refreshed this long before it expires
// (huggingface.js uses 60 s, xet-core 30 s).
const xetRefreshMargin = 60 * time.Second

// xetToken is a CAS access token (spec §2.2).
type xetToken struct {
	AccessToken string `json:"accessToken"`
	CasURL      string `json:"casUrl"`
	Exp         int64  `json:"exp"` // Unix seconds
}

func (t *xetToken) fresh(now time.Time) bool {
	return t != nil && time.Unix(t.Exp, 0).After(now.Add(xetRefreshMargin))
}

// xetState is the Xet side of a Client: cached tokens (per refresh URL and
// Hub token, single-flight refreshes), whether the CAS only speaks the v1
// reconstruction API, and the once-per-client fall-back warning.
type xetState struct {
	mu     sync.Mutex
	tokens map[string]*xetToken
	flight singleflight.Group
	v1Only atomic.Bool
	warned atomic.Bool
}

// xetTokenKey keys the token cache by refresh URL and Hub token (hashed,
// so no token sits in a map key in a heap dump).
func (c *Client) xetTokenKey(refresh string) string {
	tok, _ := c.token()
	h := sha256.Sum256([]byte(tok))
	return refresh + "\x00" + string(h[:8])
}

// xetToken returns a valid CAS token for the refresh route; force fetches
// a new one (after a CAS 401).
func (c *Client) xetToken(ctx context.Context, refresh string, force bool) (*xetToken, error) {
	key := c.xetTokenKey(refresh)
	st := &c.xet
	st.mu.Lock()
	t := st.tokens[key]
	st.mu.Unlock()
	if !force && t.fresh(time.Now()) {
		return t, nil
	}
	v, err, _ := st.flight.Do(key, func() (any, error) {
		st.mu.Lock()
		cur := st.tokens[key]
		st.mu.Unlock()
		if cur != t && cur.fresh(time.Now()) { // another caller refreshed meanwhile
			return cur, nil
		}
		nt, err := c.fetchXetToken(ctx, refresh)
		if err != nil {
			return nil, err
		}
		st.mu.Lock()
		if st.tokens == nil {
			st.tokens = map[string]*xetToken{}
		}
		st.tokens[key] = nt
		st.mu.Unlock()
		return nt, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*xetToken), nil
}

// fetchXetToken GETs the refresh route with the Hub's credentials (only
// ever sent to the endpoint's origin, by newRequest).
func (c *Client) fetchXetToken(ctx context.Context, refresh string) (*xetToken, error) {
	req, err := c.newRequest(ctx, http.MethodGet, refresh, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req, &reqOpts{Retry: retryIdempotent, BufferBody: true})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var t xetToken
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		return nil, fmt.Errorf("%w: Xet token from %s: %v", ErrServer, sanitizeURL(refresh), err)
	}
	if t.AccessToken == "" || t.CasURL == "" {
		return nil, fmt.Errorf("%w: Xet token from %s has no accessToken or casUrl", ErrServer, sanitizeURL(refresh))
	}
	t.CasURL = strings.TrimSuffix(t.CasURL, "/")
	return &t, nil
}

// xetRefreshRoute makes a refresh route absolute on the endpoint: the
// Hub's own links name https://huggingface.co, which a mirror or a custom
// endpoint replaces (as the Python client does).
func (c *Client) xetRefreshRoute(route string) string {
	const hub = "https://huggingface.co/"
	if strings.HasPrefix(route, hub) && c.endpoint+"/" != hub {
		return c.endpoint + "/" + strings.TrimPrefix(route, hub)
	}
	return route
}

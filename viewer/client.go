package viewer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultEndpoint is the production dataset viewer.
const DefaultEndpoint = "https://datasets-server.huggingface.co"

// MaxPageLength is the largest page /rows, /search and /filter return.
const MaxPageLength = 100

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 1 << 20

// Client talks to one dataset viewer endpoint. Create it with [New]; it is
// safe for concurrent use. The zero value is not usable.
type Client struct {
	endpoint  string
	hc        *http.Client
	token     string
	userAgent string
}

// New returns a client for endpoint ("" means [DefaultEndpoint]) that sends
// requests with hc (nil means http.DefaultClient) and, when token is not
// empty, an "Authorization: Bearer" header.
func New(endpoint string, hc *http.Client, token string) *Client {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{endpoint: strings.TrimRight(endpoint, "/"), hc: hc, token: token, userAgent: "hfhub-go"}
}

// Endpoint returns the base URL requests go to.
func (c *Client) Endpoint() string { return c.endpoint }

// get sends GET endpoint+path?params and decodes a 200 JSON answer into
// out. It returns the response headers.
func (c *Client) get(ctx context.Context, path string, params url.Values, out any) (http.Header, error) {
	u := c.endpoint + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("dataset viewer: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("dataset viewer: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.Header, readError(resp, c.endpoint+path)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return resp.Header, fmt.Errorf("dataset viewer: %s: decoding the answer: %w", c.endpoint+path, err)
	}
	return resp.Header, nil
}

func readError(resp *http.Response, u string) error {
	e := &Error{StatusCode: resp.StatusCode, Code: resp.Header.Get("X-Error-Code"), URL: u}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody)) // best effort: the status says enough
	var payload struct {
		Error          string   `json:"error"`
		CauseException string   `json:"cause_exception"`
		CauseMessage   string   `json:"cause_message"`
		CauseTraceback []string `json:"cause_traceback"`
	}
	if json.Unmarshal(body, &payload) == nil {
		e.Message, e.CauseException, e.CauseMessage, e.CauseTraceback = payload.Error, payload.CauseException, payload.CauseMessage, payload.CauseTraceback
	} else {
		var s string
		if json.Unmarshal(body, &s) == nil {
			e.Message = s
		} else {
			e.Message = strings.TrimSpace(string(body))
		}
	}
	return e
}

func params(dataset string, kv ...string) (url.Values, error) {
	if dataset == "" {
		return nil, fmt.Errorf("dataset viewer: %w: a dataset name is required", ErrInvalidRequest)
	}
	v := url.Values{"dataset": {dataset}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v, nil
}

// splitParams are the parameters of a split-level request, all required.
func splitParams(dataset, config, split string) (url.Values, error) {
	if err := required("config", config); err != nil {
		return nil, err
	}
	if err := required("split", split); err != nil {
		return nil, err
	}
	return params(dataset, "config", config, "split", split)
}

func required(name, value string) error {
	if value == "" {
		return fmt.Errorf("dataset viewer: %w: %s is required", ErrInvalidRequest, name)
	}
	return nil
}

// IsValid calls GET /is-valid: which viewer features work for a dataset, or
// one of its configs or splits (config and split may be empty).
func (c *Client) IsValid(ctx context.Context, dataset, config, split string) (*Validity, error) {
	p, err := params(dataset, "config", config, "split", split)
	if err != nil {
		return nil, err
	}
	var out Validity
	if _, err := c.get(ctx, "/is-valid", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Splits calls GET /splits: the configs and splits of a dataset, or the
// splits of one config.
func (c *Client) Splits(ctx context.Context, dataset, config string) (*Splits, error) {
	p, err := params(dataset, "config", config)
	if err != nil {
		return nil, err
	}
	var out Splits
	if _, err := c.get(ctx, "/splits", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Parquet calls GET /parquet: the files of the parquet export
// (refs/convert/parquet) of a dataset or one config.
func (c *Client) Parquet(ctx context.Context, dataset, config string) (*Parquet, error) {
	p, err := params(dataset, "config", config)
	if err != nil {
		return nil, err
	}
	var out Parquet
	h, err := c.get(ctx, "/parquet", p, &out)
	if err != nil {
		return nil, err
	}
	out.Revision = h.Get("X-Revision")
	return &out, nil
}

// Info calls GET /info: the DatasetInfo of every config, or of one.
func (c *Client) Info(ctx context.Context, dataset, config string) (*Info, error) {
	p, err := params(dataset, "config", config)
	if err != nil {
		return nil, err
	}
	var raw struct {
		DatasetInfo json.RawMessage `json:"dataset_info"`
		Progress
	}
	h, err := c.get(ctx, "/info", p, &raw)
	if err != nil {
		return nil, err
	}
	out := &Info{Progress: raw.Progress, Revision: h.Get("X-Revision"), Configs: map[string]DatasetInfo{}}
	if config != "" {
		var di DatasetInfo
		if err := json.Unmarshal(raw.DatasetInfo, &di); err != nil {
			return nil, fmt.Errorf("dataset viewer: /info: %w", err)
		}
		out.Configs[config] = di
	} else if len(raw.DatasetInfo) > 0 {
		if err := json.Unmarshal(raw.DatasetInfo, &out.Configs); err != nil {
			return nil, fmt.Errorf("dataset viewer: /info: %w", err)
		}
	}
	return out, nil
}

// Size calls GET /size: bytes and rows of a dataset, or of one config, and
// of their configs and splits.
func (c *Client) Size(ctx context.Context, dataset, config string) (*Sizes, error) {
	p, err := params(dataset, "config", config)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Size struct {
			Dataset *Size  `json:"dataset"`
			Config  *Size  `json:"config"`
			Configs []Size `json:"configs"`
			Splits  []Size `json:"splits"`
		} `json:"size"`
		Progress
	}
	if _, err := c.get(ctx, "/size", p, &raw); err != nil {
		return nil, err
	}
	return &Sizes{Dataset: raw.Size.Dataset, Config: raw.Size.Config, Configs: raw.Size.Configs, Splits: raw.Size.Splits, Progress: raw.Progress}, nil
}

// FirstRows calls GET /first-rows: the features and first rows (up to 100)
// of a split.
func (c *Client) FirstRows(ctx context.Context, dataset, config, split string) (*Rows, error) {
	return c.rows(ctx, "/first-rows", dataset, config, split, nil)
}

// Rows calls GET /rows: length rows (at most [MaxPageLength]) of a split
// from offset.
func (c *Client) Rows(ctx context.Context, dataset, config, split string, offset, length int) (*Rows, error) {
	return c.rows(ctx, "/rows", dataset, config, split, page(offset, length))
}

// Search calls GET /search: rows of a split whose text columns match query.
func (c *Client) Search(ctx context.Context, dataset, config, split, query string, offset, length int) (*Rows, error) {
	if err := required("query", query); err != nil {
		return nil, err
	}
	extra := page(offset, length)
	extra.Set("query", query)
	return c.rows(ctx, "/search", dataset, config, split, extra)
}

// Statistics calls GET /statistics: per-column statistics of a split.
func (c *Client) Statistics(ctx context.Context, dataset, config, split string) (*Statistics, error) {
	p, err := splitParams(dataset, config, split)
	if err != nil {
		return nil, err
	}
	var out Statistics
	if _, err := c.get(ctx, "/statistics", p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FilterOptions are the optional parameters of [Client.Filter].
type FilterOptions struct {
	// OrderBy sorts the rows, in SQL syntax ("Age DESC").
	OrderBy string
	// Offset and Length select a page; Length 0 means [MaxPageLength].
	Offset, Length int
}

// Filter calls GET /filter: rows of a split that satisfy where, an SQL
// condition ("Age = 30 AND Sex = 'female'").
func (c *Client) Filter(ctx context.Context, dataset, config, split, where string, opts *FilterOptions) (*Rows, error) {
	if err := required("where", where); err != nil {
		return nil, err
	}
	var o FilterOptions
	if opts != nil {
		o = *opts
	}
	extra := page(o.Offset, o.Length)
	extra.Set("where", where)
	if o.OrderBy != "" {
		extra.Set("orderby", o.OrderBy)
	}
	return c.rows(ctx, "/filter", dataset, config, split, extra)
}

func page(offset, length int) url.Values {
	if length <= 0 || length > MaxPageLength {
		length = MaxPageLength
	}
	return url.Values{"offset": {strconv.Itoa(max(offset, 0))}, "length": {strconv.Itoa(length)}}
}

func (c *Client) rows(ctx context.Context, path, dataset, config, split string, extra url.Values) (*Rows, error) {
	p, err := splitParams(dataset, config, split)
	if err != nil {
		return nil, err
	}
	for k, v := range extra {
		p[k] = v
	}
	var out Rows
	if _, err := c.get(ctx, path, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllRows iterates over every row of a split, fetching pages of pageSize
// rows (0 means [MaxPageLength]) from /rows as the loop asks for them. An
// error is yielded once and ends the iteration.
func (c *Client) AllRows(ctx context.Context, dataset, config, split string, pageSize int) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		offset := 0
		for {
			page, err := c.Rows(ctx, dataset, config, split, offset, pageSize)
			if err != nil {
				yield(Row{}, err)
				return
			}
			for _, r := range page.Rows {
				if !yield(r, nil) {
					return
				}
			}
			offset += len(page.Rows)
			if len(page.Rows) == 0 || int64(offset) >= page.NumRowsTotal {
				return
			}
		}
	}
}

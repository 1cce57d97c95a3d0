package inference

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// call is one task invocation before routing: inputs and parameters as
// JSON values, or a binary input.
type call struct {
	task   Task
	model  string
	inputs any            // JSON inputs (text, list, object); nil for raw binary tasks
	media  *media         // binary input
	params map[string]any // task parameters, unset ones dropped
	extra  map[string]any // merged at the body's root (ExtraBody)
	stream bool
	meta   *Meta
}

// media is a binary input: bytes, or a URL the provider fetches itself.
type media struct {
	data        []byte
	contentType string
	url         string
}

// output is what a shape made of the answer: JSON for the task method to
// decode, or a binary blob.
type output struct {
	json []byte
	blob *Blob
	meta Meta
}

// shape builds a provider's request body from a call and reads its answer.
// Shapes are shared by the rows of the route table.
type shape struct {
	build  func(c *Client, t *target, in *call) (*request, error)
	finish func(ctx context.Context, c *Client, t *target, r *request, resp *http.Response) (*output, error)
}

// run resolves, builds, sends and finishes one call.
func (c *Client) run(ctx context.Context, in *call) (*output, error) {
	t, err := c.resolve(ctx, in.task, in.model)
	if err != nil {
		return nil, err
	}
	return c.runTarget(ctx, t, in)
}

func (c *Client) runTarget(ctx context.Context, t *target, in *call) (*output, error) {
	r, err := t.route.shape.build(c, t, in)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, t, r)
	if err != nil {
		return nil, err
	}
	meta := metaOf(resp, t)
	finish := t.route.shape.finish
	if finish == nil {
		finish = finishJSON
	}
	out, err := finish(ctx, c, t, r, resp)
	if err != nil {
		return nil, err
	}
	out.meta = meta
	if in.meta != nil {
		*in.meta = meta
	}
	return out, nil
}

// ---- body helpers

// jsonRequest encodes m (with "model" first when model is set: the router
// can pick the provider from a short prefix of a large body) plus extra.
func jsonRequest(t *target, model string, m map[string]any, extra map[string]any) (*request, error) {
	for k, v := range extra {
		m[k] = v
	}
	delete(m, "model")
	rest, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: encoding the request: %v", ErrInvalidInput, err)
	}
	body := rest
	if model != "" {
		q, _ := json.Marshal(model)
		var b bytes.Buffer
		b.Grow(len(rest) + len(q) + 10)
		b.WriteString(`{"model":`)
		b.Write(q)
		if len(rest) > 2 {
			b.WriteByte(',')
			b.Write(rest[1:])
		} else {
			b.WriteByte('}')
		}
		body = b.Bytes()
	}
	return &request{url: t.url, body: body, contentType: "application/json"}, nil
}

func params(in *call) map[string]any {
	if in.params == nil {
		return map[string]any{}
	}
	return maps.Clone(in.params)
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

// asURL is a binary input as a URL: its own URL, else a data URL.
func (m *media) asURL(defaultType string) string {
	if m.url != "" {
		return m.url
	}
	return "data:" + cmpOr(m.contentType, defaultType) + ";base64," + b64(m.data)
}

// asInputs is a binary input inside a JSON body: a URL as given, else base64.
func (m *media) asInputs() string {
	if m.url != "" {
		return m.url
	}
	return b64(m.data)
}

func needMedia(in *call) (*media, error) {
	if in.media == nil {
		return nil, fmt.Errorf("%w: task %s needs a binary input", ErrInvalidInput, in.task)
	}
	return in.media, nil
}

func loras(t *target) []any {
	if t.mapping.AdapterWeightsPath == "" {
		return nil
	}
	return []any{map[string]any{"path": "https://huggingface.co/" + t.mapping.HFModelID + "/resolve/main/" + t.mapping.AdapterWeightsPath, "scale": 1}}
}

// ---- finishers

func finishJSON(ctx context.Context, c *Client, t *target, r *request, resp *http.Response) (*output, error) {
	defer resp.Body.Close()
	b, err := readBounded(resp.Body, maxJSONBody)
	if err != nil {
		return nil, fmt.Errorf("inference: reading the answer: %w", ctxErr(ctx, err))
	}
	return &output{json: b}, nil
}

// finishBlob reads a binary answer. A JSON answer is accepted in the two
// shapes JS knows ({"data":[{"b64_json"}]}, {"output":[url]}).
func finishBlob(ctx context.Context, c *Client, t *target, r *request, resp *http.Response) (*output, error) {
	defer resp.Body.Close()
	b, err := readBounded(resp.Body, maxJSONBody)
	if err != nil {
		return nil, fmt.Errorf("inference: reading the answer: %w", ctxErr(ctx, err))
	}
	ct := resp.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") {
		var v struct {
			Data []struct {
				B64 string `json:"b64_json"`
			} `json:"data"`
			Output []string `json:"output"`
		}
		if json.Unmarshal(b, &v) == nil {
			switch {
			case len(v.Data) > 0 && v.Data[0].B64 != "":
				return blobFromBase64(v.Data[0].B64)
			case len(v.Output) > 0:
				return c.download(ctx, v.Output[0])
			}
		}
		return nil, badResponse("expected binary output, got JSON: %.200s", b)
	}
	return &output{blob: &Blob{Data: b, ContentType: sniff(b, ct)}}, nil
}

func blobFromBase64(s string) (*output, error) {
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, badResponse("base64 output: %v", err)
	}
	return &output{blob: &Blob{Data: data, ContentType: sniff(data, "")}}, nil
}

// finishThen decodes the JSON answer into v and hands it to next.
func finishThen[T any](next func(ctx context.Context, c *Client, t *target, r *request, v *T) (*output, error)) func(context.Context, *Client, *target, *request, *http.Response) (*output, error) {
	return func(ctx context.Context, c *Client, t *target, r *request, resp *http.Response) (*output, error) {
		o, err := finishJSON(ctx, c, t, r, resp)
		if err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(o.json, &v); err != nil {
			return nil, badResponse("%s answer: %v: %.200s", t.provider, err, o.json)
		}
		return next(ctx, c, t, r, &v)
	}
}

// download fetches an output asset (no credentials: assets live on CDNs).
// data: URLs are decoded in place.
func (c *Client) download(ctx context.Context, u string) (*output, error) {
	if strings.HasPrefix(u, "data:") {
		meta, data, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
		if !ok {
			return nil, badResponse("malformed data URL")
		}
		ct, isB64 := strings.CutSuffix(meta, ";base64")
		var b []byte
		if isB64 {
			var err error
			if b, err = base64.StdEncoding.DecodeString(data); err != nil {
				return nil, badResponse("data URL: %v", err)
			}
		} else {
			s, _ := url.PathUnescape(data)
			b = []byte(s)
		}
		return &output{blob: &Blob{Data: b, ContentType: sniff(b, ct)}}, nil
	}
	if !isURL(u) {
		return nil, badResponse("output URL %q is not http(s)", u)
	}
	resp, err := c.send(ctx, nil, &request{method: http.MethodGet, url: u, noAuth: true})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := readBounded(resp.Body, maxJSONBody)
	if err != nil {
		return nil, fmt.Errorf("inference: downloading %s: %w", u, ctxErr(ctx, err))
	}
	return &output{blob: &Blob{Data: b, ContentType: sniff(b, resp.Header.Get("Content-Type"))}}, nil
}

// poll GETs u (with the call's credentials) every interval until done
// reports true, at most max times (0: until the context ends).
func (c *Client) poll(ctx context.Context, t *target, u string, interval time.Duration, max int, done func([]byte) (bool, error)) ([]byte, error) {
	if c.pollEvery > 0 {
		interval = c.pollEvery
	}
	for i := 0; max == 0 || i < max; i++ {
		if i > 0 || interval > 0 {
			timer := time.NewTimer(interval)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil, fmt.Errorf("inference: waiting for the %s job: %w", t.provider, context.Cause(ctx))
			case <-timer.C:
			}
		}
		resp, err := c.send(ctx, t, &request{method: http.MethodGet, url: u})
		if err != nil {
			return nil, err
		}
		b, err := readBounded(resp.Body, maxJSONBody)
		resp.Body.Close()
		if err != nil {
			return nil, ctxErr(ctx, err)
		}
		ok, err := done(b)
		if err != nil || ok {
			return b, err
		}
	}
	return nil, fmt.Errorf("%w: the %s job did not finish after %d status polls", ErrTimeout, t.provider, max)
}

// providerBase is where a provider's own follow-up paths (polling) live:
// the router prefix when routed, else the host of the request URL.
func (c *Client) providerBase(t *target) string {
	if t.routed {
		return c.routerURL + "/" + t.provider
	}
	u, err := url.Parse(t.url)
	if err != nil {
		return t.url
	}
	return u.Scheme + "://" + u.Host
}

// pathOf is the path (and query) of a URL a provider returned.
func pathOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	if u.RawQuery != "" {
		return u.EscapedPath() + "?" + u.RawQuery
	}
	return u.EscapedPath()
}

func keysOf(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

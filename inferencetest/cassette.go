package inferencetest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Interaction is one recorded exchange of a VCR cassette (the YAML files
// huggingface_hub's tests record).
type Interaction struct {
	Method      string
	URL         *url.URL
	RequestBody []byte
	Status      int
	Header      http.Header
	Body        []byte
}

// Cassette is the list of interactions of one recording file.
type Cassette struct {
	Name         string
	Interactions []Interaction
}

// LoadCassette reads a cassette file. Bodies tagged !!binary are decoded;
// request bodies the loader cannot read (Python object tags) are left
// empty, as the fake never replays request bodies.
func LoadCassette(path string) (*Cassette, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCassette(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Name = path
	return c, nil
}

// ParseCassette parses cassette YAML.
func ParseCassette(b []byte) (*Cassette, error) {
	var doc struct {
		Interactions []struct {
			Request struct {
				Body   yaml.Node `yaml:"body"`
				Method string    `yaml:"method"`
				URI    string    `yaml:"uri"`
			} `yaml:"request"`
			Response struct {
				Body struct {
					String yaml.Node `yaml:"string"`
				} `yaml:"body"`
				Headers map[string][]string `yaml:"headers"`
				Status  struct {
					Code int `yaml:"code"`
				} `yaml:"status"`
			} `yaml:"response"`
		} `yaml:"interactions"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("cassette: %w", err)
	}
	c := &Cassette{}
	for i, it := range doc.Interactions {
		u, err := url.Parse(it.Request.URI)
		if err != nil {
			return nil, fmt.Errorf("cassette: interaction %d: %w", i, err)
		}
		body, err := scalarBytes(&it.Response.Body.String)
		if err != nil {
			return nil, fmt.Errorf("cassette: interaction %d response: %w", i, err)
		}
		reqBody, _ := scalarBytes(&it.Request.Body)
		h := http.Header{}
		for k, vs := range it.Response.Headers {
			for _, v := range vs {
				h.Add(k, v)
			}
		}
		c.Interactions = append(c.Interactions, Interaction{
			Method: strings.ToUpper(it.Request.Method), URL: u, RequestBody: reqBody,
			Status: it.Response.Status.Code, Header: h, Body: body,
		})
	}
	return c, nil
}

// scalarBytes reads a plain or !!binary scalar; null and other kinds give
// nil.
func scalarBytes(n *yaml.Node) ([]byte, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return nil, nil
	}
	if n.Tag == "!!binary" {
		return base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
	}
	if strings.HasPrefix(n.Tag, "!!python") {
		return nil, nil
	}
	return []byte(n.Value), nil
}

// Key is how replay matches requests: method, path and the normalised
// query (expand[]= is expand=; keys sorted). Hosts are ignored.
func Key(method string, u *url.URL) string {
	q := u.Query()
	norm := url.Values{}
	for k, vs := range q {
		norm[strings.TrimSuffix(k, "[]")] = append(norm[strings.TrimSuffix(k, "[]")], vs...)
	}
	keys := make([]string, 0, len(norm))
	for k := range norm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(strings.ToUpper(method))
	b.WriteByte(' ')
	b.WriteString(pathFor(u))
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		vs := norm[k]
		sort.Strings(vs)
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(strings.Join(vs, ",")))
	}
	return b.String()
}

// pathFor maps a recorded URL to the fake's path: CDN hosts go under
// /_assets/{host}; every other host (Hub, router, legacy API) keeps its
// path, as their paths do not collide.
func pathFor(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if isAssetHost(u.Host) {
		return "/_assets/" + u.Host + p
	}
	return p
}

func isAssetHost(host string) bool {
	for _, h := range []string{"fal.media", "replicate.delivery", "bfl.ai", "storage.googleapis.com", "cdn.", "cloudfront.net", "wavespeed.ai/media", "aliyuncs.com", "z.ai/asset", "together.ai/assets"} {
		if strings.Contains(host, h) {
			return true
		}
	}
	return false
}

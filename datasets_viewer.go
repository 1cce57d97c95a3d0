package hfhub

import (
	"net/url"
	"strings"

	"github.com/hfhub-go/hfhub/viewer"
)

// Viewer returns a dataset viewer client that authenticates like the
// client. For the public Hub it talks to [viewer.DefaultEndpoint]; for
// another endpoint it derives the address as the datasets library does
// ("https://hub.example" -> "https://datasets-server.hub.example"). Use
// [Client.ViewerAt] to choose the address.
func (c *Client) Viewer() *viewer.Client {
	return c.ViewerAt(viewerEndpoint(c.endpoint))
}

// ViewerAt returns a dataset viewer client for endpoint that sends the
// client's token.
func (c *Client) ViewerAt(endpoint string) *viewer.Client {
	tok, _ := c.token()
	return viewer.New(endpoint, c.hc, tok)
}

func viewerEndpoint(hub string) string {
	u, err := url.Parse(hub)
	if err != nil || u.Host == "huggingface.co" || u.Host == "" {
		return viewer.DefaultEndpoint
	}
	return strings.Replace(strings.TrimRight(hub, "/"), "://", "://datasets-server.", 1)
}

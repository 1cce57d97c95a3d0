package hfhub

// Token returns the token this client sends to its endpoint and whether it
// has one, resolved by the rules of every request (spec §6): none when
// Anonymous; the WithToken token; else, unless DisableImplicitToken,
// HF_TOKEN / HUGGING_FACE_HUB_TOKEN, then the stored token file (read on each
// call). Packages built on the client's settings, such as inference, use it
// so that one token rule serves every area. Never log the value.
func (c *Client) Token() (string, bool) { return c.token() }

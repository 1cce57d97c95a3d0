package hfhub

// token returns the token requests send (spec §6.1, §6.2): none when
// Anonymous; the explicit WithToken token; else, unless
// DisableImplicitToken, HF_TOKEN / HUGGING_FACE_HUB_TOKEN, then the token
// file at TokenPath (read on each call, so a Login is seen at once).
func (c *Client) token() (string, bool) {
	if c.cfg.Anonymous {
		return "", false
	}
	if c.cfg.explicitToken && c.cfg.Token != "" {
		return c.cfg.Token, true
	}
	if c.cfg.DisableImplicitToken {
		return "", false
	}
	return c.resolveToken()
}

// resolveToken returns the configured token ignoring DisableImplicitToken:
// the option or environment token, else the token file.
func (c *Client) resolveToken() (string, bool) {
	if c.cfg.Token != "" {
		return c.cfg.Token, true
	}
	if c.cfg.TokenPath == "" {
		return "", false
	}
	t, err := readTokenFile(c.cfg.TokenPath)
	if err != nil {
		return "", false // an unreadable token file: anonymous
	}
	return t, t != ""
}

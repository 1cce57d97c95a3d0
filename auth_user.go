package hfhub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// AccessToken describes the token used for a request (whoami).
type AccessToken struct {
	DisplayName string          `json:"displayName"`
	Role        string          `json:"role"` // "read", "write", "fineGrained"
	Expiration  *string         `json:"expiration,omitempty"`
	CreatedAt   string          `json:"createdAt,omitempty"`
	FineGrained json.RawMessage `json:"fineGrained,omitempty"`
}

// AuthInfo tells how a whoami request was authenticated.
type AuthInfo struct {
	Type        string       `json:"type"` // e.g. "access_token"
	AccessToken *AccessToken `json:"accessToken,omitempty"`
	ExpiresAt   string       `json:"expiresAt,omitempty"`
}

// Org is an organisation a user belongs to.
type Org struct {
	Type         string  `json:"type"`
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Fullname     string  `json:"fullname"`
	Email        *string `json:"email,omitempty"`
	CanPay       bool    `json:"canPay"`
	AvatarURL    string  `json:"avatarUrl,omitempty"`
	PeriodEnd    *int64  `json:"periodEnd,omitempty"`
	RoleInOrg    string  `json:"roleInOrg,omitempty"`
	IsEnterprise bool    `json:"isEnterprise,omitempty"`
	Plan         string  `json:"plan,omitempty"`
}

// User is the account a token belongs to (GET /api/whoami-v2). Type is
// "user", "org" or "app".
type User struct {
	Type          string    `json:"type"`
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Fullname      string    `json:"fullname"`
	Email         *string   `json:"email,omitempty"`
	EmailVerified bool      `json:"emailVerified,omitempty"`
	IsPro         bool      `json:"isPro"`
	CanPay        bool      `json:"canPay"`
	AvatarURL     string    `json:"avatarUrl,omitempty"`
	PeriodEnd     *int64    `json:"periodEnd,omitempty"`
	Orgs          []Org     `json:"orgs"`
	Auth          *AuthInfo `json:"auth,omitempty"`

	// Raw is the JSON the Hub sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes u and keeps the raw JSON in u.Raw.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	p, raw, err := decodeKeepRaw[plain](b)
	if err == nil {
		*u, u.Raw = User(p), raw
	}
	return err
}

// WhoAmI returns the account of the client's token. Hub API: GET
// /api/whoami-v2. Without a token it fails with [ErrNoToken] before sending
// anything; a bad token is [ErrUnauthorized].
func (c *Client) WhoAmI(ctx context.Context) (*User, error) {
	tok, ok := c.resolveToken()
	if c.cfg.explicitToken {
		tok, ok = c.cfg.Token, true
	}
	if !ok || c.cfg.Anonymous {
		return nil, fmt.Errorf("whoami: %w; set HF_TOKEN or run `hf auth login`", ErrNoToken)
	}
	return c.whoAmI(ctx, tok)
}

func (c *Client) whoAmI(ctx context.Context, token string) (*User, error) {
	req, err := c.newRequest(ctx, http.MethodGet, c.apiURL("whoami-v2"), nil)
	if err != nil {
		return nil, err
	}
	var u User
	if _, err := c.doJSON(req, &u, &reqOpts{Token: token}); err != nil {
		return nil, fmt.Errorf("whoami: %w", err)
	}
	return &u, nil
}

package hfhub

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// StoredToken is a named token saved by [Client.Login] in the
// stored_tokens file.
type StoredToken struct {
	Name   string
	Token  string
	Active bool // it is the token in the token file
	// RefreshToken and ExpiresAt are set for OAuth tokens.
	RefreshToken string
	ExpiresAt    string
}

// Login checks token with whoami, then saves it as the active token (the
// token file, mode 0600) and under its name in stored_tokens, exactly as
// the Python client's login does. The name is the token's display name on
// the Hub ("oauth-<user>" for OAuth tokens). Organisation API tokens
// (api_org...) are refused.
func (c *Client) Login(ctx context.Context, token string) (*User, error) {
	token = cleanToken(token)
	if token == "" {
		return nil, fmt.Errorf("login: %w: the token is empty", ErrValidation)
	}
	if strings.HasPrefix(token, "api_org") {
		return nil, fmt.Errorf("login: %w: organisation API tokens (api_org...) are not supported: create a user access token at %s/settings/tokens", ErrValidation, c.endpoint)
	}
	u, err := c.whoAmI(ctx, token)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	name := ""
	if u.Auth != nil && u.Auth.AccessToken != nil {
		name = u.Auth.AccessToken.DisplayName
	}
	if name == "" {
		name = "oauth-" + u.Name
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stored, err := readStoredTokens(c.cfg.StoredTokensPath)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	stored.set(name, map[string]string{"hf_token": token})
	if err := stored.write(c.cfg.StoredTokensPath); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err := writeSecretFile(c.cfg.TokenPath, []byte(token)); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return u, nil
}

// Logout deletes saved tokens. With name "", it deletes the token file and
// stored_tokens; otherwise it removes that stored token, and the token file
// too if it held the same token. It fails with an explanation when a token
// is still set through HF_TOKEN, since requests would keep using it.
func (c *Client) Logout(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if name == "" {
		for _, p := range []string{c.cfg.TokenPath, c.cfg.StoredTokensPath} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("logout: %w", err)
			}
		}
	} else {
		stored, err := readStoredTokens(c.cfg.StoredTokensPath)
		if err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		sec, ok := stored.get(name)
		if !ok {
			return fmt.Errorf("logout: %w: no stored token named %q (see `hf auth list`)", ErrValidation, name)
		}
		stored.remove(name)
		if err := stored.write(c.cfg.StoredTokensPath); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
		if active, _ := readTokenFile(c.cfg.TokenPath); active != "" && active == sec["hf_token"] {
			if err := os.Remove(c.cfg.TokenPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("logout: %w", err)
			}
		}
	}
	if c.cfg.Token != "" && c.cfg.Source("Token") != "option" {
		return fmt.Errorf("logout: token files deleted, but you are still logged in through %s: unset it to log out completely",
			strings.TrimPrefix(c.cfg.Source("Token"), "env "))
	}
	return nil
}

// ListTokens returns the stored tokens, sorted by name, marking the one in
// the token file as active.
func (c *Client) ListTokens(ctx context.Context) ([]StoredToken, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stored, err := readStoredTokens(c.cfg.StoredTokensPath)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	active, _ := readTokenFile(c.cfg.TokenPath)
	var out []StoredToken
	for _, s := range stored.sections {
		t := StoredToken{Name: s.name, Token: s.values["hf_token"], RefreshToken: s.values["refresh_token"], ExpiresAt: s.values["expires_at"]}
		t.Active = t.Token != "" && t.Token == active
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// SwitchToken makes the stored token name the active one (writes it to the
// token file).
func (c *Client) SwitchToken(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stored, err := readStoredTokens(c.cfg.StoredTokensPath)
	if err != nil {
		return fmt.Errorf("switch token: %w", err)
	}
	sec, ok := stored.get(name)
	if !ok || sec["hf_token"] == "" {
		return fmt.Errorf("switch token: %w: no stored token named %q (see `hf auth list`, or `hf auth login` to add one)", ErrValidation, name)
	}
	if err := writeSecretFile(c.cfg.TokenPath, []byte(sec["hf_token"])); err != nil {
		return fmt.Errorf("switch token: %w", err)
	}
	return nil
}

// readTokenFile returns the cleaned content of a token file ("" if absent).
func readTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	return cleanToken(string(b)), nil
}

// iniFile is a minimal configparser-compatible INI document: sections with
// key = value pairs, keys lower-cased, comments (# ;) dropped.
type iniFile struct {
	sections []iniSection
}

type iniSection struct {
	name   string
	keys   []string // in file order
	values map[string]string
}

func readStoredTokens(path string) (*iniFile, error) {
	f := &iniFile{}
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f, nil
		}
		return nil, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cur *iniSection
	lastKey := ""
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			name := trimmed[1 : len(trimmed)-1]
			cur = nil
			for i := range f.sections { // a repeated section merges into the first
				if f.sections[i].name == name {
					cur = &f.sections[i]
				}
			}
			if cur == nil {
				f.sections = append(f.sections, iniSection{name: name, values: map[string]string{}})
				cur = &f.sections[len(f.sections)-1]
			}
			lastKey = ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s: line %q is outside any [section]: fix or delete the file", path, trimmed)
		}
		if (line[0] == ' ' || line[0] == '\t') && lastKey != "" { // continuation line
			cur.values[lastKey] += "\n" + trimmed
			continue
		}
		i := strings.IndexAny(trimmed, "=:")
		if i < 0 {
			return nil, fmt.Errorf("%s: line %q has no \"=\": fix or delete the file", path, trimmed)
		}
		k := strings.ToLower(strings.TrimSpace(trimmed[:i]))
		v := strings.TrimSpace(trimmed[i+1:])
		if _, seen := cur.values[k]; !seen {
			cur.keys = append(cur.keys, k)
		}
		cur.values[k] = v
		lastKey = k
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func (f *iniFile) get(name string) (map[string]string, bool) {
	for _, s := range f.sections {
		if s.name == name {
			return s.values, true
		}
	}
	return nil, false
}

// set replaces section name wholesale with values (keys hf_token,
// refresh_token, expires_at first, in that order).
func (f *iniFile) set(name string, values map[string]string) {
	s := iniSection{name: name, values: map[string]string{}}
	order := []string{"hf_token", "refresh_token", "expires_at"}
	for _, k := range order {
		if v, ok := values[k]; ok {
			s.keys = append(s.keys, k)
			s.values[k] = v
		}
	}
	var rest []string
	for k := range values {
		if _, ok := s.values[k]; !ok {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		s.keys = append(s.keys, k)
		s.values[k] = values[k]
	}
	f.remove(name)
	f.sections = append(f.sections, s)
}

func (f *iniFile) remove(name string) {
	out := f.sections[:0]
	for _, s := range f.sections {
		if s.name != name {
			out = append(out, s)
		}
	}
	f.sections = out
}

// bytes renders the file like Python's configparser.write with sections
// sorted by name: "[name]\nkey = value\n\n" for each section.
func (f *iniFile) bytes() []byte {
	secs := append([]iniSection(nil), f.sections...)
	sort.Slice(secs, func(i, j int) bool { return secs[i].name < secs[j].name })
	var b strings.Builder
	for _, s := range secs {
		b.WriteString("[" + s.name + "]\n")
		for _, k := range s.keys {
			v := strings.ReplaceAll(s.values[k], "\n", "\n\t")
			b.WriteString(k + " = " + v + "\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func (f *iniFile) write(path string) error {
	return writeSecretFile(path, f.bytes())
}

// writeSecretFile writes data to path crash-safely with mode 0600
// ([fsutil.WriteFileAtomic]); the folder is created with mode 0700 if
// missing.
func writeSecretFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, data, 0o600)
}

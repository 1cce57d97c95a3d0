package server

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Role is what a token allows.
type Role int

// Roles, in increasing power.
const (
	// RoleRead reads public repos and the user's own private repos.
	RoleRead Role = iota + 1
	// RoleWrite also writes the user's own repos.
	RoleWrite
	// RoleAdmin reads and writes every repo.
	RoleAdmin
)

// String returns "read", "write" or "admin".
func (r Role) String() string {
	switch r {
	case RoleRead:
		return "read"
	case RoleWrite:
		return "write"
	case RoleAdmin:
		return "admin"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole parses "read", "write" or "admin".
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(s) {
	case "read":
		return RoleRead, nil
	case "write":
		return RoleWrite, nil
	case "admin":
		return RoleAdmin, nil
	}
	return 0, fmt.Errorf("role %q: want read, write or admin", s)
}

// User is the identity behind a token.
type User struct {
	Name string
	Role Role
}

// CanRead reports whether u may read a private repo in namespace ns.
// A nil User (anonymous) may not.
func (u *User) CanRead(ns string) bool {
	return u != nil && (u.Role == RoleAdmin || (ns != "" && u.Name == ns))
}

// CanWrite reports whether u may write a repo in namespace ns.
func (u *User) CanWrite(ns string) bool {
	return u != nil && (u.Role == RoleAdmin || (u.Role == RoleWrite && ns != "" && u.Name == ns))
}

// Tokens maps bearer tokens to users.
type Tokens map[string]User

// LoadTokens reads a tokens file: one "TOKEN USERNAME ROLE" per line, ROLE
// being read, write or admin; blank lines and lines starting with # are
// ignored.
func LoadTokens(path string) (Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer f.Close()
	t, err := ParseTokens(f)
	if err != nil {
		return nil, fmt.Errorf("tokens file %s: %w", path, err)
	}
	return t, nil
}

// ParseTokens reads tokens in the format of [LoadTokens].
func ParseTokens(r io.Reader) (Tokens, error) {
	t := Tokens{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want \"TOKEN USERNAME read|write|admin\", got %d fields", n, len(f))
		}
		role, err := ParseRole(f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		t[f[0]] = User{Name: f[1], Role: role}
	}
	return t, sc.Err()
}

// bearer returns the token of an Authorization header, or "".
func bearer(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

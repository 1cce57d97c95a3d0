package lfs

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// OID is the sha256 of a file's content: the address of an LFS object and
// the name of a blob in the Hugging Face cache. The zero value is the hash of
// nothing in particular; use [OID.IsZero] to test for "unset".
type OID [32]byte

// ErrBadOID is returned (wrapped) for a string that is not 64 lowercase
// hexadecimal digits.
var ErrBadOID = errors.New("invalid sha256 oid")

// ParseOID reads 64 hexadecimal digits. Upper-case digits are accepted and
// normalised; anything else returns an error wrapping [ErrBadOID].
func ParseOID(s string) (OID, error) {
	var o OID
	if len(s) != 64 {
		return o, fmt.Errorf("%w %q: want 64 hex digits, got %d characters", ErrBadOID, truncate(s), len(s))
	}
	if _, err := hex.Decode(o[:], []byte(s)); err != nil {
		return OID{}, fmt.Errorf("%w %q: not hexadecimal", ErrBadOID, truncate(s))
	}
	return o, nil
}

// String returns the 64 lowercase hex digits.
func (o OID) String() string { return hex.EncodeToString(o[:]) }

// Short returns the first 12 hex digits, for messages.
func (o OID) Short() string { return o.String()[:12] }

// IsZero reports whether o is all zero bytes (never a real sha256 in practice).
func (o OID) IsZero() bool { return o == OID{} }

// MarshalText encodes o as 64 lowercase hex digits (also used by encoding/json).
func (o OID) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText parses 64 hex digits (also used by encoding/json).
func (o *OID) UnmarshalText(b []byte) error {
	p, err := ParseOID(string(b))
	if err != nil {
		return err
	}
	*o = p
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

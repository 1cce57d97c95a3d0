package lfs

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SpecVersion is the version line value of every pointer file we write.
const SpecVersion = "https://git-lfs.github.com/spec/v1"

// MaxPointerSize is the largest file that can be a pointer; Git LFS itself
// refuses to parse anything bigger.
const MaxPointerSize = 1024

// ErrNotPointer is returned (wrapped) by [ParsePointer] for content that is
// not a Git LFS pointer file.
var ErrNotPointer = errors.New("not a git lfs pointer")

// Pointer is the small text file git stores in place of an LFS object.
type Pointer struct {
	OID  OID
	Size int64
}

// String returns the canonical pointer file text:
//
//	version https://git-lfs.github.com/spec/v1
//	oid sha256:<64 hex digits>
//	size <bytes>
//
// each line ending in "\n".
func (p Pointer) String() string {
	return "version " + SpecVersion + "\noid sha256:" + p.OID.String() + "\nsize " + strconv.FormatInt(p.Size, 10) + "\n"
}

// Bytes returns [Pointer.String] as bytes.
func (p Pointer) Bytes() []byte { return []byte(p.String()) }

// legacyVersions are version URLs older Git LFS releases wrote; we read them.
var legacyVersions = []string{"https://hawser.github.com/spec/v1", "https://git-lfs.github.com/spec/v1"}

// ParsePointer reads a pointer file. It follows the Git LFS spec: a version
// line first, then "key value" lines with keys in sorted order, "oid
// sha256:<hex>" and "size <n>" both required, every line ending in "\n";
// unknown extension keys are allowed. Errors wrap [ErrNotPointer].
func ParsePointer(b []byte) (Pointer, error) {
	var p Pointer
	fail := func(format string, args ...any) (Pointer, error) {
		return Pointer{}, fmt.Errorf("%w: "+format, append([]any{ErrNotPointer}, args...)...)
	}
	if len(b) > MaxPointerSize {
		return fail("%d bytes, a pointer has at most %d", len(b), MaxPointerSize)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return fail("does not end with a newline")
	}
	lines := strings.Split(string(b[:len(b)-1]), "\n")
	key, val, ok := strings.Cut(lines[0], " ")
	if !ok || key != "version" || !isKnownVersion(val) {
		return fail("first line is not \"version %s\"", SpecVersion)
	}
	var haveOID, haveSize bool
	prev := ""
	for _, line := range lines[1:] {
		key, val, ok := strings.Cut(line, " ")
		if !ok || key == "" || val == "" {
			return fail("malformed line %q", truncate(line))
		}
		if key <= prev {
			return fail("key %q out of order or repeated", key)
		}
		prev = key
		switch key {
		case "oid":
			hexOID, found := strings.CutPrefix(val, "sha256:")
			if !found {
				return fail("oid %q is not sha256", truncate(val))
			}
			o, err := ParseOID(hexOID)
			if err != nil || strings.ToLower(hexOID) != hexOID {
				return fail("oid %q is not 64 lowercase hex digits", truncate(hexOID))
			}
			p.OID, haveOID = o, true
		case "size":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n < 0 || strconv.FormatInt(n, 10) != val {
				return fail("size %q is not a non-negative integer", truncate(val))
			}
			p.Size, haveSize = n, true
		default:
			if !validExtKey(key) {
				return fail("invalid key %q", truncate(key))
			}
		}
	}
	if !haveOID || !haveSize {
		return fail("oid and size lines are required")
	}
	return p, nil
}

// IsPointer reports whether b parses as a pointer file.
func IsPointer(b []byte) bool {
	if len(b) > MaxPointerSize || !bytes.HasPrefix(b, []byte("version ")) {
		return false
	}
	_, err := ParsePointer(b)
	return err == nil
}

func isKnownVersion(v string) bool {
	for _, k := range legacyVersions {
		if v == k {
			return true
		}
	}
	return false
}

// validExtKey accepts the key grammar of the Git LFS spec: [a-z0-9.-]+.
func validExtKey(k string) bool {
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

package hfuri

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Scheme is the prefix of every hf:// URI.
const Scheme = "hf://"

// Kind says whether a URI names a repository or a bucket.
type Kind string

// Kinds of URI.
const (
	KindRepo   Kind = "repo"
	KindBucket Kind = "bucket"
)

// RepoType is the type of a repository as written in a URI's singular form:
// "model", "dataset", "space" or "kernel". hfhub.ParseRepoType reads it.
type RepoType string

// Repository types.
const (
	Model   RepoType = "model"
	Dataset RepoType = "dataset"
	Space   RepoType = "space"
	Kernel  RepoType = "kernel"
)

// Prefix is the plural path segment of the type: "models", "datasets",
// "spaces" or "kernels".
func (t RepoType) Prefix() string { return string(t) + "s" }

// typePrefixes maps the plural URI prefixes to what they name; "buckets"
// maps to the empty RepoType.
var typePrefixes = map[string]RepoType{
	"models":   Model,
	"datasets": Dataset,
	"spaces":   Space,
	"kernels":  Kernel,
	"buckets":  "",
}

// singulars maps a singular type name to its plural, for the "write it
// plural" hint.
var singulars = map[string]string{
	"model": "models", "dataset": "datasets", "space": "spaces", "kernel": "kernels", "bucket": "buckets",
}

// URI is a parsed hf:// URI. The zero value is not a valid URI.
type URI struct {
	// Kind is KindRepo or KindBucket.
	Kind Kind
	// RepoType is the repository's type; empty for a bucket.
	RepoType RepoType
	// ID is "namespace/name": the repository id, or for a bucket the bucket id.
	ID string
	// Revision is the branch, tag, commit or special ref given after "@",
	// decoded ("feature%2Fx" is "feature/x"); empty when none was given
	// (the caller's default, usually "main"). Buckets have none.
	Revision string
	// Path is the path inside the repository or bucket without leading or
	// trailing "/"; empty for the root.
	Path string
	// Dir is true when Path is not empty and the URI ended with "/" (or was
	// a web URL's tree route): it names a folder.
	Dir bool
}

// IsBucket reports whether u names a bucket.
func (u URI) IsBucket() bool { return u.Kind == KindBucket }

// IsRepo reports whether u names a repository.
func (u URI) IsRepo() bool { return u.Kind == KindRepo }

// ErrInvalid is matched (errors.Is) by every parse error of this package.
var ErrInvalid = errors.New("invalid hf:// URI")

// Error is a malformed URI, repo id or mount: Input as given and Reason,
// a sentence saying what is wrong and how to write it instead.
type Error struct {
	Input  string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid hf:// URI %q: %s", e.Input, e.Reason)
}

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func errorf(input, format string, args ...any) error {
	return &Error{Input: input, Reason: fmt.Sprintf(format, args...)}
}

const grammar = "write hf://[TYPE/]NAMESPACE/NAME[@REVISION][/PATH], TYPE one of models, datasets, spaces, kernels, buckets"

// IsURI reports whether s starts with hf://: the user means a URI, so a
// command should parse it with [Parse] (and report its error) rather than
// read it as a repo id or a local path.
func IsURI(s string) bool { return strings.HasPrefix(s, Scheme) }

// Parse parses an hf:// URI, or a Hugging Face web URL (huggingface.co,
// hf.co, with or without https://; see [ParseEndpoint]).
func Parse(s string) (URI, error) { return ParseEndpoint(s, "") }

// ParseEndpoint is [Parse] that also recognises web URLs of endpoint (a
// self-hosted Hub such as "http://localhost:8080/hf": its host, and its
// path prefix stripped). An empty endpoint adds nothing.
func ParseEndpoint(s, endpoint string) (URI, error) {
	switch {
	case IsURI(s):
		body := s[len(Scheme):]
		if body == "" {
			return URI{}, errorf(s, "nothing after %s: %s", Scheme, grammar)
		}
		return parseBody(s, body, false)
	case looksLikeWebURL(s, endpoint):
		body, dir, err := webURLBody(s, endpoint)
		if err != nil {
			return URI{}, err
		}
		return parseBody(s, body, dir)
	}
	return URI{}, errorf(s, "it does not start with %s and is not a Hugging Face web URL: %s", Scheme, grammar)
}

// ParsePath parses a location with or without the hf:// scheme, as
// HfFileSystem.resolve_path does: "datasets/org/name@dev/train.csv",
// "org/model/config.json". A single segment ("gpt2") is refused: ids in a
// path are always "namespace/name".
func ParsePath(s string) (URI, error) {
	body := strings.TrimPrefix(s, Scheme)
	if strings.Trim(body, "/") == "" {
		return URI{}, errorf(s, "the path is empty: name a repository or bucket (%s)", grammar)
	}
	return parseBody(s, body, false)
}

// parseBody parses what follows the scheme. dir forces Dir (web tree routes).
func parseBody(raw, body string, dir bool) (URI, error) {
	rt, kind, loc, err := splitType(raw, body)
	if err != nil {
		return URI{}, err
	}
	trailing := strings.HasSuffix(loc, "/")
	loc = strings.Trim(loc, "/")
	var u URI
	if kind == KindBucket {
		u, err = parseBucket(raw, loc)
	} else {
		u, err = parseRepo(raw, rt, loc)
	}
	if err != nil {
		return URI{}, err
	}
	u.Dir = u.Path != "" && (trailing || dir)
	return u, nil
}

// splitType reads the optional type prefix of body.
func splitType(raw, body string) (RepoType, Kind, string, error) {
	first, rest, found := strings.Cut(body, "/")
	if rt, ok := typePrefixes[first]; ok {
		if !found || strings.Trim(rest, "/") == "" {
			return "", "", "", errorf(raw, "nothing after %q: write %s%s/NAMESPACE/NAME", first, Scheme, first)
		}
		if first == "buckets" {
			return "", KindBucket, rest, nil
		}
		return rt, KindRepo, rest, nil
	}
	if plural, ok := singulars[first]; ok {
		return "", "", "", errorf(raw, "the type prefix is plural: write %q, not %q", plural+"/", first+"/")
	}
	return Model, KindRepo, body, nil
}

func parseBucket(raw, loc string) (URI, error) {
	parts := strings.SplitN(loc, "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return URI{}, errorf(raw, "a bucket id is NAMESPACE/NAME, got %q: write %sbuckets/NAMESPACE/NAME[/PATH]", loc, Scheme)
	}
	id := parts[0] + "/" + parts[1]
	if strings.Contains(id, "@") {
		return URI{}, errorf(raw, "buckets have no revisions: remove the \"@...\" part")
	}
	if err := checkID(id, "bucket"); err != nil {
		return URI{}, &Error{Input: raw, Reason: err.Error()}
	}
	u := URI{Kind: KindBucket, ID: id}
	if len(parts) == 3 {
		u.Path = parts[2]
	}
	return u, checkPath(raw, u.Path)
}

// specialRef matches the revisions that contain "/" yet are written as they
// are: refs/pr/N and refs/convert/NAME, followed by "/" or the end.
var specialRef = regexp.MustCompile(`^refs/(?:convert/[\w.-]+|pr/[0-9]+)(?:/|$)`)

func parseRepo(raw string, rt RepoType, loc string) (URI, error) {
	u := URI{Kind: KindRepo, RepoType: rt}
	at := strings.IndexByte(loc, '@')
	if at < 0 || strings.Count(loc[:at], "/") > 1 {
		// No revision: an "@" past namespace/name belongs to a file name.
		parts := strings.SplitN(loc, "/", 3)
		if len(parts) < 2 {
			return URI{}, errorf(raw, "a repo id is NAMESPACE/NAME, got %q (ids without a namespace, like \"gpt2\", are not valid in a URI)", loc)
		}
		u.ID = parts[0] + "/" + parts[1]
		if len(parts) == 3 {
			u.Path = parts[2]
		}
	} else {
		u.ID = loc[:at]
		if u.ID == "" {
			return URI{}, errorf(raw, "no repo id before \"@\": write NAMESPACE/NAME@REVISION")
		}
		if strings.Count(u.ID, "/") != 1 {
			return URI{}, errorf(raw, "a repo id is NAMESPACE/NAME, got %q", u.ID)
		}
		rev, path := splitRevision(loc[at+1:])
		u.Revision = unquote(rev)
		u.Path = path
		if u.Revision == "" {
			return URI{}, errorf(raw, "the revision after \"@\" is empty: write @BRANCH, @TAG or @COMMIT, or leave out the \"@\"")
		}
	}
	if err := checkID(u.ID, "repo"); err != nil {
		return URI{}, &Error{Input: raw, Reason: err.Error()}
	}
	return u, checkPath(raw, u.Path)
}

// splitRevision splits "REVISION[/PATH]": a special ref is taken whole,
// anything else ends at the first "/".
func splitRevision(s string) (rev, path string) {
	if m := specialRef.FindString(s); m != "" {
		return strings.TrimSuffix(m, "/"), s[len(m):]
	}
	rev, path, _ = strings.Cut(s, "/")
	return rev, path
}

func checkPath(raw, path string) error {
	if path == "" {
		return nil
	}
	for seg := range strings.SplitSeq(path, "/") {
		switch seg {
		case "":
			return errorf(raw, "the path %q has an empty segment (\"//\"): remove the extra \"/\"", path)
		case ".", "..":
			return errorf(raw, "the path %q has a %q segment: paths inside a repo or bucket are written from its root", path, seg)
		}
	}
	if strings.ContainsRune(path, 0) {
		return errorf(raw, "the path has a NUL byte")
	}
	return nil
}

// unquote decodes %XX escapes as Python's urllib.parse.unquote: a "%" not
// followed by two hex digits stays as it is.
func unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

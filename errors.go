package hfhub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Error categories. Test for them with errors.Is; read details from
// *HubError with errors.As.
var (
	// ErrRepoNotFound: the repository does not exist, has another type, or
	// is private and the token (if any) has no access.
	ErrRepoNotFound = errors.New("repository not found")
	// ErrRevisionNotFound: the repository exists, the branch, tag or commit
	// does not.
	ErrRevisionNotFound = errors.New("revision not found")
	// ErrEntryNotFound: the file or folder does not exist at that revision.
	ErrEntryNotFound = errors.New("file not found in repository")
	// ErrGatedRepo: the repository is gated and the user has not been granted
	// access. A gated-repo error also matches ErrRepoNotFound, as in Python.
	ErrGatedRepo = errors.New("repository is gated")
	// ErrDisabledRepo: the repository was disabled by its author or moderators.
	ErrDisabledRepo = errors.New("repository is disabled")
	// ErrUnauthorized: the token is missing, invalid or expired.
	ErrUnauthorized = errors.New("missing or invalid token")
	// ErrForbidden: the token is valid but lacks the permission (HTTP 403).
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: the Hub answered 429 Too Many Requests (after retries).
	ErrRateLimited = errors.New("rate limited")
	// ErrBadRequest: the Hub rejected the request as malformed (HTTP 400).
	ErrBadRequest = errors.New("bad request")
	// ErrConflict: the resource already exists or changed (HTTP 409).
	ErrConflict = errors.New("conflict")
	// ErrRangeNotSatisfiable: the Range of a request is outside the file (416).
	ErrRangeNotSatisfiable = errors.New("range not satisfiable")
	// ErrServer: the Hub failed with a 5xx status (after retries).
	ErrServer = errors.New("server error")
	// ErrOffline: HF_HUB_OFFLINE (or WithOffline) forbids network requests.
	ErrOffline = errors.New("offline mode is enabled")
	// ErrLocalEntryNotFound: the file is not in the local cache and the Hub
	// could not be asked (offline, unreachable, or LocalFilesOnly).
	ErrLocalEntryNotFound = errors.New("file not found in the local cache")
	// ErrNoToken: an operation needs a token and none is configured.
	ErrNoToken = errors.New("no token found")
	// ErrValidation: an argument is invalid (bad repo id, conflicting
	// options); nothing was sent.
	ErrValidation = errors.New("invalid argument")
	// ErrChecksumMismatch: downloaded data does not match its checksum.
	ErrChecksumMismatch = errors.New("downloaded data does not match its checksum")
)

// HubError is a non-2xx answer from the Hub. Error() reads
// "GET <url>: 404 <message> (request id <id>); <hint>", preceded by
// "<type> <id> not found: " for [ErrRepoNotFound]. URL never holds
// credentials. Use errors.Is with the Err* sentinels to test its category.
type HubError struct {
	Method     string
	URL        string // the request URL, without user info
	StatusCode int
	Code       string        // X-Error-Code, e.g. "GatedRepo"
	Message    string        // X-Error-Message and/or the body's error text
	RequestID  string        // X-Request-Id (or X-Amzn-Trace-Id), for bug reports
	RetryAfter time.Duration // 429/503: how long the Hub asked us to wait
	RepoType   string        // "model", "dataset", "space" when known from the URL
	RepoID     string        // the repo id when known from the URL
	Hint       string        // what to do next
	// Header holds the response headers (e.g. X-Repo-Commit on a 404
	// EntryNotFound).
	Header http.Header
	kind   error
	// summary leads the message when the status alone misleads (the Hub
	// answers 401 "Invalid username or password" for a missing repo).
	summary string
	// noToken: a write sent without a token got 401; it is also
	// ErrUnauthorized.
	noToken bool
}

// Error implements error.
func (e *HubError) Error() string {
	var b strings.Builder
	if e.summary != "" {
		b.WriteString(e.summary + ": ")
	}
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.URL, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	msg := strings.Join(strings.Fields(e.Message), " ")
	if msg != "" {
		b.WriteString(": " + msg)
	} else if e.kind != nil {
		b.WriteString(": " + e.kind.Error())
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Is reports whether target is e's category. A gated repo is also
// ErrRepoNotFound, as in Python (GatedRepoError subclasses
// RepositoryNotFoundError). A change sent without a token that the Hub
// answered 401 is ErrRepoNotFound (as in Python) and also ErrUnauthorized.
func (e *HubError) Is(target error) bool {
	if e.kind == nil {
		return false
	}
	return target == e.kind || (target == ErrRepoNotFound && e.kind == ErrGatedRepo) ||
		(target == ErrUnauthorized && e.noToken)
}

// Kind returns the sentinel of e's category, or nil for an uncategorised
// status.
func (e *HubError) Kind() error { return e.kind }

// errDisabledMessage is the X-Error-Message of a disabled repository.
const errDisabledMessage = "Access to this resource is disabled."

// errInvalidCredentials is the X-Error-Message of a bad token.
const errInvalidCredentials = "Invalid credentials in Authorization header"

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 1 << 20

var (
	apiRepoPathRE     = regexp.MustCompile(`^/api/(models|datasets|spaces|kernels)/([^/]+)(?:/([^/]+))?`)
	repoRouteSegments = map[string]bool{"resolve": true, "tree": true, "refs": true, "revision": true, "commits": true, "commit": true, "paths-info": true, "preupload": true, "discussions": true, "settings": true, "treesize": true, "branch": true, "tag": true, "super-squash": true, "like": true, "duplicate": true, "lfs-files": true, "xet-read-token": true, "parquet": true, "likers": true, "raw": true, "blob": true}
)

// repoFromURL extracts the repo type and id from an API or /resolve/ URL
// path (without the endpoint's own path prefix).
func repoFromURL(path string) (rtype, id string) {
	if m := apiRepoPathRE.FindStringSubmatch(path); m != nil {
		id = m[2]
		if m[3] != "" && !repoRouteSegments[m[3]] {
			id += "/" + m[3]
		}
		return strings.TrimSuffix(m[1], "s"), id
	}
	// /{prefix}{a}[/{b}]/resolve/...
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	rtype = "model"
	if len(segs) > 0 {
		switch segs[0] {
		case "datasets", "spaces", "kernels":
			rtype = strings.TrimSuffix(segs[0], "s")
			segs = segs[1:]
		}
	}
	for i, s := range segs {
		if s == "resolve" || s == "raw" || s == "blob" {
			if i >= 1 && i <= 2 {
				return rtype, strings.Join(segs[:i], "/")
			}
			break
		}
	}
	return "", ""
}

// newHubError builds the error for a non-2xx response and consumes (but does
// not close) at most 1 MiB of its body. endpointPath is the path prefix of
// the endpoint ("" normally) and tokenSent tells whether Authorization was
// sent, to choose the hint.
func (c *Client) newHubError(resp *http.Response, tokenSent bool) *HubError {
	req := resp.Request
	e := &HubError{
		Method:     req.Method,
		URL:        sanitizeURL(req.URL.String()),
		StatusCode: resp.StatusCode,
		Code:       resp.Header.Get(HeaderErrorCode),
		RequestID:  firstHeader(resp.Header, HeaderRequestID, HeaderTraceID, "X-Amz-Cf-Id"),
		Header:     resp.Header,
	}
	headerMsg := resp.Header.Get(HeaderErrorMessage)
	var msgs []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" {
			return
		}
		for _, m := range msgs {
			if m == s {
				return
			}
		}
		msgs = append(msgs, s)
	}
	add(headerMsg)
	if req.Method != http.MethodHead && resp.Body != nil {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody)) // best effort: the status already tells the failure
		for _, m := range bodyMessages(resp.Header.Get("Content-Type"), body) {
			add(m)
		}
	}
	e.Message = strings.Join(msgs, "\n")
	redactEchoedToken(e, req.Header.Get("Authorization"))
	e.RetryAfter = retryAfter(resp)

	p := req.URL.Path
	if c != nil && c.endpointURL != nil {
		p = strings.TrimPrefix(p, strings.TrimSuffix(c.endpointURL.Path, "/"))
	}
	e.RepoType, e.RepoID = repoFromURL(p)
	isRepoURL := e.RepoID != ""

	switch {
	case e.Code == "RevisionNotFound":
		e.kind = ErrRevisionNotFound
	case e.Code == "EntryNotFound":
		e.kind = ErrEntryNotFound
	case e.Code == "GatedRepo":
		e.kind = ErrGatedRepo
	case headerMsg == errDisabledMessage || e.Message == errDisabledMessage:
		e.kind = ErrDisabledRepo
	case e.Code == "RepoNotFound",
		resp.StatusCode == http.StatusUnauthorized && headerMsg != errInvalidCredentials && isRepoURL:
		e.kind = ErrRepoNotFound
	case resp.StatusCode == http.StatusUnauthorized:
		e.kind = ErrUnauthorized
	case resp.StatusCode == http.StatusBadRequest:
		e.kind = ErrBadRequest
	case resp.StatusCode == http.StatusForbidden:
		e.kind = ErrForbidden
	case resp.StatusCode == http.StatusTooManyRequests:
		e.kind = ErrRateLimited
	case resp.StatusCode == http.StatusConflict:
		e.kind = ErrConflict
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		e.kind = ErrRangeNotSatisfiable
		if r := req.Header.Get("Range"); r != "" {
			e.Message = strings.TrimSpace(e.Message + fmt.Sprintf(" (requested %s, content range %s)", r, resp.Header.Get("Content-Range")))
		}
	case resp.StatusCode >= 500:
		e.kind = ErrServer
	}
	e.noToken = e.kind == ErrRepoNotFound && anonymousWrite(e.Method, tokenSent) && e.StatusCode == http.StatusUnauthorized
	if e.kind == ErrRepoNotFound && e.RepoID != "" && !e.noToken {
		e.summary = e.RepoType + " " + e.RepoID + " not found"
	}
	e.Hint = c.hint(e, tokenSent)
	return e
}

// anonymousWrite reports whether a request changes something (not GET or
// HEAD) and was sent without a token: the Hub then answers 401 whether or
// not the repo exists, and the token is what is missing.
func anonymousWrite(method string, tokenSent bool) bool {
	return !tokenSent && method != http.MethodGet && method != http.MethodHead
}

// hint says what to do next for e.
func (c *Client) hint(e *HubError, tokenSent bool) string {
	login := "set HF_TOKEN or run `hf auth login`"
	repo := "the repository"
	page := ""
	if e.RepoID != "" {
		repo = e.RepoType + " " + e.RepoID
		if c != nil {
			rt, _ := ParseRepoType(e.RepoType)
			page = c.repoWebURL(rt, e.RepoID)
		}
	}
	switch e.kind {
	case ErrGatedRepo:
		h := repo + " is gated"
		switch {
		case page != "" && !strings.Contains(e.Message, page):
			h += ": request access at " + page
		case page != "":
			h += ": request access on its page"
		}
		if !tokenSent {
			h += " and " + login
		}
		return h
	case ErrRepoNotFound:
		if e.noToken {
			return "changing a repo needs a write token: " + login + " (or check the repo id and --repo-type)"
		}
		if tokenSent {
			return "check the repo id and type (--repo-type); if it is private, make sure your token can read it"
		}
		return "check the repo id and type (--repo-type); if it is private or gated, " + login
	case ErrRevisionNotFound:
		return "check the revision name: a branch, a tag or a 40-character commit id"
	case ErrEntryNotFound:
		return "check the file path and the revision"
	case ErrDisabledRepo:
		return repo + " was disabled by its author or the Hub moderators"
	case ErrUnauthorized:
		if tokenSent {
			return "your token is invalid or expired: " + login + " with a valid token"
		}
		return login
	case ErrForbidden:
		return "make sure your token has the permissions this needs (a write token for changes)"
	case ErrRateLimited:
		if e.RetryAfter > 0 {
			return fmt.Sprintf("wait %s and retry; a token raises the limits", e.RetryAfter)
		}
		return "wait a few minutes and retry; a token raises the limits"
	case ErrServer:
		return "the Hub failed; retry later"
	case ErrBadRequest:
		return "check the arguments of the call"
	}
	return ""
}

// bodyMessages extracts the server messages of an error body (spec §5.2):
// JSON "error" (string or list), "error_description", "errors[].message",
// or the raw text of a non-HTML body.
func bodyMessages(contentType string, body []byte) []string {
	body = []byte(strings.TrimSpace(string(body)))
	if len(body) == 0 {
		return nil
	}
	var j struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		Message          string          `json:"message"`
		Errors           []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if body[0] == '{' && json.Unmarshal(body, &j) == nil {
		var out []string
		var s string
		var list []string
		switch {
		case json.Unmarshal(j.Error, &s) == nil && s != "":
			if j.ErrorDescription != "" {
				s += ": " + j.ErrorDescription
			}
			out = append(out, s)
		case json.Unmarshal(j.Error, &list) == nil:
			out = append(out, list...)
		}
		for _, e := range j.Errors {
			out = append(out, e.Message)
		}
		if len(out) == 0 && j.Message != "" {
			out = append(out, j.Message)
		}
		return out
	}
	if strings.Contains(contentType, "html") || body[0] == '<' {
		return nil
	}
	s := string(body)
	if len(s) > 1000 {
		s = s[:1000] + "…"
	}
	return []string{s}
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

var rateLimitRE = regexp.MustCompile(`"(\w+)"\s*;\s*r\s*=\s*(\d+)\s*;\s*t\s*=\s*(\d+)`)

// retryAfter returns how long the server asked to wait: for a 429 whose
// RateLimit header says r=0, t+1 seconds; else an integer Retry-After + 1
// second (spec §5.4). Zero when neither is present.
func retryAfter(resp *http.Response) time.Duration {
	if resp.StatusCode == http.StatusTooManyRequests {
		if m := rateLimitRE.FindStringSubmatch(resp.Header.Get(HeaderRateLimit)); m != nil && m[2] == "0" {
			if t, err := strconv.Atoi(m[3]); err == nil {
				return time.Duration(t+1) * time.Second
			}
		}
	}
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n+1) * time.Second
		}
	}
	return 0
}

// redactEchoedToken masks the token sent in auth ("Bearer <token>") where
// a server echoed it into the error message or the response headers, so it
// never reaches an error string, a log or JSON output.
func redactEchoedToken(e *HubError, auth string) {
	tok := strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	if len(tok) < 8 {
		return
	}
	e.Message = strings.ReplaceAll(e.Message, tok, MaskToken(tok))
	cloned := false
	for k, vs := range e.Header {
		for i, v := range vs {
			if !strings.Contains(v, tok) {
				continue
			}
			if !cloned { // the response's own map stays untouched
				e.Header, cloned = e.Header.Clone(), true
			}
			e.Header[k][i] = strings.ReplaceAll(v, tok, MaskToken(tok))
		}
	}
}

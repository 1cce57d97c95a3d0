package inference

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error categories. Test for them with errors.Is; read the details from
// *Error with errors.As.
var (
	// ErrUnauthorized: the token is missing or invalid, or lacks the
	// permission (401, 403).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrPaymentRequired: the account has no credits left (402).
	ErrPaymentRequired = errors.New("payment required")
	// ErrModelNotFound: the model does not exist or has no inference
	// provider (404, or no provider mapping).
	ErrModelNotFound = errors.New("model not found")
	// ErrNotSupportedByProvider: the provider does not serve this model,
	// or not for this task.
	ErrNotSupportedByProvider = errors.New("not supported by provider")
	// ErrBadRequest: the server rejected the request (400).
	ErrBadRequest = errors.New("bad request")
	// ErrValidation: the inputs or parameters are invalid (422, or TGI
	// error_type "validation").
	ErrValidation = errors.New("validation error")
	// ErrModelLoading: the model is loading (503 with estimated_time).
	ErrModelLoading = errors.New("model is loading")
	// ErrOverloaded: the server is overloaded (503, or error_type
	// "overloaded").
	ErrOverloaded = errors.New("overloaded")
	// ErrGeneration: generation failed (error_type "generation").
	ErrGeneration = errors.New("generation error")
	// ErrIncompleteGeneration: the stream ended before generation did
	// (error_type "incomplete_generation").
	ErrIncompleteGeneration = errors.New("incomplete generation")
	// ErrRateLimited: too many requests (429). Error.RetryAfter says when to
	// try again; [WithRetry] does it for you.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: any other 5xx.
	ErrServer = errors.New("server error")
	// ErrTimeout: an async job or a stream stalled past its limit, or a
	// provider gave up waiting (replicate 202).
	ErrTimeout = errors.New("inference timeout")
	// ErrBadResponse: the answer does not have the shape the task expects.
	ErrBadResponse = errors.New("unexpected response")
	// ErrInvalidInput: the call's arguments are invalid; nothing was sent.
	ErrInvalidInput = errors.New("invalid input")
	// ErrSchemaMismatch: a structured answer does not fit the Go type
	// (see [DecodeStructured]).
	ErrSchemaMismatch = errors.New("answer does not fit the schema")
)

// Error is a failed inference request: an HTTP error status, or an error
// event inside a stream (StatusCode is then the stream's 200).
type Error struct {
	StatusCode    int
	RequestID     string        // x-request-id of the response
	Message       string        // the server's or provider's message
	ErrorType     string        // TGI error_type or OpenAI error.type
	EstimatedTime time.Duration // 503 model loading: the server's estimate
	RetryAfter    time.Duration // 429/503 Retry-After
	Body          []byte        // the raw body (at most 64 KiB)
	URL           string        // the request URL (no credentials)
	Provider      string
	Header        http.Header
	InStream      bool // an error event inside an SSE stream

	kind error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.InStream {
		b.WriteString("inference: error in stream")
	} else {
		fmt.Fprintf(&b, "inference: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Provider != "" {
		fmt.Fprintf(&b, " from %s", e.Provider)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.kind == ErrModelLoading && e.EstimatedTime > 0 {
		fmt.Fprintf(&b, "; estimated load time %s: retry later or use WithRetry", e.EstimatedTime)
	}
	if e.kind == ErrRateLimited && e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	return b.String()
}

// Is reports the error's category ([ErrUnauthorized], [ErrValidation], …).
func (e *Error) Is(target error) bool {
	if e.kind == target {
		return true
	}
	// A model-loading 503 is also an overload; a 404 "not supported by
	// provider" is also a model-not-found.
	switch target {
	case ErrOverloaded:
		return e.kind == ErrModelLoading
	case ErrModelNotFound:
		return e.kind == ErrNotSupportedByProvider
	}
	return false
}

// Kind returns the error's category sentinel.
func (e *Error) Kind() error { return e.kind }

// errorBody is the union of the error shapes seen (spec §3.1).
type errorBody struct {
	Error         json.RawMessage `json:"error"`
	ErrorType     string          `json:"error_type"`
	EstimatedTime *float64        `json:"estimated_time"`
	Detail        json.RawMessage `json:"detail"`
	Message       string          `json:"message"`
}

// parseErrorMessage extracts the message and error type from a body: JSON
// error string; error list (joined); error.message; detail; message; else
// the text itself.
func parseErrorMessage(body []byte) (msg, etype string, est *float64, isJSON bool) {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return strings.TrimSpace(string(body)), "", nil, false
	}
	etype, est = eb.ErrorType, eb.EstimatedTime
	if len(eb.Error) > 0 && string(eb.Error) != "null" {
		var s string
		var list []string
		var obj struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    any    `json:"code"`
		}
		switch {
		case json.Unmarshal(eb.Error, &s) == nil:
			msg = s
		case json.Unmarshal(eb.Error, &list) == nil:
			msg = strings.Join(list, "; ")
		case json.Unmarshal(eb.Error, &obj) == nil:
			msg = obj.Message
			if etype == "" {
				etype = obj.Type
			}
		}
	}
	if msg == "" && len(eb.Detail) > 0 {
		var s string
		if json.Unmarshal(eb.Detail, &s) == nil {
			msg = s
		} else {
			msg = string(eb.Detail)
		}
	}
	if msg == "" {
		msg = eb.Message
	}
	return msg, etype, est, true
}

// newHTTPError builds the *Error for an error response whose body (already
// read, bounded) is body.
func newHTTPError(resp *http.Response, body []byte, provider string) *Error {
	e := &Error{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Request-Id"),
		Body:       body,
		URL:        redactURL(resp.Request),
		Provider:   provider,
		Header:     resp.Header,
	}
	msg, etype, est, _ := parseErrorMessage(body)
	if msg == "" {
		msg = resp.Header.Get("X-Error-Message")
	}
	e.Message, e.ErrorType = msg, etype
	if est != nil {
		e.EstimatedTime = time.Duration(*est * float64(time.Second))
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	e.kind = classify(resp.StatusCode, etype, est != nil, msg)
	return e
}

// classify picks the sentinel: a TGI error_type wins over the status.
func classify(status int, etype string, hasEstimate bool, msg string) error {
	switch etype {
	case "validation":
		return ErrValidation
	case "generation":
		return ErrGeneration
	case "overloaded":
		return ErrOverloaded
	case "incomplete_generation":
		return ErrIncompleteGeneration
	}
	switch {
	case status == 401 || status == 403:
		return ErrUnauthorized
	case status == 402:
		return ErrPaymentRequired
	case status == 404 && strings.Contains(strings.ToLower(msg), "not supported by provider"):
		return ErrNotSupportedByProvider
	case status == 404:
		return ErrModelNotFound
	case status == 422:
		return ErrValidation
	case status == 429:
		return ErrRateLimited
	case status == 503 && (hasEstimate || strings.Contains(strings.ToLower(msg), "loading")):
		return ErrModelLoading
	case status == 503:
		return ErrOverloaded
	case status == 408 || status == 504:
		return ErrTimeout
	case status >= 500:
		return ErrServer
	case status >= 400:
		return ErrBadRequest
	}
	return ErrBadResponse
}

// streamError turns an SSE error event into an *Error.
func streamError(data []byte, resp *http.Response, provider string) *Error {
	msg, etype, _, _ := parseErrorMessage(data)
	e := &Error{
		StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"),
		Message: msg, ErrorType: etype, Body: append([]byte(nil), data...),
		URL: redactURL(resp.Request), Provider: provider, Header: resp.Header, InStream: true,
	}
	e.kind = classify(0, etype, false, msg)
	if e.kind == ErrBadResponse {
		e.kind = ErrServer
	}
	return e
}

func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func redactURL(req *http.Request) string {
	if req == nil || req.URL == nil {
		return ""
	}
	u := *req.URL
	u.User = nil
	return u.String()
}

func badResponse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadResponse, fmt.Sprintf(format, args...))
}

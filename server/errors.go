package server

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
)

// weakETag labels a generated body the way the Hub does: W/"<len hex>-<hash>".
func weakETag(h http.Header, body []byte) {
	if h.Get("ETag") != "" {
		return
	}
	sum := sha1.Sum(body)
	h.Set("ETag", `W/"`+strconv.FormatInt(int64(len(body)), 16)+"-"+base64.RawStdEncoding.EncodeToString(sum[:])[:27]+`"`)
}

// Hub error codes sent in X-Error-Code.
const (
	codeRepoNotFound     = "RepoNotFound"
	codeRevisionNotFound = "RevisionNotFound"
	codeEntryNotFound    = "EntryNotFound"
	codeGatedRepo        = "GatedRepo"
)

// Messages the Hub uses, some of which clients match on.
const (
	msgInvalidAuth        = "Invalid username or password."
	msgInvalidCredentials = "Invalid credentials in Authorization header"
	msgRepoNotFound       = "Repository not found"
)

// writeError answers with the Hub's error conventions: X-Error-Code (when
// code is set) and X-Error-Message headers, and for non-HEAD requests a
// JSON body {"error": msg}.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	h := w.Header()
	if code != "" {
		h.Set("X-Error-Code", code)
	}
	h.Set("X-Error-Message", msg)
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="Authentication required", charset="UTF-8"`)
	}
	body, _ := json.Marshal(map[string]string{"error": msg}) // a string map always marshals
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	weakETag(h, body)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// writeText answers with a text/plain body (and error headers when code or
// msg is set).
func writeText(w http.ResponseWriter, r *http.Request, status int, code, msg, body string) {
	h := w.Header()
	if code != "" {
		h.Set("X-Error-Code", code)
	}
	if msg != "" {
		h.Set("X-Error-Message", msg)
	}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	weakETag(h, []byte(body))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write([]byte(body))
	}
}

// writeJSON answers 200 with v encoded as JSON.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	writeJSONStatus(w, r, http.StatusOK, v)
}

// writeJSONStatus answers status with v encoded as JSON.
func writeJSONStatus(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", "encode response: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	weakETag(h, body)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

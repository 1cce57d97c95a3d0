package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/hfhub-go/hfhub/store"
)

// maxJSONBody bounds the JSON bodies of write requests (not commits).
const maxJSONBody = 10 << 20

// readJSON decodes a JSON request body into v, answering 400 on failure.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody))
	if err := dec.Decode(v); err != nil && !(errors.Is(err, io.EOF) && r.ContentLength <= 0) {
		if bodyError(w, r, err) {
			return false
		}
		writeError(w, r, http.StatusBadRequest, "", "Invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// writeDone answers a store write: {} when err is nil, else the error
// (see writeStoreError).
func (s *Server) writeDone(w http.ResponseWriter, r *http.Request, req *repoRequest, err error) {
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	writeJSON(w, r, map[string]any{})
}

// writeStoreError answers a failed store write the way the Hub answers
// the same failure.
func (s *Server) writeStoreError(w http.ResponseWriter, r *http.Request, req *repoRequest, err error) {
	if bodyError(w, r, err) {
		return
	}
	switch {
	case errors.Is(err, store.ErrRepoNotFound):
		var u *User
		if req != nil {
			u = req.User
		}
		repoNotFound(w, r, u)
	case errors.Is(err, store.ErrRevisionNotFound):
		writeError(w, r, http.StatusNotFound, codeRevisionNotFound, err.Error())
	case errors.Is(err, store.ErrEntryNotFound):
		writeError(w, r, http.StatusNotFound, codeEntryNotFound, err.Error())
	case errors.Is(err, store.ErrRepoExists), errors.Is(err, store.ErrRefExists):
		writeError(w, r, http.StatusConflict, "", err.Error())
	case errors.Is(err, store.ErrParentMismatch):
		writeError(w, r, http.StatusPreconditionFailed, "", err.Error())
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrChecksum), errors.Is(err, store.ErrBlobNotFound):
		writeError(w, r, http.StatusBadRequest, "", err.Error())
	case r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
	default:
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
	}
}

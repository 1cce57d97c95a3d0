package lfs

import (
	"net/http"
	"strconv"
	"time"
)

// MediaType is the content type of batch API requests and responses; both the
// Accept and Content-Type headers carry it.
const MediaType = "application/vnd.git-lfs+json"

// BatchSize is how many objects the Hub clients put in one batch request.
const BatchSize = 256

// Transfer adapters a Hub batch request may name.
const (
	TransferBasic     = "basic"
	TransferMultipart = "multipart"
)

// SetHeaders sets Accept and Content-Type to [MediaType] on h, as every batch
// and multipart completion request needs.
func SetHeaders(h http.Header) {
	h.Set("Accept", MediaType)
	h.Set("Content-Type", MediaType)
}

// BatchPath returns the batch endpoint's path for a repo, relative to the
// endpoint: "/{prefix}{repoID}.git/info/lfs/objects/batch" where prefix is ""
// for models, "datasets/" or "spaces/". repoType is "model", "dataset" or
// "space" ("" means model).
func BatchPath(repoType, repoID string) string {
	prefix := ""
	switch repoType {
	case "dataset":
		prefix = "datasets/"
	case "space":
		prefix = "spaces/"
	case "kernel":
		prefix = "kernels/"
	}
	return "/" + prefix + repoID + ".git/info/lfs/objects/batch"
}

// BatchRequest is the body of POST .../info/lfs/objects/batch.
type BatchRequest struct {
	// Operation is "upload" or "download".
	Operation string `json:"operation"`
	// Transfers lists the adapters the client supports, e.g. basic, multipart.
	Transfers []string `json:"transfers,omitempty"`
	// Objects are the files to transfer.
	Objects []ObjectSpec `json:"objects"`
	// HashAlgo is "sha256" (huggingface.js spells it "sha_256").
	HashAlgo string `json:"hash_algo,omitempty"`
	// Ref names the branch the objects are for; nil when opening a PR.
	Ref *Ref `json:"ref,omitempty"`
}

// NewUploadRequest returns the batch request the Python client sends for an
// upload of objs to revision (nil Ref when revision is "", as for create_pr).
func NewUploadRequest(revision string, objs ...ObjectSpec) *BatchRequest {
	r := &BatchRequest{
		Operation: "upload",
		Transfers: []string{TransferBasic, TransferMultipart},
		Objects:   objs,
		HashAlgo:  "sha256",
	}
	if revision != "" {
		r.Ref = &Ref{Name: revision}
	}
	return r
}

// ObjectSpec names one object in a batch request.
type ObjectSpec struct {
	OID  OID   `json:"oid"`
	Size int64 `json:"size"`
}

// Ref is the batch request's target reference.
type Ref struct {
	Name string `json:"name"`
}

// BatchResponse is the answer to a batch request.
type BatchResponse struct {
	// Transfer is the adapter the server chose ("basic" or "multipart"); it
	// is informative only, each object's actions say what to do.
	Transfer string `json:"transfer,omitempty"`
	// Objects answers each requested object.
	Objects []Object `json:"objects"`
	// HashAlgo echoes the request's, when the server sends it.
	HashAlgo string `json:"hash_algo,omitempty"`
}

// Object is one object of a batch response. With no Actions the server
// already has it; with an Error it cannot take it.
type Object struct {
	OID           OID          `json:"oid"`
	Size          int64        `json:"size"`
	Authenticated bool         `json:"authenticated,omitempty"`
	Actions       *Actions     `json:"actions,omitempty"`
	Error         *ObjectError `json:"error,omitempty"`
}

// NeedsUpload reports whether the server asked for the object's bytes.
func (o *Object) NeedsUpload() bool {
	return o.Error == nil && o.Actions != nil && o.Actions.Upload != nil
}

// Actions are the URLs handed out for one object.
type Actions struct {
	Upload *Action `json:"upload,omitempty"`
	Verify *Action `json:"verify,omitempty"`
}

// Action is one URL with the headers to send to it. For a multipart upload,
// Header holds "chunk_size" and one numbered key per part whose value is that
// part's URL (see [Multipart]).
type Action struct {
	Href      string            `json:"href"`
	Header    map[string]string `json:"header,omitempty"`
	ExpiresIn int64             `json:"expires_in,omitempty"`
	ExpiresAt *time.Time        `json:"expires_at,omitempty"`
}

// IsMultipart reports whether the action describes a multipart upload (it
// has a "chunk_size" header).
func (a *Action) IsMultipart() bool {
	_, ok := a.Header["chunk_size"]
	return ok
}

// ObjectError is a per-object failure inside a 200 batch response.
type ObjectError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Error returns "lfs object error {code}: {message}".
func (e *ObjectError) Error() string {
	return "lfs object error " + strconv.Itoa(e.Code) + ": " + e.Message
}

// CompletionRequest is the body POSTed to a multipart upload's href once
// every part is stored.
type CompletionRequest struct {
	OID   OID              `json:"oid"`
	Parts []CompletionPart `json:"parts"`
}

// CompletionPart is one uploaded part: its 1-based number and the ETag the
// part's PUT answered.
type CompletionPart struct {
	PartNumber int    `json:"partNumber"`
	ETag       string `json:"etag"`
}

// VerifyRequest is the body POSTed to a verify action.
type VerifyRequest struct {
	OID  OID   `json:"oid"`
	Size int64 `json:"size"`
}

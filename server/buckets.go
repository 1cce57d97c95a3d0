package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

// Buckets (the Hub's mutable, history-less storage), with the routes the
// Python client 1.28 calls:
//
//	POST   /api/buckets/{ns}/{name}             create ({"private"})
//	GET    /api/buckets/{ns}/{name}             info
//	DELETE /api/buckets/{ns}/{name}             delete
//	GET    /api/buckets/{ns}                    list ("me": the caller's)
//	GET    /api/buckets/{ns}/{name}/tree[/{prefix}]?recursive=
//	POST   /api/buckets/{ns}/{name}/paths-info  {"paths": [...]}
//	POST   /api/buckets/{ns}/{name}/batch       NDJSON addFile/copyFile/deleteFile
//	GET    /buckets/{ns}/{name}/resolve/{path}  the bytes (Range, HEAD)
//	POST   /api/repos/move {"type":"bucket"}    (write_repos.go)
//
// addFile and copyFile name content by Xet hash: the server accepts a hash
// whose content it stores (a file of any bucket); content itself arrives
// with the store's UpdateBucket (hubtest seeds it).
func (s *Server) registerBucketRoutes() {
	if s.store == nil {
		return
	}
	s.mux.HandleFunc("POST /api/buckets/{ns}/{name}", s.handleCreateBucket)
	s.mux.HandleFunc("GET /api/buckets/{ns}/{name}", s.bucketRoute(false, s.handleBucketInfo))
	s.mux.HandleFunc("DELETE /api/buckets/{ns}/{name}", s.bucketRoute(true, s.handleDeleteBucket))
	s.mux.HandleFunc("GET /api/buckets/{ns}", s.handleListBuckets)
	s.mux.HandleFunc("GET /api/buckets/{ns}/{name}/tree", s.bucketRoute(false, s.handleBucketTree))
	s.mux.HandleFunc("GET /api/buckets/{ns}/{name}/tree/{prefix...}", s.bucketRoute(false, s.handleBucketTree))
	s.mux.HandleFunc("POST /api/buckets/{ns}/{name}/paths-info", s.bucketRoute(false, s.handleBucketPathsInfo))
	s.mux.HandleFunc("POST /api/buckets/{ns}/{name}/batch", s.bucketRoute(true, s.handleBucketBatch))
	s.mux.HandleFunc("GET /buckets/{ns}/{name}/resolve/{path...}", s.bucketRoute(false, s.handleBucketResolve))
}

type bucketHandler func(w http.ResponseWriter, r *http.Request, b *store.Bucket)

// bucketRoute looks the bucket up and checks access (private buckets:
// readers of the namespace; write: writers of it) before h.
func (s *Server) bucketRoute(write bool, h bucketHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		ns := pathVar(r, "ns")
		b, err := s.store.Bucket(ns + "/" + pathVar(r, "name"))
		if err != nil || b.Private && !u.CanRead(ns) {
			bucketNotFound(w, r)
			return
		}
		if write {
			if u == nil {
				writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
				return
			}
			if !u.CanWrite(ns) {
				writeError(w, r, http.StatusForbidden, "", "You don't have the rights to write to the bucket "+b.ID)
				return
			}
		}
		h(w, r, &b)
	}
}

func bucketNotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusNotFound, codeRepoNotFound, "Bucket not found")
}

type bucketInfoJSON struct {
	ID         string    `json:"id"`
	Private    bool      `json:"private"`
	CreatedAt  time.Time `json:"createdAt"`
	Size       int64     `json:"size"`
	TotalFiles int       `json:"totalFiles"`
}

func infoOf(b *store.Bucket) bucketInfoJSON {
	return bucketInfoJSON{ID: b.ID, Private: b.Private, CreatedAt: b.CreatedAt, Size: b.Size(), TotalFiles: len(b.Files)}
}

func (s *Server) handleCreateBucket(w http.ResponseWriter, r *http.Request) {
	u, ok := s.needUser(w, r)
	if !ok {
		return
	}
	var body struct {
		Private *bool `json:"private"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	ns := pathVar(r, "ns")
	if ns == "me" {
		ns = u.Name
	}
	id := ns + "/" + pathVar(r, "name")
	if !u.CanWrite(ns) {
		writeError(w, r, http.StatusForbidden, "", "You don't have the rights to create a bucket under the namespace "+ns)
		return
	}
	b, err := s.store.CreateBucket(id, body.Private != nil && *body.Private)
	switch {
	case errors.Is(err, store.ErrRepoExists):
		writeJSONStatus(w, r, http.StatusConflict, map[string]string{"error": "You already created this bucket", "url": s.baseFor(r) + "/buckets/" + id})
		return
	case errors.Is(err, store.ErrInvalid):
		writeError(w, r, http.StatusBadRequest, "", err.Error())
		return
	case err != nil:
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	writeJSON(w, r, map[string]string{"url": s.baseFor(r) + "/buckets/" + b.ID, "id": b.ID, "name": b.ID})
}

func (s *Server) handleBucketInfo(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	writeJSON(w, r, infoOf(b))
}

func (s *Server) handleDeleteBucket(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	if err := s.store.DeleteBucket(b.ID); err != nil {
		bucketNotFound(w, r)
		return
	}
	writeJSON(w, r, map[string]any{})
}

func (s *Server) handleListBuckets(w http.ResponseWriter, r *http.Request) {
	u, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	ns := pathVar(r, "ns")
	if ns == "me" {
		if u == nil {
			writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
			return
		}
		ns = u.Name
	}
	all, err := s.store.Buckets(ns)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	search := r.URL.Query().Get("search")
	out := []bucketInfoJSON{}
	for i := range all {
		if all[i].Private && !u.CanRead(ns) || search != "" && !strings.Contains(all[i].ID, search) {
			continue
		}
		out = append(out, infoOf(&all[i]))
	}
	pg, next := s.paginate(r, len(out), 1000)
	if next != "" {
		w.Header().Set("Link", "<"+next+">; rel=\"next\"")
	}
	writeJSON(w, r, out[pg.start:pg.end])
}

type bucketEntryJSON struct {
	Type       string     `json:"type"`
	Path       string     `json:"path"`
	Size       *int64     `json:"size,omitempty"`
	XetHash    string     `json:"xetHash,omitempty"`
	MTime      *time.Time `json:"mtime,omitempty"`
	UploadedAt time.Time  `json:"uploadedAt"`
}

func fileEntryOf(f store.BucketFile) bucketEntryJSON {
	size, mt := f.Size, f.MTime
	return bucketEntryJSON{Type: "file", Path: f.Path, Size: &size, XetHash: f.XetHash, MTime: &mt, UploadedAt: f.UploadedAt}
}

func (s *Server) handleBucketTree(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	prefix, err := url.PathUnescape(pathVar(r, "rest"))
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "", "bad folder path")
		return
	}
	prefix = strings.Trim(prefix, "/")
	recursive, _ := strconv.ParseBool(r.URL.Query().Get("recursive"))
	var out []bucketEntryJSON
	dirs := map[string]bool{}
	for _, f := range b.Sorted() {
		rel := f.Path
		if prefix != "" {
			var ok bool
			if rel, ok = strings.CutPrefix(f.Path, prefix+"/"); !ok {
				continue
			}
		}
		parts := strings.Split(rel, "/")
		base := prefix
		for i := range parts[:len(parts)-1] {
			if !recursive && i > 0 {
				break
			}
			d := strings.TrimPrefix(base+"/"+strings.Join(parts[:i+1], "/"), "/")
			if !dirs[d] {
				dirs[d] = true
				out = append(out, bucketEntryJSON{Type: "directory", Path: d, UploadedAt: f.UploadedAt})
			}
		}
		if recursive || len(parts) == 1 {
			out = append(out, fileEntryOf(f))
		}
	}
	if prefix != "" && len(out) == 0 {
		writeError(w, r, http.StatusNotFound, codeEntryNotFound, "No such folder "+prefix+" in bucket "+b.ID)
		return
	}
	if out == nil {
		out = []bucketEntryJSON{}
	}
	pg, next := s.paginate(r, len(out), 1000)
	if next != "" {
		w.Header().Set("Link", "<"+next+">; rel=\"next\"")
	}
	writeJSON(w, r, out[pg.start:pg.end])
}

func (s *Server) handleBucketPathsInfo(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	var body struct {
		Paths []string `json:"paths"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	out := []bucketEntryJSON{}
	for _, p := range body.Paths {
		if f, ok := b.Files[strings.Trim(p, "/")]; ok {
			out = append(out, fileEntryOf(f))
		}
	}
	writeJSON(w, r, out)
}

func (s *Server) handleBucketBatch(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	var ops []store.BucketOp
	sc := bufio.NewScanner(io.LimitReader(r.Body, maxJSONBody))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var op struct {
			Type    string `json:"type"`
			Path    string `json:"path"`
			XetHash string `json:"xetHash"`
			MTime   *int64 `json:"mtime"`
		}
		if err := json.Unmarshal([]byte(line), &op); err != nil {
			writeError(w, r, http.StatusBadRequest, "", "line "+strconv.Itoa(n)+": "+err.Error())
			return
		}
		bo := store.BucketOp{Path: op.Path, XetHash: op.XetHash}
		if op.MTime != nil {
			bo.MTime = time.UnixMilli(*op.MTime).UTC()
		}
		switch op.Type {
		case "deleteFile":
			bo.Delete = true
		case "addFile", "copyFile":
			if op.XetHash == "" {
				writeError(w, r, http.StatusBadRequest, "", "line "+strconv.Itoa(n)+": "+op.Type+" needs a xetHash")
				return
			}
		default:
			writeError(w, r, http.StatusBadRequest, "", "line "+strconv.Itoa(n)+": unknown operation type "+strconv.Quote(op.Type))
			return
		}
		ops = append(ops, bo)
	}
	if err := s.store.UpdateBucket(r.Context(), b.ID, ops); err != nil {
		status := http.StatusInternalServerError
		switch {
		case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrBlobNotFound):
			status = http.StatusBadRequest
		case errors.Is(err, store.ErrBucketNotFound):
			status = http.StatusNotFound
		}
		writeError(w, r, status, "", err.Error())
		return
	}
	writeJSON(w, r, map[string]any{"success": true})
}

func (s *Server) handleBucketResolve(w http.ResponseWriter, r *http.Request, b *store.Bucket) {
	p, err := url.PathUnescape(pathVar(r, "rest"))
	if err != nil {
		p = pathVar(r, "rest")
	}
	f, ok := b.Files[p]
	if !ok {
		writeError(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found")
		return
	}
	blob, err := s.store.OpenBlob(f.SHA256)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	defer blob.Close()
	w.Header().Set("ETag", `"`+f.XetHash+`"`)
	w.Header().Set("X-Xet-Hash", f.XetHash)
	// As the Hub: where a Xet read token for the bucket is refreshed
	// (Python's get_bucket_file_metadata needs it to parse the answer).
	w.Header().Set("X-Xet-Refresh-Route", "/api/buckets/"+b.ID+"/xet-read-token")
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", f.MTime, blob)
}

// moveBucket serves POST /api/repos/move for {"type": "bucket"}: the
// caller must be able to write both namespaces.
func (s *Server) moveBucket(w http.ResponseWriter, r *http.Request, u *User, from, to string) {
	for _, id := range []string{from, to} {
		ns, _, ok := strings.Cut(id, "/")
		if !ok {
			writeError(w, r, http.StatusBadRequest, "", "Invalid bucket id "+id+": fromRepo and toRepo must be \"namespace/name\"")
			return
		}
		if !u.CanWrite(ns) {
			writeError(w, r, http.StatusForbidden, "", "You don't have the rights to move buckets in the namespace "+ns)
			return
		}
	}
	switch err := s.store.MoveBucket(from, to); {
	case errors.Is(err, store.ErrBucketNotFound):
		bucketNotFound(w, r)
	case errors.Is(err, store.ErrRepoExists):
		writeError(w, r, http.StatusConflict, "", "A bucket "+to+" already exists")
	case errors.Is(err, store.ErrInvalid):
		writeError(w, r, http.StatusBadRequest, "", err.Error())
	case err != nil:
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
	default:
		writeJSON(w, r, map[string]any{})
	}
}

// pathVar returns a segment of a bucket route's path: "ns", "name", or
// "rest" (what follows /tree/ or /resolve/, still escaped). The server
// routes with ServeMux.Handler, which leaves Request.PathValue unset.
func pathVar(r *http.Request, key string) string {
	p := strings.TrimPrefix(r.URL.EscapedPath(), "/api")
	segs := strings.SplitN(strings.TrimPrefix(p, "/buckets/"), "/", 4)
	unesc := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			return u
		}
		return s
	}
	switch key {
	case "ns":
		return unesc(segs[0])
	case "name":
		if len(segs) > 1 {
			return unesc(segs[1])
		}
	case "rest":
		if len(segs) > 3 {
			return segs[3]
		}
	}
	return ""
}

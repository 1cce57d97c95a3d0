package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/lfs"
)

// uploadPrefix is where LFS upload URLs live. They need no token: a
// signature over (oid, size, chunk size) is the credential, as with the
// presigned S3 URLs the Hub hands out, and the content must hash to the oid.
const uploadPrefix = "/lfs-upload/"

// Multipart plan: objects above multipartThreshold are uploaded in parts of
// multipartChunk bytes (more for huge objects, to stay under maxParts).
const (
	multipartThreshold = 16 << 20
	multipartChunk     = 8 << 20
	maxParts           = 10000
)

func chunkSizeFor(size int64) int64 {
	return max(multipartChunk, (size+maxParts-1)/maxParts)
}

func (s *Server) uploadSig(oid string, size, chunk int64) string {
	m := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(m, "lfs-upload\n%s\n%d\n%d", oid, size, chunk)
	return hex.EncodeToString(m.Sum(nil))
}

// handleBatch serves POST /{P}{id}.git/info/lfs/objects/batch (upload).
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	var body struct {
		Operation string           `json:"operation"`
		Transfers []string         `json:"transfers"`
		Objects   []map[string]any `json:"objects"`
		HashAlgo  string           `json:"hash_algo"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Operation != "upload" {
		writeError(w, r, http.StatusBadRequest, "", "Only the upload operation is supported; download files through /resolve/")
		return
	}
	switch body.HashAlgo {
	case "", "sha256", "sha_256":
	default:
		writeError(w, r, http.StatusBadRequest, "", "Unsupported hash_algo "+body.HashAlgo+": use sha256")
		return
	}
	multipartOK := false
	for _, t := range body.Transfers {
		multipartOK = multipartOK || t == lfs.TransferMultipart
	}
	base := s.baseFor(r)
	verify := &lfs.Action{Href: base + "/" + webPrefix(req.Type) + req.ID + ".git/info/lfs/objects/verify", Header: map[string]string{}}
	type object struct {
		OID     string           `json:"oid"`
		Size    int64            `json:"size"`
		Auth    bool             `json:"authenticated,omitempty"`
		Actions *lfs.Actions     `json:"actions,omitempty"`
		Error   *lfs.ObjectError `json:"error,omitempty"`
	}
	out := make([]object, 0, len(body.Objects))
	transfer := lfs.TransferBasic
	for _, o := range body.Objects {
		oid, _ := o["oid"].(string)
		sizeF, okSize := o["size"].(float64)
		size := int64(sizeF)
		obj := object{OID: oid, Size: size}
		if _, err := lfs.ParseOID(oid); err != nil || strings.ToLower(oid) != oid || !okSize || size < 0 || float64(size) != sizeF {
			obj.Error = &lfs.ObjectError{Code: http.StatusUnprocessableEntity, Message: "invalid object: want a 64-hex lowercase sha256 oid and a non-negative integer size"}
			out = append(out, obj)
			continue
		}
		if have, ok := s.store.HasBlob(oid); ok && have == size {
			out = append(out, obj) // already stored: no actions
			continue
		}
		obj.Auth = true
		up := &lfs.Action{}
		if multipartOK && size > multipartThreshold {
			transfer = lfs.TransferMultipart
			chunk := chunkSizeFor(size)
			q := "?chunk=" + strconv.FormatInt(chunk, 10) + "&sig=" + s.uploadSig(oid, size, chunk)
			objURL := base + uploadPrefix + oid + "/" + strconv.FormatInt(size, 10)
			up.Href = objURL + "/complete" + q
			up.Header = map[string]string{"chunk_size": strconv.FormatInt(chunk, 10)}
			for n := int64(1); (n-1)*chunk < size; n++ {
				up.Header[fmt.Sprintf("%05d", n)] = objURL + "/part/" + strconv.FormatInt(n, 10) + q
			}
		} else {
			up.Href = base + uploadPrefix + oid + "/" + strconv.FormatInt(size, 10) + "?sig=" + s.uploadSig(oid, size, 0)
		}
		obj.Actions = &lfs.Actions{Upload: up, Verify: verify}
		out = append(out, obj)
	}
	b, err := json.Marshal(map[string]any{"transfer": transfer, "objects": out, "hash_algo": "sha256"})
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	w.Header().Set("Content-Type", lfs.MediaType)
	w.Write(b)
}

// handleVerify serves POST /{P}{id}.git/info/lfs/objects/verify.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	var body lfs.VerifyRequest
	if !readJSON(w, r, &body) {
		return
	}
	have, ok := s.store.HasBlob(body.OID.String())
	if !ok || have != body.Size {
		w.Header().Set("Content-Type", lfs.MediaType)
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"message": "object " + body.OID.String() + " of size " + strconv.FormatInt(body.Size, 10) + " is not stored: upload it first"})
		return
	}
	w.Header().Set("Content-Type", lfs.MediaType)
	w.Write([]byte("{}"))
}

// handleUpload serves the signed upload URLs:
//
//	PUT  /lfs-upload/{oid}/{size}?sig=                  whole object (basic)
//	PUT  /lfs-upload/{oid}/{size}/part/{n}?chunk=&sig=  one part (multipart)
//	POST /lfs-upload/{oid}/{size}/complete?chunk=&sig=  assemble the parts
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, uploadPrefix), "/")
	if len(segs) < 2 {
		writeText(w, r, http.StatusNotFound, "", "", "Not Found")
		return
	}
	oid := segs[0]
	size, err := strconv.ParseInt(segs[1], 10, 64)
	q := r.URL.Query()
	chunk := int64(0)
	if c := q.Get("chunk"); c != "" {
		chunk, _ = strconv.ParseInt(c, 10, 64)
		if chunk <= 0 {
			err = errors.New("bad chunk")
		}
	}
	if err != nil || subtle.ConstantTimeCompare([]byte(q.Get("sig")), []byte(s.uploadSig(oid, size, chunk))) != 1 {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: invalid upload signature; ask the LFS batch API for a new URL")
		return
	}
	switch {
	case len(segs) == 2 && chunk == 0:
		if allowMethods(w, r, http.MethodPut) {
			s.putWhole(w, r, oid, size)
		}
	case len(segs) == 4 && segs[2] == "part" && chunk > 0:
		n, err := strconv.Atoi(segs[3])
		if err != nil || n < 1 || int64(n-1)*chunk >= size {
			writeText(w, r, http.StatusBadRequest, "", "", "Bad part number "+segs[3])
			return
		}
		if allowMethods(w, r, http.MethodPut) {
			s.putPart(w, r, oid, size, chunk, n)
		}
	case len(segs) == 3 && segs[2] == "complete" && chunk > 0:
		if allowMethods(w, r, http.MethodPost) {
			s.completeMultipart(w, r, oid, size, chunk)
		}
	default:
		writeText(w, r, http.StatusNotFound, "", "", "Not Found")
	}
}

func (s *Server) putWhole(w http.ResponseWriter, r *http.Request, oid string, size int64) {
	if _, err := s.store.PutBlobVerified(r.Context(), r.Body, oid, size); err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	w.Header().Set("ETag", `"`+oid+`"`)
	w.WriteHeader(http.StatusOK)
}

// partsDir is where the parts of one multipart upload wait for completion.
func (s *Server) partsDir(oid string, size, chunk int64) string {
	return filepath.Join(s.store.Dir(), "uploads", fmt.Sprintf("%s-%d-%d", oid, size, chunk))
}

func partName(n int) string { return fmt.Sprintf("part-%05d", n) }

// putPart stores one part (temp file, fsync, rename) and answers its ETag.
func (s *Server) putPart(w http.ResponseWriter, r *http.Request, oid string, size, chunk int64, n int) {
	want := min(chunk, size-int64(n-1)*chunk)
	dir := s.partsDir(oid, size, chunk)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		writeText(w, r, http.StatusInternalServerError, "", "", err.Error())
		return
	}
	etag, err := writePart(dir, partName(n), io.LimitReader(r.Body, want+1), want)
	if err != nil {
		if !bodyError(w, r, err) && r.Context().Err() == nil {
			writeText(w, r, http.StatusBadRequest, "", "", err.Error())
		}
		return
	}
	w.Header().Set("ETag", etag)
	w.WriteHeader(http.StatusOK)
}

// writePart copies exactly want bytes into dir/name (crash-safe: temp
// file, fsync, rename) and records their ETag (quoted sha256 prefix) beside
// it first, so a part that exists always has its ETag.
func writePart(dir, name string, body io.Reader, want int64) (etag string, err error) {
	err = fsutil.WriteAtomic(filepath.Join(dir, name), 0o600, name+".*.incomplete", func(w io.Writer) error {
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), body)
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("part has %d bytes, want %d", n, want)
		}
		etag = `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
		return fsutil.WriteFileAtomic(filepath.Join(dir, name+".etag"), []byte(etag), 0o644)
	})
	if err != nil {
		return "", err
	}
	return etag, nil
}

// completeMultipart checks the parts list against the stored parts and
// streams them, in order, into the store (which verifies sha256 and size).
func (s *Server) completeMultipart(w http.ResponseWriter, r *http.Request, oid string, size, chunk int64) {
	var body lfs.CompletionRequest
	if !readJSON(w, r, &body) {
		return
	}
	if body.OID.String() != oid {
		writeError(w, r, http.StatusBadRequest, "", "Completion oid "+body.OID.String()+" does not match the upload "+oid)
		return
	}
	if have, ok := s.store.HasBlob(oid); ok && have == size {
		writeJSON(w, r, map[string]any{}) // a concurrent upload finished it
		return
	}
	count := int((size + chunk - 1) / chunk)
	if len(body.Parts) != count {
		writeError(w, r, http.StatusBadRequest, "", fmt.Sprintf("Completion lists %d parts, the upload has %d", len(body.Parts), count))
		return
	}
	dir := s.partsDir(oid, size, chunk)
	files := make([]*os.File, 0, count)
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	readers := make([]io.Reader, 0, count)
	for i, p := range body.Parts {
		name := partName(i + 1)
		stored, err := os.ReadFile(filepath.Join(dir, name+".etag"))
		if p.PartNumber != i+1 || err != nil || string(stored) != p.ETag {
			writeError(w, r, http.StatusBadRequest, "", fmt.Sprintf("Part %d is missing or its ETag %s does not match the stored part: upload it again", i+1, p.ETag))
			return
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			writeError(w, r, http.StatusBadRequest, "", fmt.Sprintf("Part %d is missing: upload it again", i+1))
			return
		}
		files = append(files, f)
		readers = append(readers, f)
	}
	if _, err := s.store.PutBlobVerified(r.Context(), io.MultiReader(readers...), oid, size); err != nil {
		s.writeStoreError(w, r, nil, err)
		return
	}
	for _, f := range files {
		f.Close()
	}
	files = nil
	_ = os.RemoveAll(dir) // best effort: the blob is stored; stale parts only cost disk
	writeJSON(w, r, map[string]any{})
}

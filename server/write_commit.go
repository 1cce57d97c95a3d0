package server

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/lfs"
	"github.com/hfhub-go/hfhub/store"
)

// maxCommitLine bounds one NDJSON line of a commit (an inline file, base64).
const maxCommitLine = 256 << 20

type commitLine struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// handleCommit serves POST /api/{T}/{id}/commit/{rev}[?create_pr=1]: an
// NDJSON body of a header line then file, lfsFile, deletedFile and
// deletedFolder lines, applied atomically (a failed commit changes
// nothing). A parentCommit that is not the branch head answers 412.
func (s *Server) handleCommit(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	rev, _, ok := splitRev(req.Rest)
	if !ok {
		rev = store.DefaultBranch
	}
	s.commitBody(w, r)
	creq, err := s.parseCommit(r, rev)
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	creq.CreatePR = queryBool(r.URL.Query().Get("create_pr"))
	if req.User != nil {
		creq.Author = req.User.Name
	}
	if pc := creq.ParentCommit; pc != "" && len(pc) < 40 { // short ids name the head they prefix
		if head, err := s.store.Resolve(req.Type, req.ID, rev); err == nil && strings.HasPrefix(head.ID, strings.ToLower(pc)) {
			creq.ParentCommit = head.ID
		}
	}
	res, err := s.store.Commit(r.Context(), req.Type, req.ID, *creq)
	if err != nil {
		s.writeStoreError(w, r, req, err)
		return
	}
	web := s.repoWebURL(r, req.Type, req.ID)
	out := map[string]any{
		"success":    true,
		"commitOid":  res.Commit.ID,
		"commitUrl":  web + "/commit/" + res.Commit.ID,
		"hookOutput": "",
	}
	if res.PRNum > 0 {
		out["pullRequestUrl"] = web + "/discussions/" + strconv.Itoa(res.PRNum)
	}
	writeJSON(w, r, out)
}

// parseCommit reads the NDJSON body into a commit request. Inline files are
// stored as blobs on the way (content-addressed, so a commit that fails
// later leaves no trace in any repository).
func (s *Server) parseCommit(r *http.Request, rev string) (*store.CommitRequest, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalid}, args...)...)
	}
	creq := &store.CommitRequest{Revision: rev}
	body := &readErrRecorder{r: r.Body}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), maxCommitLine)
	first := true
	for sc.Scan() {
		if body.failed() {
			break // the last token is a line cut short by the failed read
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l commitLine
		if err := json.Unmarshal(line, &l); err != nil {
			return nil, bad("malformed commit line: %v", err)
		}
		if first != (l.Key == "header") {
			return nil, bad("the first line of a commit, and only it, must be the header")
		}
		first = false
		switch l.Key {
		case "header":
			var h struct {
				Summary      string `json:"summary"`
				Description  string `json:"description"`
				ParentCommit string `json:"parentCommit"`
			}
			if err := json.Unmarshal(l.Value, &h); err != nil {
				return nil, bad("header: %v", err)
			}
			creq.Title, creq.Message, creq.ParentCommit = h.Summary, h.Description, h.ParentCommit
		case "file":
			var f struct {
				Content  string `json:"content"`
				Path     string `json:"path"`
				Encoding string `json:"encoding"`
			}
			if err := json.Unmarshal(l.Value, &f); err != nil {
				return nil, bad("file: %v", err)
			}
			data := []byte(f.Content)
			switch strings.ToLower(f.Encoding) {
			case "base64":
				var err error
				if data, err = base64.StdEncoding.DecodeString(f.Content); err != nil {
					return nil, bad("file %s: content is not base64: %v", f.Path, err)
				}
			case "", "utf-8", "utf8":
			default:
				return nil, bad("file %s: unknown encoding %q", f.Path, f.Encoding)
			}
			b, err := s.store.PutBlob(r.Context(), bytes.NewReader(data))
			if err != nil {
				return nil, err
			}
			creq.Ops = append(creq.Ops, store.Op{Kind: store.OpAdd, Path: f.Path, SHA256: b.SHA256, LFS: store.LFSNever})
		case "lfsFile":
			var f struct {
				Path    string `json:"path"`
				Algo    string `json:"algo"`
				OID     string `json:"oid"`
				Size    *int64 `json:"size"`
				OldPath string `json:"oldPath"`
			}
			if err := json.Unmarshal(l.Value, &f); err != nil {
				return nil, bad("lfsFile: %v", err)
			}
			if f.OID == "" && f.OldPath != "" { // huggingface.js rename
				creq.Ops = append(creq.Ops,
					store.Op{Kind: store.OpCopy, Path: f.Path, From: f.OldPath},
					store.Op{Kind: store.OpDelete, Path: f.OldPath})
				continue
			}
			if f.Algo != "" && f.Algo != "sha256" {
				return nil, bad("lfsFile %s: algo %q: only sha256 is supported", f.Path, f.Algo)
			}
			if _, err := lfs.ParseOID(f.OID); err != nil {
				return nil, bad("lfsFile %s: %v", f.Path, err)
			}
			oid := strings.ToLower(f.OID)
			have, ok := s.store.HasBlob(oid)
			if !ok {
				return nil, fmt.Errorf("%w: lfsFile %s: object %s was not uploaded: upload it through the LFS batch API first", store.ErrBlobNotFound, f.Path, oid)
			}
			if f.Size != nil && *f.Size != have {
				return nil, bad("lfsFile %s: size %d does not match the uploaded object (%d bytes)", f.Path, *f.Size, have)
			}
			creq.Ops = append(creq.Ops, store.Op{Kind: store.OpAdd, Path: f.Path, SHA256: oid, LFS: store.LFSAlways})
		case "deletedFile", "deletedFolder":
			var f struct {
				Path string `json:"path"`
			}
			if err := json.Unmarshal(l.Value, &f); err != nil {
				return nil, bad("%s: %v", l.Key, err)
			}
			p := strings.TrimSuffix(f.Path, "/")
			if p == "" {
				return nil, bad("%s: empty path", l.Key)
			}
			creq.Ops = append(creq.Ops, store.Op{Kind: store.OpDelete, Path: p})
		default:
			return nil, bad("unknown commit line key %q", l.Key)
		}
	}
	err := sc.Err()
	if body.failed() {
		err = body.err
	}
	if err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad("a commit line is longer than %d bytes: send big files through LFS", maxCommitLine)
		}
		return nil, fmt.Errorf("read commit: %w", err)
	}
	if first {
		return nil, bad("empty commit: send a header line")
	}
	if strings.TrimSpace(creq.Title) == "" {
		return nil, bad("the commit summary is empty")
	}
	return creq, nil
}

// readErrRecorder remembers the first read error of a body, so that a line
// cut short by a failed read (a body over its cap, a stalled client) is
// reported as that failure, not as malformed JSON.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (e *readErrRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// failed reports whether a read failed other than by reaching the end.
func (e *readErrRecorder) failed() bool { return e.err != nil && !errors.Is(e.err, io.EOF) }

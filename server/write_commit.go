package server

import (
	"bufio"
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
	s.xetImportCommit(r.Context(), res.Commit)
	s.emitCommit(r, req, res)
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

// parseCommit reads the NDJSON body into a commit request, one line at a
// time in bounded memory (see [commitLineReader] and [Server.commitOp]).
func (s *Server) parseCommit(r *http.Request, rev string) (*store.CommitRequest, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalid}, args...)...)
	}
	creq := &store.CommitRequest{Revision: rev}
	body := &readErrRecorder{r: r.Body}
	lines := &commitLineReader{br: bufio.NewReaderSize(body, 64<<10), spool: s.store.CreateTemp, max: maxCommitLine}
	first := true
	for {
		ln, err := lines.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if body.failed() {
				err = body.err
			}
			switch {
			case errors.Is(err, errCommitLineTooLong):
				return nil, bad("a commit line is longer than %d bytes: send big files through LFS", maxCommitLine)
			case body.failed():
				return nil, fmt.Errorf("read commit: %w", err)
			}
			return nil, bad("malformed commit line: %v", err)
		}
		op, err := s.commitOp(r, creq, ln, &first)
		ln.content.close()
		if err != nil {
			return nil, err
		}
		creq.Ops = append(creq.Ops, op...)
	}
	if first {
		return nil, bad("empty commit: send a header line")
	}
	if strings.TrimSpace(creq.Title) == "" {
		return nil, bad("the commit summary is empty")
	}
	return creq, nil
}

// commitOp reads one commit line: the header fills creq, the other lines
// return the operations they add. Inline content is stored as a blob on the
// way (content-addressed, so a commit that fails later leaves no trace in
// any repository), read from the line's spool, never whole in memory.
func (s *Server) commitOp(r *http.Request, creq *store.CommitRequest, ln *rawCommitLine, first *bool) ([]store.Op, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalid}, args...)...)
	}
	var l commitLine
	if err := json.Unmarshal(ln.raw, &l); err != nil {
		return nil, bad("malformed commit line: %v", err)
	}
	if *first != (l.Key == "header") {
		return nil, bad("the first line of a commit, and only it, must be the header")
	}
	*first = false
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
		return nil, nil
	case "file":
		var f struct {
			Content  string `json:"content"`
			Path     string `json:"path"`
			Encoding string `json:"encoding"`
		}
		if err := json.Unmarshal(l.Value, &f); err != nil {
			return nil, bad("file: %v", err)
		}
		if !ln.hasContent {
			return nil, bad("file %s: no content string", f.Path)
		}
		data, err := ln.content.reader()
		if err != nil {
			return nil, fmt.Errorf("read commit: %w", err)
		}
		switch strings.ToLower(f.Encoding) {
		case "base64":
			data = &base64Content{r: base64.NewDecoder(base64.StdEncoding, data)}
		case "", "utf-8", "utf8":
		default:
			return nil, bad("file %s: unknown encoding %q", f.Path, f.Encoding)
		}
		b, err := s.store.PutBlob(r.Context(), data)
		if errors.Is(err, errNotBase64) {
			return nil, bad("file %s: %v", f.Path, err)
		}
		if err != nil {
			return nil, err
		}
		return []store.Op{{Kind: store.OpAdd, Path: f.Path, SHA256: b.SHA256, LFS: store.LFSNever}}, nil
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
			return []store.Op{
				{Kind: store.OpCopy, Path: f.Path, From: f.OldPath},
				{Kind: store.OpDelete, Path: f.OldPath},
			}, nil
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
		return []store.Op{{Kind: store.OpAdd, Path: f.Path, SHA256: oid, LFS: store.LFSAlways}}, nil
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
		return []store.Op{{Kind: store.OpDelete, Path: p}}, nil
	}
	return nil, bad("unknown commit line key %q", l.Key)
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

// errNotBase64 reports inline content that is not valid base64.
var errNotBase64 = errors.New("content is not base64")

// base64Content reports a malformed base64 stream (bad characters, or a
// length that is not a multiple of four) as errNotBase64.
type base64Content struct{ r io.Reader }

func (b *base64Content) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if _, corrupt := errors.AsType[base64.CorruptInputError](err); corrupt || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: %v", errNotBase64, err)
	}
	return n, err
}

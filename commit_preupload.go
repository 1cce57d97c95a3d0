package hfhub

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

type preuploadFile struct {
	Path   string `json:"path"`
	Sample []byte `json:"sample"` // base64 in JSON
	Size   int64  `json:"size"`
}

type preuploadRequest struct {
	Files     []preuploadFile `json:"files"`
	GitIgnore *string         `json:"gitIgnore,omitempty"` // sent, even empty, when the commit adds a .gitignore
}

type preuploadAnswer struct {
	Files []struct {
		Path         string `json:"path"`
		UploadMode   string `json:"uploadMode"`
		ShouldIgnore bool   `json:"shouldIgnore"`
		OID          string `json:"oid"`
	} `json:"files"`
	CommitOID string `json:"commitOid"`
}

// preupload asks the Hub, 256 files at a time, which adds go through LFS,
// which are ignored, and which are already there unchanged.
func (cm *commitRun) preupload(ctx context.Context) error {
	var adds []*preparedOp
	var gitignore *string // nil: the commit adds no .gitignore
	for _, op := range cm.ops {
		if op.kind != opAdd {
			continue
		}
		adds = append(adds, op)
		if op.pathInRepo == ".gitignore" && op.info.Size < 1<<20 {
			b, err := op.readAll()
			if err != nil {
				return fmt.Errorf(".gitignore: %w", err)
			}
			content := string(b)
			gitignore = &content
		}
	}
	u := cm.c.apiRepoURL(cm.opts.RepoType, cm.id, "preupload", QuoteRevision(cm.rev))
	if cm.opts.CreatePR {
		u += "?" + url.Values{"create_pr": {"1"}}.Encode()
	}
	for start := 0; start < len(adds); start += PreuploadChunkSize {
		chunk := adds[start:min(start+PreuploadChunkSize, len(adds))]
		req := preuploadRequest{GitIgnore: gitignore}
		byPath := map[string][]*preparedOp{}
		for _, op := range chunk {
			req.Files = append(req.Files, preuploadFile{Path: op.pathInRepo, Sample: op.info.Sample, Size: op.info.Size})
			byPath[op.pathInRepo] = append(byPath[op.pathInRepo], op)
		}
		var ans preuploadAnswer
		if _, err := cm.c.sendJSON(ctx, http.MethodPost, u, req, &ans, &reqOpts{Retry: retryAlways}); err != nil {
			return err
		}
		for _, f := range ans.Files {
			if f.UploadMode != "lfs" && f.UploadMode != "regular" {
				return fmt.Errorf("preupload answered upload mode %q for %s: expected \"lfs\" or \"regular\"", f.UploadMode, f.Path)
			}
			for _, op := range byPath[f.Path] {
				op.lfs = f.UploadMode == "lfs" && op.info.Size > 0 // empty files are always regular
				op.ignore = f.ShouldIgnore
				op.remoteOID = f.OID
			}
			delete(byPath, f.Path)
		}
		for p := range byPath { // any path left had no answer
			return fmt.Errorf("preupload did not answer for %s", p)
		}
	}
	for _, op := range adds {
		if op.remoteOID == "" {
			continue
		}
		local := op.info.GitOID
		if op.lfs {
			local = op.info.OID.String()
		}
		op.unchanged = op.remoteOID == local
	}
	return nil
}

// readAll returns an add's whole content (small files only).
func (op *preparedOp) readAll() ([]byte, error) {
	if op.src.hasData {
		return op.src.data, nil
	}
	ra, closeFn, err := op.openSource()
	if err != nil {
		return nil, err
	}
	defer closeFn() // read-only
	b := make([]byte, op.info.Size)
	if _, err := io.ReadFull(io.NewSectionReader(ra, 0, op.info.Size), b); err != nil {
		return nil, err
	}
	return b, nil
}

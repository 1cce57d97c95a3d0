package hfhub

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
)

// ndjsonLine is one line of the commit payload.
type ndjsonLine struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type commitHeader struct {
	Summary      string `json:"summary"`
	Description  string `json:"description"`
	ParentCommit string `json:"parentCommit,omitempty"`
}

type lfsFileLine struct {
	Path string `json:"path"`
	Algo string `json:"algo"`
	OID  string `json:"oid"`
	Size int64  `json:"size,omitempty"`
}

type pathLine struct {
	Path string `json:"path"`
}

// writePayload writes the NDJSON commit body to w: the header, then one
// line per operation in order. Regular files are base64-encoded as they are
// read from their source, so no file is held whole in memory.
func (cm *commitRun) writePayload(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw) // Encode ends each value with "\n"
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ndjsonLine{"header", commitHeader{cm.opts.Message, cm.opts.Description, cm.opts.ParentCommit}}); err != nil {
		return err
	}
	for _, op := range cm.ops {
		if op.skip() {
			continue
		}
		var err error
		switch {
		case op.kind == opAdd && op.lfs:
			err = enc.Encode(ndjsonLine{"lfsFile", lfsFileLine{op.pathInRepo, "sha256", op.info.OID.String(), op.info.Size}})
		case op.kind == opAdd:
			err = cm.writeInlineFile(bw, op)
		case op.kind == opDelete && op.folder:
			err = enc.Encode(ndjsonLine{"deletedFolder", pathLine{op.pathInRepo}})
		case op.kind == opDelete:
			err = enc.Encode(ndjsonLine{"deletedFile", pathLine{op.pathInRepo}})
		case op.kind == opCopy && op.copyLFS != nil:
			err = enc.Encode(ndjsonLine{"lfsFile", lfsFileLine{op.pathInRepo, "sha256", op.copyLFS.OID, op.copyLFS.Size}})
		case op.kind == opCopy:
			err = enc.Encode(ndjsonLine{"file", map[string]string{
				"content": base64.StdEncoding.EncodeToString(op.copyBytes), "path": op.pathInRepo, "encoding": "base64"}})
		}
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeInlineFile streams {"key":"file","value":{"content":"<base64>",
// "path":…,"encoding":"base64"}} from the add's source.
func (cm *commitRun) writeInlineFile(bw *bufio.Writer, op *preparedOp) error {
	p, err := json.Marshal(op.pathInRepo)
	if err != nil {
		return err
	}
	ra, closeFn, err := op.openSource()
	if err != nil {
		return fmt.Errorf("%s: %w", op.pathInRepo, err)
	}
	defer closeFn() // read-only
	bw.WriteString(`{"key":"file","value":{"content":"`)
	b64 := base64.NewEncoder(base64.StdEncoding, bw)
	n, err := io.Copy(b64, io.NewSectionReader(ra, 0, op.info.Size))
	if err != nil {
		return fmt.Errorf("%s: %w", op.pathInRepo, err)
	}
	if n != op.info.Size {
		return fmt.Errorf("%s: read %d bytes, hashed %d: the file changed during the upload", op.pathInRepo, n, op.info.Size)
	}
	if err := b64.Close(); err != nil {
		return err
	}
	bw.WriteString(`","path":`)
	bw.Write(p)
	_, err = bw.WriteString(`,"encoding":"base64"}}` + "\n") // bufio keeps the first write error
	return err
}

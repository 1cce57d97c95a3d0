package transfer

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// JournalPath returns the journal kept beside temp: "x.incomplete" has
// "x.journal.incomplete" (so every tool that treats *.incomplete files as
// transient download state, such as the Python client's cache scan, treats
// the journal the same way); any other name gets ".journal" appended.
func JournalPath(temp string) string {
	if base, ok := strings.CutSuffix(temp, ".incomplete"); ok {
		return base + ".journal.incomplete"
	}
	return temp + ".journal"
}

// journal is the on-disk resume record. Part i covers
// [i*PartSize, min((i+1)*PartSize, Size)); Done[i] bytes from its start are
// durably written.
type journal struct {
	Version  int     `json:"v"`
	Size     int64   `json:"size"`
	PartSize int64   `json:"part_size"`
	Hash     string  `json:"hash"`
	Want     string  `json:"want"`
	Done     []int64 `json:"done"`
}

const journalVersion = 1

func numParts(size, partSize int64) int {
	if size == 0 {
		return 1
	}
	return int((size + partSize - 1) / partSize)
}

// readJournal loads and validates the journal at path for job; ok is false
// when there is no usable journal.
func readJournal(path string, job Job) (j journal, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil || len(b) > 1<<20 {
		return j, false
	}
	if json.Unmarshal(b, &j) != nil {
		return j, false
	}
	if j.Version != journalVersion || j.Size != job.Size || j.Size < 0 ||
		j.Hash != job.Hash.String() || j.Want != job.Want || j.PartSize <= 0 ||
		len(j.Done) != numParts(j.Size, j.PartSize) {
		return j, false
	}
	for i, d := range j.Done {
		start := int64(i) * j.PartSize
		if d < 0 || d > min(j.PartSize, j.Size-start) {
			return j, false
		}
	}
	return j, true
}

// writeJournal replaces the journal at path atomically and durably (a
// temporary "<journal>.*.tmp" beside it, mode 0600).
func writeJournal(path string, j journal) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	err = fsutil.WriteAtomic(path, 0o600, filepath.Base(path)+".*.tmp", func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return fmt.Errorf("saving resume journal: %w", err)
	}
	return nil
}

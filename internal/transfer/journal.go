package transfer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// writeJournal replaces the journal at path atomically and durably.
func writeJournal(path string, j journal) (err error) {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()           // best effort: already failing
			_ = os.Remove(f.Name()) // best effort: already failing
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("saving resume journal: %w", err)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some filesystems do not support fsync on directories; the rename
	// itself has happened, so that is not worth failing a download for.
	if err != nil && (isNotSupported(err)) {
		return nil
	}
	return err
}

package lfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// DirJournal is a [Journal] that keeps one small JSON file per multipart
// upload in a directory, written atomically (temp file, fsync, rename), so it
// survives a crash at any point. Create it with [NewDirJournal]; it is safe
// for concurrent use within one process.
type DirJournal struct {
	dir string
	mu  sync.Mutex // serialises read-modify-write of the files
}

// NewDirJournal returns a journal stored in dir, creating dir if needed.
func NewDirJournal(dir string) (*DirJournal, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &DirJournal{dir: dir}, nil
}

type journalFile struct {
	Key   string            `json:"key"`
	Parts map[string]string `json:"parts"`
}

func (j *DirJournal) path(key string) string {
	h := sha256.Sum256([]byte(key))
	return filepath.Join(j.dir, hex.EncodeToString(h[:12])+".parts.json")
}

// Parts implements [Journal].
func (j *DirJournal) Parts(key string) (map[int]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := j.load(key)
	if err != nil {
		return nil, err
	}
	out := make(map[int]string, len(f.Parts))
	for k, v := range f.Parts {
		if n, err := strconv.Atoi(k); err == nil {
			out[n] = v
		}
	}
	return out, nil
}

// PartDone implements [Journal].
func (j *DirJournal) PartDone(key string, n int, etag string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := j.load(key)
	if err != nil {
		return err
	}
	f.Parts[strconv.Itoa(n)] = etag
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(j.path(key), b, 0o600)
}

// Forget implements [Journal].
func (j *DirJournal) Forget(key string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	err := os.Remove(j.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// load reads the record for key; a missing, unreadable or foreign record
// (hash collision) is an empty one: the parts are simply sent again.
func (j *DirJournal) load(key string) (*journalFile, error) {
	f := &journalFile{Key: key, Parts: map[string]string{}}
	b, err := os.ReadFile(j.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	var got journalFile
	if json.Unmarshal(b, &got) != nil || got.Key != key || got.Parts == nil {
		return f, nil
	}
	return &got, nil
}

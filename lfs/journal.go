package lfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
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
	return writeFileAtomic(j.path(key), b)
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

// writeFileAtomic writes b to path so that path holds either its old content
// or all of b after a crash: temp file beside it, fsync, close, rename, fsync
// of the directory.
func writeFileAtomic(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil { // best effort cleanup; the temp name is unique
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil // the rename happened; directory sync is best effort
	}
	defer d.Close()
	_ = d.Sync() // some filesystems refuse directory fsync; the data is in place
	return nil
}

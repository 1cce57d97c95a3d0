package fsutil

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.json")
	for _, content := range [][]byte{[]byte("first"), []byte("second, longer"), {}} {
		if err := WriteFileAtomic(p, content, 0o600); err != nil {
			t.Fatalf("WriteFileAtomic(%q) error = %v", content, err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, content) {
			t.Fatalf("content = %q, want %q", got, content)
		}
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode = %o, want 600", perm)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the file (no temp left behind)", len(entries))
	}
}

func TestWriteFileAtomicMissingFolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing", "f")
	if err := WriteFileAtomic(p, []byte("x"), 0o600); err == nil {
		t.Fatal("WriteFileAtomic into a missing folder succeeded, want an error")
	}
}

func TestSyncDir(t *testing.T) {
	if err := SyncDir(t.TempDir()); err != nil {
		t.Fatalf("SyncDir() error = %v", err)
	}
	if err := SyncDir(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("SyncDir(missing folder) succeeded, want an error")
	}
}

func TestWriteAtomicPatternAndFill(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "obj")
	var tmpName string
	err := WriteAtomic(p, 0o640, ".tmp-*", func(w io.Writer) error {
		tmpName = filepath.Base(w.(*os.File).Name())
		_, err := io.Copy(w, strings.NewReader("streamed"))
		return err
	})
	if err != nil {
		t.Fatalf("WriteAtomic() error = %v", err)
	}
	if !strings.HasPrefix(tmpName, ".tmp-") {
		t.Errorf("temporary file %q does not follow the pattern .tmp-*", tmpName)
	}
	if got, err := os.ReadFile(p); err != nil || string(got) != "streamed" {
		t.Fatalf("content = %q, %v; want \"streamed\"", got, err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, %v; want 640", fi.Mode().Perm(), err)
	}
}

func TestWriteAtomicFillFails(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "keep")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	errShort := errors.New("short body")
	err := WriteAtomic(p, 0o600, "", func(w io.Writer) error {
		if _, err := w.Write([]byte("half")); err != nil {
			return err
		}
		return errShort
	})
	if !errors.Is(err, errShort) {
		t.Fatalf("WriteAtomic() error = %v, want the fill's error", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Errorf("content = %q after a failed fill, want the old \"old\"", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the old file (temporary removed)", len(entries))
	}
}

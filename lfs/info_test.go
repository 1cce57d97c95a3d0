package lfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInfoKnownValues(t *testing.T) {
	tests := []struct {
		name, content, sha256, git string
	}{
		{"hello", "hello\n", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", "ce013625030ba8dba906f756967f9e9ca394464a"},
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := InfoFromBytes([]byte(tt.content))
			if info.OID.String() != tt.sha256 || info.GitOID != tt.git || info.Size != int64(len(tt.content)) {
				t.Fatalf("InfoFromBytes = %s %s %d, want %s %s %d", info.OID, info.GitOID, info.Size, tt.sha256, tt.git, len(tt.content))
			}
			if got := GitBlobOID([]byte(tt.content)); got != tt.git {
				t.Errorf("GitBlobOID = %s, want %s", got, tt.git)
			}
		})
	}
}

// TestInfoSourcesAgree checks path, reader and bytes give the same answer
// for sizes around the sample and buffer boundaries.
func TestInfoSourcesAgree(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	for _, size := range []int{0, 1, 511, 512, 513, 1 << 20, 1<<20 + 7, 3<<20 - 1} {
		data := make([]byte, size)
		rand.NewChaCha8([32]byte{byte(size), byte(size >> 8), byte(size >> 16)}).Read(data)
		want := InfoFromBytes(data)
		if len(want.Sample) != min(size, SampleSize) || !bytes.Equal(want.Sample, data[:len(want.Sample)]) {
			t.Fatalf("size %d: sample has %d bytes", size, len(want.Sample))
		}
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fromPath, err := InfoFromPath(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		fromReader, err := InfoFromReader(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		fromSection, err := InfoFromReader(ctx, io.NewSectionReader(bytes.NewReader(data), 0, int64(size)))
		if err != nil {
			t.Fatal(err)
		}
		unsized, err := InfoFromReader(ctx, io.MultiReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]UploadInfo{"path": fromPath, "reader": fromReader, "section": fromSection} {
			if got.OID != want.OID || got.Size != want.Size || got.GitOID != want.GitOID || !bytes.Equal(got.Sample, want.Sample) {
				t.Errorf("size %d: InfoFrom%s = %s/%d/%s, want %s/%d/%s", size, name, got.OID, got.Size, got.GitOID, want.OID, want.Size, want.GitOID)
			}
		}
		if unsized.OID != want.OID || unsized.Size != want.Size || unsized.GitOID != "" {
			t.Errorf("size %d: unsized reader = %s/%d/%q", size, unsized.OID, unsized.Size, unsized.GitOID)
		}
	}
}

func TestInfoErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := InfoFromReader(ctx, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error = %v, want context.Canceled", err)
	}
	if _, err := InfoFromReaderSize(t.Context(), strings.NewReader("abc"), 4); err == nil {
		t.Error("size mismatch: no error")
	}
	if _, err := InfoFromReaderSize(t.Context(), strings.NewReader("abc"), -1); err == nil {
		t.Error("negative size: no error")
	}
	if _, err := InfoFromPath(t.Context(), filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error = %v, want ErrNotExist", err)
	}
	if _, err := InfoFromPath(t.Context(), t.TempDir()); err == nil {
		t.Error("directory: no error")
	}
}

func BenchmarkInfoFromReader(b *testing.B) {
	data := make([]byte, 64<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := InfoFromReader(b.Context(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

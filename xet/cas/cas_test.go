package cas

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/hfhub-go/hfhub/xet"
)

func data(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func importBytes(t *testing.T, s *Store, b []byte) *File {
	t.Helper()
	sum := sha256.Sum256(b)
	f, err := s.Import(context.Background(), hex.EncodeToString(sum[:]), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestImportDedupReload(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	v1 := data(1, 3_000_000)
	v2 := append([]byte(nil), v1...)
	copy(v2[1_000_000:], data(2, 150_000))
	f1 := importBytes(t, s, v1)
	_, raw1 := s.Stats()
	f2 := importBytes(t, s, v2)
	_, raw2 := s.Stats()
	if raw1 != int64(len(v1)) || raw2-raw1 > 450_000 {
		t.Errorf("stored %d then +%d raw bytes", raw1, raw2-raw1)
	}
	if want, _, _ := xet.HashFile(bytes.NewReader(v2)); f2.XetHash != want {
		t.Error("xet hash")
	}
	// Reopen: same index.
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := s2.FileByXet(f1.XetHash); !ok || g.Size != int64(len(v1)) {
		t.Fatal("file lost on reopen")
	}
	if _, raw := s2.Stats(); raw != raw2 {
		t.Errorf("reopened raw %d, want %d", raw, raw2)
	}
	rec, err := xet.Reconstruct(f2.Terms, s2.Chunks, 0, ^uint64(0), xet.ReconstructOptions{})
	if err != nil || len(rec.Terms) < 2 {
		t.Fatalf("%v %d terms", err, len(rec.Terms))
	}
	// A wrong sha256 is refused.
	if _, err := s.Import(context.Background(), hex.EncodeToString(make([]byte, 32)), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader([]byte("x"))), nil
	}); err == nil {
		t.Error("sha256 mismatch accepted")
	}
}

func TestPutXorbValidates(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := xet.NewXorbBuilder(xet.CompressBest)
	for _, c := range [][]byte{data(3, 9000), bytes.Repeat([]byte("ab"), 5000)} {
		b.Add(c)
	}
	h := b.Hash()
	if _, err := s.PutXorb(xet.ChunkHash([]byte("other")), b.Bytes()); err == nil {
		t.Error("wrong hash accepted")
	}
	bad := append([]byte(nil), b.Bytes()...)
	bad[4] = 9
	var fe *xet.FormatError
	if _, err := s.PutXorb(h, bad); !errors.As(err, &fe) {
		t.Errorf("bad scheme: %v", err)
	}
	if n, err := s.PutXorb(h, b.Bytes()); !n || err != nil {
		t.Fatal(n, err)
	}
	if n, err := s.PutXorb(h, b.Bytes()); n || err != nil {
		t.Fatal("second put", n, err)
	}
	table, _ := s.Chunks(h)
	if len(table) != 2 {
		t.Fatal(table)
	}
}

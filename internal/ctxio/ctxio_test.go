package ctxio

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNewReaderCopiesWhileContextLives(t *testing.T) {
	var b strings.Builder
	n, err := io.Copy(&b, NewReader(context.Background(), strings.NewReader("all of it")))
	if err != nil || n != 9 || b.String() != "all of it" {
		t.Fatalf("io.Copy = %d, %v, %q; want 9, nil, \"all of it\"", n, err, b.String())
	}
}

func TestNewReaderStopsWhenContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := strings.NewReader("0123456789")
	r := NewReader(ctx, src)
	p := make([]byte, 4)
	if n, err := r.Read(p); n != 4 || err != nil {
		t.Fatalf("first Read = %d, %v; want 4, nil", n, err)
	}
	cancel()
	n, err := r.Read(p)
	if n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after cancel = %d, %v; want 0, context.Canceled", n, err)
	}
	if left := src.Len(); left != 6 {
		t.Errorf("source has %d bytes left after the cancelled Read, want 6 (it must not be read)", left)
	}
}

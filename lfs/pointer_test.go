package lfs

import (
	"errors"
	"strings"
	"testing"
)

const samplePointer = "version https://git-lfs.github.com/spec/v1\n" +
	"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n" +
	"size 12345\n"

func TestPointerRoundTrip(t *testing.T) {
	p, err := ParsePointer([]byte(samplePointer))
	if err != nil {
		t.Fatal(err)
	}
	if p.Size != 12345 || p.OID.String() != "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393" {
		t.Fatalf("ParsePointer = %+v", p)
	}
	if got := p.String(); got != samplePointer {
		t.Fatalf("String() = %q, want %q", got, samplePointer)
	}
	if !IsPointer(p.Bytes()) {
		t.Error("IsPointer(own output) = false")
	}
}

func TestParsePointerRejects(t *testing.T) {
	oid := "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
	ver := "version https://git-lfs.github.com/spec/v1\n"
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"no final newline", strings.TrimSuffix(samplePointer, "\n")},
		{"unknown version", "version https://example.com/v9\n" + oid + "size 1\n"},
		{"version not first", oid + ver + "size 1\n"},
		{"missing size", ver + oid},
		{"missing oid", ver + "size 1\n"},
		{"keys out of order", ver + "size 1\n" + oid},
		{"repeated key", ver + oid + oid + "size 1\n"},
		{"negative size", ver + oid + "size -1\n"},
		{"size with plus", ver + oid + "size +1\n"},
		{"sha1 oid", ver + "oid sha1:abc\nsize 1\n"},
		{"uppercase oid", ver + strings.ToUpper(oid[:4]) + "\nsize 1\n"},
		{"crlf", strings.ReplaceAll(samplePointer, "\n", "\r\n")},
		{"bad extension key", ver + "ext-0-Foo x\n" + oid + "size 1\n"},
		{"too big", ver + oid + "size 1\n" + "zz " + strings.Repeat("a", 1100) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePointer([]byte(tt.in)); !errors.Is(err, ErrNotPointer) {
				t.Errorf("ParsePointer(%q) error = %v, want ErrNotPointer", tt.in, err)
			}
		})
	}
}

func TestParsePointerAccepts(t *testing.T) {
	tests := []struct{ name, in string }{
		{"legacy hawser version", strings.Replace(samplePointer, "git-lfs.github.com", "hawser.github.com", 1)},
		{"extension before oid", "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:00\n" + samplePointer[len("version https://git-lfs.github.com/spec/v1\n"):]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePointer([]byte(tt.in)); err != nil {
				t.Errorf("ParsePointer: %v", err)
			}
		})
	}
}

func FuzzParsePointer(f *testing.F) {
	f.Add([]byte(samplePointer))
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:x\nsize 1\n"))
	f.Add([]byte("hello world\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePointer(b)
		if err != nil {
			return
		}
		// Anything accepted must re-parse to the same pointer from its canonical form.
		q, err := ParsePointer(p.Bytes())
		if err != nil || q != p {
			t.Fatalf("canonical form of %q does not round trip: %v", b, err)
		}
	})
}

package archive

import (
	"bytes"
	"strconv"
	"strings"
)

// Format is an archive or compression format recognised by its magic bytes.
type Format int

// Formats recognised by [Detect].
const (
	// Unknown is data that none of the other formats matches.
	Unknown Format = iota
	// Zip is a PKWARE zip archive.
	Zip
	// Tar is an uncompressed tar archive (ustar, pax, GNU or v7).
	Tar
	// Gzip is a gzip stream: a .tar.gz/.tgz archive or a single .gz file.
	Gzip
	// XZ is an xz stream: a .tar.xz archive or a single .xz file.
	XZ
	// Bzip2 is a bzip2 stream: a .tar.bz2 archive or a single .bz2 file.
	Bzip2
)

var formatNames = [...]string{"unknown", "zip", "tar", "gzip", "xz", "bzip2"}

// String returns the format's lower-case name.
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return "Format(" + strconv.Itoa(int(f)) + ")"
	}
	return formatNames[f]
}

// DetectLen is the number of leading bytes [Detect] needs to recognise every
// format (a tar header block).
const DetectLen = 512

// Detect returns the format of data that starts with head (ideally
// [DetectLen] bytes or the whole input if shorter). name, the file's name, is
// a hint used only to recognise an empty tar archive; it may be empty.
func Detect(head []byte, name string) Format {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")),
		bytes.HasPrefix(head, []byte("PK\x05\x06")),
		bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return Zip
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return Gzip
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return XZ
	case len(head) >= 4 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9':
		return Bzip2
	case isTarHeader(head, name):
		return Tar
	}
	return Unknown
}

// isTarHeader reports whether block is the first header block of a tar
// archive: the "ustar" magic, or a valid v7 header checksum, or (with a tar
// file name) the all-zero block of an empty archive.
func isTarHeader(block []byte, name string) bool {
	if len(block) < 512 {
		return false
	}
	block = block[:512]
	if string(block[257:262]) == "ustar" {
		return true
	}
	if allZero(block) {
		return hasTarName(name)
	}
	return tarChecksumOK(block)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func tarChecksumOK(block []byte) bool {
	field := strings.TrimRight(strings.TrimSpace(strings.Trim(string(block[148:156]), "\x00")), "\x00 ")
	want, err := strconv.ParseInt(field, 8, 64)
	if err != nil || field == "" {
		return false
	}
	var sum int64
	for i, c := range block {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	return sum == want
}

// hasTarName reports whether name looks like a tar archive, compressed or not.
func hasTarName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{".tar", ".tgz", ".tar.gz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tbz"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// singleName returns the output name for a single compressed file: name
// without its compression suffix, else the name stored in the gzip header
// (stored), else name itself, else "data".
func singleName(name, stored string) string {
	base := lastElem(name)
	lower := strings.ToLower(base)
	for _, s := range []struct{ suffix, repl string }{
		{".tgz", ".tar"}, {".txz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"},
		{".gz", ""}, {".gzip", ""}, {".xz", ""}, {".bz2", ""},
	} {
		if strings.HasSuffix(lower, s.suffix) {
			if b := base[:len(base)-len(s.suffix)] + s.repl; usableName(b) {
				return b
			}
			break
		}
	}
	if s := lastElem(stored); usableName(s) {
		return s
	}
	if usableName(base) {
		return base
	}
	return "data"
}

func lastElem(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

func usableName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	_, err := cleanName(s)
	return err == nil
}

package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds of one commit line read by [commitLineReader].
const (
	// maxCommitMeta bounds what a line holds besides an inline file's
	// content: paths, the header, encodings (raw JSON).
	maxCommitMeta = 1 << 20
	// contentInMemory is how much of an inline file's content is kept in
	// memory before it spills to a file in the store's temporary folder.
	contentInMemory = 64 << 10
)

// errCommitLineTooLong reports an inline file over maxCommitLine bytes.
var errCommitLineTooLong = errors.New("commit line too long")

// commitLineReader reads the NDJSON lines of a commit body one JSON object
// at a time in bounded memory, whatever the size of the commit: the
// "content" string of a line's value (an inline file, possibly hundreds of
// megabytes of base64) is unescaped as it arrives into memory up to
// contentInMemory and into a spool file past that, and the rest of the line
// is kept as raw JSON of at most maxCommitMeta bytes, with that string
// replaced by "".
type commitLineReader struct {
	br    *bufio.Reader
	spool func(pattern string) (*os.File, error)
	max   int64 // the largest content accepted
	meta  bytes.Buffer
}

// commitLine is one line read by [commitLineReader].
type rawCommitLine struct {
	// raw is the line's JSON, its value's "content" string replaced by "".
	raw []byte
	// content holds that string's unescaped bytes; hasContent reports
	// whether the value had one.
	content    contentSpool
	hasContent bool
}

// contentSpool holds an inline file's content: in memory while small, in a
// temporary file past contentInMemory.
type contentSpool struct {
	mem  bytes.Buffer
	file *os.File
	w    *bufio.Writer
	size int64
}

func (c *contentSpool) write(p []byte, spool func(string) (*os.File, error)) error {
	c.size += int64(len(p))
	if c.file == nil && c.mem.Len()+len(p) <= contentInMemory {
		c.mem.Write(p)
		return nil
	}
	if c.file == nil {
		f, err := spool("commit-content-*.incomplete")
		if err != nil {
			return err
		}
		c.file, c.w = f, bufio.NewWriterSize(f, 32<<10)
		if _, err := c.w.Write(c.mem.Bytes()); err != nil {
			return err
		}
		c.mem = bytes.Buffer{}
	}
	_, err := c.w.Write(p)
	return err
}

// reader returns the content from its first byte.
func (c *contentSpool) reader() (io.Reader, error) {
	if c.file == nil {
		return bytes.NewReader(c.mem.Bytes()), nil
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	if _, err := c.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(c.file, 32<<10), nil
}

// close removes the spool file, if any.
func (c *contentSpool) close() {
	if c.file != nil {
		_ = c.file.Close()           // best effort: a temporary file
		_ = os.Remove(c.file.Name()) // best effort: unique temporary name
		c.file = nil
	}
}

// next reads the next line. It returns io.EOF after the last one. The
// caller closes the line's content.
func (c *commitLineReader) next() (*rawCommitLine, error) {
	if err := c.skipSpace(); err != nil {
		return nil, err // io.EOF: no more lines
	}
	c.meta.Reset()
	l := &rawCommitLine{}
	if err := c.value(l, 0, ""); err != nil {
		l.content.close()
		return nil, err
	}
	// The rest of the line must be blank.
	for {
		b, err := c.br.ReadByte()
		if err == io.EOF || (err == nil && b == '\n') {
			break
		}
		if err != nil {
			l.content.close()
			return nil, err
		}
		if !isSpace(b) {
			l.content.close()
			return nil, fmt.Errorf("invalid character %q after the JSON object of a line", b)
		}
	}
	l.raw = c.meta.Bytes()
	return l, nil
}

// value copies one JSON value into c.meta. depth is that of the value's
// container (0 for the line's object); parent is the member name that holds
// the container.
func (c *commitLineReader) value(l *rawCommitLine, depth int, parent string) error {
	b, err := c.readByte()
	if err != nil {
		return err
	}
	switch b {
	case '{', '[':
		end := byte('}')
		if b == '[' {
			end = ']'
		}
		if err := c.put(b); err != nil {
			return err
		}
		if err := c.skipSpace(); err != nil {
			return unexpectedEOF(err)
		}
		if nb, err := c.br.Peek(1); err == nil && nb[0] == end {
			_, _ = c.br.ReadByte() // the peeked byte
			return c.put(end)
		}
		for {
			name := ""
			if b == '{' {
				if name, err = c.memberName(); err != nil {
					return err
				}
			}
			if err := c.skipSpace(); err != nil {
				return unexpectedEOF(err)
			}
			nb, err := c.br.Peek(1)
			if err != nil {
				return unexpectedEOF(err)
			}
			if b == '{' && depth == 1 && parent == "value" && name == "content" && nb[0] == '"' && !l.hasContent {
				_, _ = c.br.ReadByte() // the opening quote
				l.hasContent = true
				if err := c.streamString(&l.content); err != nil {
					return err
				}
				if err := c.putString(`""`); err != nil {
					return err
				}
			} else if err := c.value(l, depth+1, name); err != nil {
				return err
			}
			if err := c.skipSpace(); err != nil {
				return unexpectedEOF(err)
			}
			sep, err := c.readByte()
			if err != nil {
				return err
			}
			if err := c.put(sep); err != nil {
				return err
			}
			if sep == end {
				return nil
			}
			if sep != ',' {
				return fmt.Errorf("invalid character %q in a JSON %s", sep, map[byte]string{'{': "object", '[': "array"}[b])
			}
			if err := c.skipSpace(); err != nil {
				return unexpectedEOF(err)
			}
		}
	case '"':
		_, err := c.rawString()
		return err
	default:
		// A number or a literal: copied up to a delimiter, checked by the
		// JSON decoder that reads c.meta.
		if err := c.put(b); err != nil {
			return err
		}
		for {
			nb, err := c.br.Peek(1)
			if err != nil || isSpace(nb[0]) || nb[0] == ',' || nb[0] == '}' || nb[0] == ']' {
				return nil
			}
			_, _ = c.br.ReadByte() // the peeked byte
			if err := c.put(nb[0]); err != nil {
				return err
			}
		}
	}
}

// memberName copies an object member's name and its colon, and returns
// the name (decoded only as far as a plain name needs: names with escapes
// are never "content" in a client's output and compare unequal).
func (c *commitLineReader) memberName() (string, error) {
	b, err := c.readByte()
	if err != nil {
		return "", err
	}
	if b != '"' {
		return "", fmt.Errorf("invalid character %q where a JSON object member name was expected", b)
	}
	name, err := c.rawString()
	if err != nil {
		return "", err
	}
	if err := c.skipSpace(); err != nil {
		return "", unexpectedEOF(err)
	}
	colon, err := c.readByte()
	if err != nil {
		return "", err
	}
	if colon != ':' {
		return "", fmt.Errorf("invalid character %q after a JSON object member name", colon)
	}
	return name, c.put(':')
}

// rawString copies a string whose opening quote was read, escapes as they
// are, and returns its raw text between the quotes.
func (c *commitLineReader) rawString() (string, error) {
	if err := c.put('"'); err != nil {
		return "", err
	}
	start := c.meta.Len()
	for {
		b, err := c.readByte()
		if err != nil {
			return "", err
		}
		if err := c.put(b); err != nil {
			return "", err
		}
		switch b {
		case '\\':
			e, err := c.readByte()
			if err != nil {
				return "", err
			}
			if err := c.put(e); err != nil {
				return "", err
			}
		case '"':
			return string(c.meta.Bytes()[start : c.meta.Len()-1]), nil
		}
	}
}

// streamString unescapes a string whose opening quote was read into dst.
func (c *commitLineReader) streamString(dst *contentSpool) error {
	var (
		run  = make([]byte, 0, 32<<10)
		ubuf [utf8.UTFMax]byte
	)
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		if dst.size+int64(len(run)) > c.max {
			return errCommitLineTooLong
		}
		err := dst.write(run, c.spool)
		run = run[:0]
		return err
	}
	for {
		b, err := c.readByte()
		if err != nil {
			return err
		}
		switch {
		case b == '"':
			return flush()
		case b < 0x20:
			return fmt.Errorf("invalid control character %q in a JSON string", b)
		case b == '\\':
			e, err := c.readByte()
			if err != nil {
				return err
			}
			switch e {
			case '"', '\\', '/':
				run = append(run, e)
			case 'b':
				run = append(run, '\b')
			case 'f':
				run = append(run, '\f')
			case 'n':
				run = append(run, '\n')
			case 'r':
				run = append(run, '\r')
			case 't':
				run = append(run, '\t')
			case 'u':
				r, err := c.hex4()
				if err != nil {
					return err
				}
				if utf16.IsSurrogate(r) {
					r = c.lowSurrogate(r)
				}
				run = append(run, ubuf[:utf8.EncodeRune(ubuf[:], r)]...)
			default:
				return fmt.Errorf("invalid escape \\%c in a JSON string", e)
			}
		default:
			run = append(run, b)
		}
		if len(run) >= cap(run)-utf8.UTFMax {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// lowSurrogate completes the UTF-16 pair that starts with high, as
// encoding/json does: an unpaired surrogate becomes U+FFFD.
func (c *commitLineReader) lowSurrogate(high rune) rune {
	if nb, err := c.br.Peek(6); err == nil && nb[0] == '\\' && nb[1] == 'u' {
		if low, ok := parseHex4(nb[2:6]); ok {
			if r := utf16.DecodeRune(high, low); r != utf8.RuneError {
				_, _ = c.br.Discard(6) // the peeked escape
				return r
			}
		}
	}
	return utf8.RuneError
}

func (c *commitLineReader) hex4() (rune, error) {
	var h [4]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return 0, unexpectedEOF(err)
	}
	r, ok := parseHex4(h[:])
	if !ok {
		return 0, fmt.Errorf("invalid \\u escape %q in a JSON string", h[:])
	}
	return r, nil
}

func parseHex4(h []byte) (rune, bool) {
	var r rune
	for _, b := range h {
		switch {
		case b >= '0' && b <= '9':
			r = r<<4 | rune(b-'0')
		case b >= 'a' && b <= 'f':
			r = r<<4 | rune(b-'a'+10)
		case b >= 'A' && b <= 'F':
			r = r<<4 | rune(b-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (c *commitLineReader) readByte() (byte, error) {
	b, err := c.br.ReadByte()
	return b, unexpectedEOF(err)
}

func (c *commitLineReader) put(b byte) error {
	if c.meta.Len() >= maxCommitMeta {
		return errCommitLineTooLong
	}
	return c.meta.WriteByte(b)
}

func (c *commitLineReader) putString(s string) error {
	if c.meta.Len()+len(s) > maxCommitMeta {
		return errCommitLineTooLong
	}
	c.meta.WriteString(s)
	return nil
}

// skipSpace consumes JSON whitespace; it returns io.EOF at the end.
func (c *commitLineReader) skipSpace() error {
	for {
		b, err := c.br.ReadByte()
		if err != nil {
			return err
		}
		if !isSpace(b) {
			return c.br.UnreadByte()
		}
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// unexpectedEOF turns an end of input inside a line into io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

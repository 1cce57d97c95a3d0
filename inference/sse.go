package inference

import (
	"bytes"
	"io"
)

// Event is one server-sent event (spec §2.2). Data is only valid until the
// next call to [SSEDecoder.Next].
type Event struct {
	Event string // the event: field, "" for the default "message"
	ID    string
	Data  []byte // data: lines joined with "\n"
}

// SSEDecoder reads server-sent events from a stream following the SSE
// specification: lines end in \n, \r\n or \r; an empty line dispatches;
// data: lines join with \n; one optional space after the colon; lines that
// start with ':' are comments. Bytes are buffered, so events split anywhere
// (inside a line or a UTF-8 sequence) decode whole. It is not safe for
// concurrent use.
type SSEDecoder struct {
	r       io.Reader
	buf     []byte
	start   int // unread bytes are buf[start:]
	skipLF  bool
	data    []byte
	hasData bool
	ev      Event
	err     error
}

// NewSSEDecoder returns a decoder reading r.
func NewSSEDecoder(r io.Reader) *SSEDecoder {
	return &SSEDecoder{r: r, buf: make([]byte, 0, 4096)}
}

// Next returns the next event, or io.EOF when the stream ended cleanly
// (an event that was not terminated by a blank line is still dispatched,
// as streams that end without one exist: TGI, cerebras). Other read errors
// are returned as is.
func (d *SSEDecoder) Next() (*Event, error) {
	d.ev = Event{}
	d.data = d.data[:0]
	d.hasData = false
	for {
		line, ok := d.line()
		if !ok {
			if d.err != nil {
				if d.err == io.EOF && d.hasData {
					d.ev.Data = d.data
					return &d.ev, nil
				}
				return nil, d.err
			}
			d.fill()
			continue
		}
		if len(line) == 0 {
			if d.hasData {
				d.ev.Data = d.data
				return &d.ev, nil
			}
			d.ev = Event{}
			continue
		}
		d.field(line)
	}
}

// line returns the next complete line (without its end) if buffered.
func (d *SSEDecoder) line() ([]byte, bool) {
	rest := d.buf[d.start:]
	if d.skipLF && len(rest) > 0 {
		if rest[0] == '\n' {
			d.start++
			rest = rest[1:]
		}
		d.skipLF = false
	}
	i := bytes.IndexAny(rest, "\r\n")
	if i < 0 {
		if d.err == io.EOF && len(rest) > 0 {
			d.start = len(d.buf) // the last line has no end: take it
			return rest, true
		}
		return nil, false
	}
	line := rest[:i]
	d.start += i + 1
	if rest[i] == '\r' {
		d.skipLF = true
	}
	return line, true
}

func (d *SSEDecoder) fill() {
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:])
		d.buf = d.buf[:n]
		d.start = 0
	}
	if len(d.buf) == cap(d.buf) {
		nb := make([]byte, len(d.buf), 2*cap(d.buf))
		copy(nb, d.buf)
		d.buf = nb
	}
	n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
	d.buf = d.buf[:len(d.buf)+n]
	if err != nil {
		d.err = err
	}
}

func (d *SSEDecoder) field(line []byte) {
	if line[0] == ':' {
		return // comment (keep-alive)
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if d.hasData {
			d.data = append(d.data, '\n')
		}
		d.data = append(d.data, value...)
		d.hasData = true
	case "event":
		d.ev.Event = string(value)
	case "id":
		d.ev.ID = string(value)
	}
}

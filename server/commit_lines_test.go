package server

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

// The streaming line reader gives what encoding/json gives for the content
// string, whatever its escapes, and keeps the rest of the line as JSON.
func TestCommitLineReaderMatchesEncodingJSON(t *testing.T) {
	big := strings.Repeat("abc\\n\\u00e9\\ud83d\\ude00", 20000) // spills past contentInMemory
	for _, content := range []string{
		``, `plain`, `q\"uote\\back\/slash`, `\b\f\n\r\t`, `\u0041\u00e9\u4e2d`,
		`\ud83d\ude00`, `\ud83d`, `\ude00x`, `\ud83dx`, big,
	} {
		line := `{"key":"file","value":{"path":"a\"b.txt","content":"` + content + `","encoding":"utf-8","n":[1,{"x":null}],"t":true}}` + "\n"
		var want struct {
			Key   string `json:"key"`
			Value struct {
				Path, Content, Encoding string
				N                       []any
				T                       bool
			} `json:"value"`
		}
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Fatalf("test line does not parse: %v", err)
		}
		lr := &commitLineReader{br: bufio.NewReader(strings.NewReader(line)), spool: tempSpool(t), max: maxCommitLine}
		ln, err := lr.next()
		if err != nil {
			t.Fatalf("next(%.40q): %v", content, err)
		}
		r, err := ln.content.reader()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		if string(got) != want.Value.Content || !ln.hasContent {
			t.Errorf("content of %.40q: got %.40q, want %.40q", content, got, want.Value.Content)
		}
		if (ln.content.file != nil) != (len(want.Value.Content) > contentInMemory) {
			t.Errorf("content of %d bytes: spilled to a file = %v", len(want.Value.Content), ln.content.file != nil)
		}
		var rest struct {
			Value struct {
				Path, Content string
				N             []any
				T             bool
			} `json:"value"`
		}
		if err := json.Unmarshal(ln.raw, &rest); err != nil || rest.Value.Path != `a"b.txt` || rest.Value.Content != "" || !rest.Value.T || len(rest.Value.N) != 2 {
			t.Errorf("rest of the line: %s (%v)", ln.raw, err)
		}
		name := ""
		if ln.content.file != nil {
			name = ln.content.file.Name()
		}
		ln.content.close()
		if name != "" {
			if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("spool file left behind: %v", err)
			}
		}
		if _, err := lr.next(); err != io.EOF {
			t.Errorf("after the last line: %v, want io.EOF", err)
		}
	}
}

// Malformed lines are errors, never a panic or a silently shortened value.
func TestCommitLineReaderErrors(t *testing.T) {
	for _, line := range []string{
		`{"key":"file","value":{"content":"abc`,                // cut short
		`{"key":"file","value":{"content":"a` + "\x01" + `"}}`, // control character
		`{"key":"file","value":{"content":"\x"}}`,              // bad escape
		`{"key":"file","value":{"content":"\u12"}}`,            // short \u
		`{"key":"file","value":{"content":"a"} x`,              // bad separator
		`{"key":"header"}{"key":"header"}`,                     // two objects on a line
		`{"key" "x"}`,                                          // no colon
		`{3:4}`,                                                // a name that is not a string
	} {
		lr := &commitLineReader{br: bufio.NewReader(strings.NewReader(line)), spool: tempSpool(t), max: maxCommitLine}
		if ln, err := lr.next(); err == nil {
			var v any
			if json.Unmarshal(ln.raw, &v) == nil {
				t.Errorf("next(%q) = %s, want an error", line, ln.raw)
			}
		}
	}
	lr := &commitLineReader{br: bufio.NewReader(strings.NewReader(`{"key":"file","value":{"content":"` + strings.Repeat("a", 100) + `"}}`)), spool: tempSpool(t), max: 99}
	if _, err := lr.next(); !errors.Is(err, errCommitLineTooLong) {
		t.Errorf("content over max: %v, want errCommitLineTooLong", err)
	}
	lr = &commitLineReader{br: bufio.NewReader(strings.NewReader(`{"key":"file","value":{"path":"` + strings.Repeat("a", maxCommitMeta) + `"}}`)), spool: tempSpool(t), max: maxCommitLine}
	if _, err := lr.next(); !errors.Is(err, errCommitLineTooLong) {
		t.Errorf("path over maxCommitMeta: %v, want errCommitLineTooLong", err)
	}
}

func FuzzCommitLineReader(f *testing.F) {
	f.Add(`{"key":"file","value":{"content":"aGk=","path":"x","encoding":"base64"}}`)
	f.Add(`{"key":"header","value":{"summary":"s\u00e9"}}` + "\n\n" + `{"key":"deletedFile","value":{"path":"a"}}`)
	f.Add(`{"key":"file","value":{"content":"\ud83d\ude00\n"}}`)
	f.Fuzz(func(t *testing.T, in string) {
		lr := &commitLineReader{br: bufio.NewReader(strings.NewReader(in)), spool: tempSpool(t), max: 1 << 20}
		for range 100 {
			ln, err := lr.next()
			if err != nil {
				return
			}
			if ln.hasContent {
				if r, err := ln.content.reader(); err == nil {
					_, _ = io.Copy(io.Discard, r)
				}
			}
			ln.content.close()
		}
	})
}

func tempSpool(t testing.TB) func(string) (*os.File, error) {
	dir := t.TempDir()
	return func(pattern string) (*os.File, error) { return os.CreateTemp(dir, pattern) }
}

// A commit with a large inline file is stored in bounded memory: the
// server allocates a small fraction of the body, not several times it.
func TestCommitLargeInlineFileBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a 48 MiB commit")
	}
	base, st := writeServer(t)
	const size = 36 << 20 // 48 MiB of base64
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriter(pw)
		fmt.Fprintln(bw, header)
		fmt.Fprint(bw, `{"key":"file","value":{"path":"big.bin","encoding":"base64","content":"`)
		enc := base64.NewEncoder(base64.StdEncoding, bw)
		chunk := []byte(strings.Repeat("0123456789abcdef", 4096))
		for n := 0; n < size; n += len(chunk) {
			_, _ = enc.Write(chunk)
		}
		_ = enc.Close()
		fmt.Fprintln(bw, `"}}`)
		_ = bw.Flush()
		_ = pw.Close()
	}()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/api/models/alice/r/commit/main", pr)
	req.Header.Set("Authorization", "Bearer "+wTok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if resp.StatusCode != 200 {
		t.Fatalf("commit: %d %s", resp.StatusCode, body)
	}
	// Client and server share this process: everything they allocated for
	// the 48 MiB body, with buffers and the JSON, is far under its size.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MiB commit body allocated %.1f MiB (client and server)", size*4/3>>20, float64(alloc)/(1<<20))
	if alloc > 16<<20 {
		t.Errorf("a %d MiB commit allocated %d MiB; want under 16 MiB (bounded, streamed)", size*4/3>>20, alloc>>20)
	}
	head, err := st.Resolve(store.Model, "alice/r", "main")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := head.File("big.bin")
	if !ok || f.Size != size {
		t.Fatalf("big.bin after the commit: %+v", f)
	}
}

package server

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

func limitServer(t *testing.T, opts ...Option) (string, *store.Store) {
	t.Helper()
	st := newStore(t)
	seed(t, st, store.Model, "alice/r", map[string]string{"a.txt": "a"})
	ts, _ := testServer(t, st, append([]Option{WithTokens(Tokens{wTok: {Name: "alice", Role: RoleWrite}})}, opts...)...)
	return ts.URL, st
}

func fileLine(path string, content []byte) string {
	return fmt.Sprintf(`{"key":"file","value":{"content":%q,"path":%q,"encoding":"base64"}}`, base64.StdEncoding.EncodeToString(content), path)
}

func TestCommitBodyCap(t *testing.T) {
	base, st := limitServer(t, WithMaxCommitBytes(64<<10))
	head, _ := st.Resolve(store.Model, "alice/r", "main")
	url := base + "/api/models/alice/r/commit/main"
	auth := []string{"Authorization", "Bearer " + wTok, "Content-Type", "application/x-ndjson"}

	// Each line is small, the whole body is over the cap.
	lines := []string{header}
	for i := range 8 {
		lines = append(lines, fileLine(fmt.Sprintf("f%d.txt", i), []byte(strings.Repeat(string(rune('a'+i)), 10<<10))))
	}
	resp, body := do(t, http.MethodPost, url, ndjson(lines...), auth...)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Header.Get("X-Error-Message"), "over 65536 bytes") {
		t.Fatalf("over the cap: %d %q %s", resp.StatusCode, resp.Header.Get("X-Error-Message"), body)
	}
	if m := decode[map[string]string](t, body); !strings.HasPrefix(m["error"], "Payload Too Large") {
		t.Fatalf("body %s", body)
	}
	if now, _ := st.Resolve(store.Model, "alice/r", "main"); now.ID != head.ID {
		t.Fatal("a refused commit changed main")
	}
	// Under the cap it commits.
	resp, body = do(t, http.MethodPost, url, ndjson(lines[:4]...), auth...)
	if resp.StatusCode != 200 {
		t.Fatalf("under the cap: %d %s", resp.StatusCode, body)
	}
}

func TestPathLengthLimits(t *testing.T) {
	base, st := limitServer(t)
	auth := []string{"Authorization", "Bearer " + wTok, "Content-Type", "application/x-ndjson"}
	seg := strings.Repeat("s", store.MaxPathSegmentLen)
	longest := strings.Repeat(strings.Repeat("d", 200)+"/", 5)
	longest += strings.Repeat("x", store.MaxPathLen-len(longest)) // exactly MaxPathLen bytes
	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"path over 1024 bytes", strings.Repeat("d/", 512) + "f", 400},
		{"name over 255 bytes", "dir/" + seg + "x", 400},
		{"longest accepted path", longest, 200},
	} {
		resp, body := do(t, http.MethodPost, base+"/api/models/alice/r/commit/main", ndjson(header, fileLine(tc.path, []byte("x"))), auth...)
		if resp.StatusCode != tc.status {
			t.Errorf("commit %s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
		pre := fmt.Sprintf(`{"files":[{"path":%q,"sample":"eA==","size":1}]}`, tc.path)
		resp, body = do(t, http.MethodPost, base+"/api/models/alice/r/preupload/main", strings.NewReader(pre), auth...)
		if resp.StatusCode != tc.status {
			t.Errorf("preupload %s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
	}
	if _, err := st.ReadFile(store.Model, "alice/r", "main", longest); err != nil {
		t.Fatalf("longest path not committed: %v", err)
	}
}

// A client that stops sending its body is cut; one that keeps sending slowly
// for longer than the idle timeout is not.
func TestBodyIdleTimeout(t *testing.T) {
	const idle = 400 * time.Millisecond
	base, st := limitServer(t, WithBodyIdleTimeout(idle))
	u, _ := url.Parse(base)
	body := header + "\n" + fileLine("slow.txt", []byte("slowly sent")) + "\n"

	// send writes a request by hand: the body in 8-byte pieces with pause
	// between them, stopping (connection kept open) at stallAfter bytes
	// when stallAfter >= 0.
	send := func(t *testing.T, method, target, ctype, body string, stallAfter int, pause time.Duration) (status string, rest string) {
		t.Helper()
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// Generous: the server must answer long before this.
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			method, target, u.Host, wTok, ctype, len(body))
		for i := 0; i < len(body); i += 8 {
			if stallAfter >= 0 && i >= stallAfter {
				break // stop sending; keep the connection open
			}
			if _, err := io.WriteString(conn, body[i:min(i+8, len(body))]); err != nil {
				t.Fatal(err)
			}
			time.Sleep(pause)
		}
		br := bufio.NewReader(conn)
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("no answer from the server: %v", err)
		}
		if stallAfter < 0 {
			return strings.TrimSpace(line), "" // keep-alive: the connection stays open
		}
		all, _ := io.ReadAll(br) // the server closes the connection after a 408
		return strings.TrimSpace(line), string(all)
	}
	commit := "/api/models/alice/r/commit/main"

	t.Run("stalled body is cut", func(t *testing.T) {
		status, rest := send(t, "POST", commit, "application/x-ndjson", body, 40, 0)
		if !strings.HasPrefix(status, "HTTP/1.1 408") || !strings.Contains(rest, "Request Timeout") {
			t.Fatalf("stalled body: %q %q", status, rest)
		}
	})
	t.Run("stalled LFS upload is cut", func(t *testing.T) {
		content := strings.Repeat("large file ", 100)
		sum := sha256.Sum256([]byte(content))
		oid := hex.EncodeToString(sum[:])
		href, err := url.Parse(batch(t, base, oid, int64(len(content))).Actions.Upload.Href)
		if err != nil {
			t.Fatal(err)
		}
		status, rest := send(t, "PUT", href.RequestURI(), "application/octet-stream", content, 500, 0)
		if !strings.HasPrefix(status, "HTTP/1.1 408") || !strings.Contains(rest, "Request Timeout") {
			t.Fatalf("stalled upload: %q %q", status, rest)
		}
		if _, ok := st.HasBlob(oid); ok {
			t.Fatal("a cut upload was stored")
		}
	})
	t.Run("slow but steady body completes", func(t *testing.T) {
		// 8 bytes every 25 ms: the whole body takes well over the idle timeout.
		if n := len(body) / 8 * 25; time.Duration(n)*time.Millisecond <= idle {
			t.Fatalf("body too short to outlast the idle timeout (%d ms)", n)
		}
		status, _ := send(t, "POST", commit, "application/x-ndjson", body, -1, 25*time.Millisecond)
		if !strings.HasPrefix(status, "HTTP/1.1 200") {
			t.Fatalf("slow body: %q", status)
		}
		if _, err := st.ReadFile(store.Model, "alice/r", "main", "slow.txt"); err != nil {
			t.Fatal(err)
		}
	})
}

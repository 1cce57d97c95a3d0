package reliability

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// TestServerOverlappingRanges asks the server for several ranges at once,
// overlapping and out of order, for a regular file and an LFS file (on the
// content listener): each part holds exactly its bytes, and a request whose
// ranges add up to more than the file is answered with the file once (200),
// so many overlapping ranges cannot amplify a response.
func TestServerOverlappingRanges(t *testing.T) {
	small := []byte(strings.Repeat("0123456789", 30))
	big := randomBytes(1<<20, 7)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/ranges", Files: map[string][]byte{
		"small.txt": small, "big.safetensors": big,
	}}))
	for _, f := range []struct {
		name string
		data []byte
	}{{"small.txt", small}, {"big.safetensors", big}} {
		url := hub.URL + "/acme/ranges/resolve/main/" + f.name
		get := func(rng string) (*http.Response, []byte) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
			req.Header.Set("Range", rng)
			resp, err := http.DefaultClient.Do(req) // follows the LFS redirect
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, b
		}
		n := len(f.data)
		t.Run(f.name+"/overlapping", func(t *testing.T) {
			want := [][2]int{{100, 199}, {150, 249}, {0, 9}, {n - 10, n - 1}}
			var spec []string
			for _, r := range want {
				spec = append(spec, strconv.Itoa(r[0])+"-"+strconv.Itoa(r[1]))
			}
			resp, body := get("bytes=" + strings.Join(spec, ","))
			if resp.StatusCode != http.StatusPartialContent {
				t.Fatalf("status %d, want 206", resp.StatusCode)
			}
			mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
			if err != nil || mt != "multipart/byteranges" {
				t.Fatalf("Content-Type %q: %v", resp.Header.Get("Content-Type"), err)
			}
			mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			for i, r := range want {
				part, err := mr.NextPart()
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				got, _ := io.ReadAll(part)
				if wantCR := "bytes " + strconv.Itoa(r[0]) + "-" + strconv.Itoa(r[1]) + "/" + strconv.Itoa(n); part.Header.Get("Content-Range") != wantCR {
					t.Errorf("part %d Content-Range %q, want %q", i, part.Header.Get("Content-Range"), wantCR)
				}
				if !bytes.Equal(got, f.data[r[0]:r[1]+1]) {
					t.Errorf("part %d: wrong bytes", i)
				}
			}
			if _, err := mr.NextPart(); err != io.EOF {
				t.Errorf("after the last part: %v", err)
			}
		})
		t.Run(f.name+"/amplifying", func(t *testing.T) {
			spec := strings.TrimSuffix(strings.Repeat("0-"+strconv.Itoa(n-1)+",", 50), ",")
			resp, body := get("bytes=" + spec)
			if len(body) > n+4096 {
				t.Fatalf("50 whole-file ranges answered with %d bytes for a %d-byte file (status %d)", len(body), n, resp.StatusCode)
			}
			if resp.StatusCode == http.StatusOK && !bytes.Equal(body, f.data) {
				t.Error("200 answer is not the file")
			}
			t.Logf("status %d, %d bytes", resp.StatusCode, len(body))
		})
	}
}

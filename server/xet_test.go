package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/xet"
)

const lfsAttrs = "*.bin filter=lfs diff=lfs merge=lfs -text\n"

func seededBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func xetHub(t *testing.T, files map[string][]byte, cfg hubtest.XetConfig) *hubtest.Server {
	t.Helper()
	files[".gitattributes"] = []byte(lfsAttrs)
	return hubtest.NewServer(t, hubtest.WithXet(cfg), hubtest.WithRepo(hubtest.Repo{ID: "org/m", Files: files}))
}

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

type readToken struct {
	AccessToken string `json:"accessToken"`
	CasURL      string `json:"casUrl"`
	Exp         int64  `json:"exp"`
}

// xetFetch downloads bytes [start, end] of a file through the CAS by hand:
// reconstruction, plan, ranged xorb GETs without Authorization, decode.
func xetFetch(t *testing.T, tok readToken, hash string, size, start, end int64, version string) []byte {
	t.Helper()
	hdr := map[string]string{"Authorization": "Bearer " + tok.AccessToken}
	if start >= 0 {
		hdr["Range"] = "bytes=" + itoa(start) + "-" + itoa(end)
	} else {
		start, end = 0, size-1
	}
	resp, body := do(t, "GET", tok.CasURL+"/"+version+"/reconstructions/"+hash, hdr)
	if resp.StatusCode != 200 {
		t.Fatalf("reconstruction: %d %s", resp.StatusCode, body)
	}
	var rec xet.Reconstruction
	if version == "v1" {
		var v1 xet.ReconstructionV1
		if err := json.Unmarshal(body, &v1); err != nil {
			t.Fatal(err)
		}
		rec = *v1.V2()
	} else if err := json.Unmarshal(body, &rec); err != nil {
		t.Fatal(err)
	}
	end = min(end, size-1)
	units, err := xet.Plan(&rec, start, end-start+1)
	if err != nil {
		t.Fatal(err)
	}
	out := make(sliceWriter, end-start+1)
	d := xet.NewUnitDecoder()
	for _, u := range units {
		r := u.Range.Bytes
		resp, body := do(t, "GET", u.URL, map[string]string{"Range": "bytes=" + itoa(int64(r.Start)) + "-" + itoa(int64(r.End))})
		if resp.StatusCode != 206 {
			t.Fatalf("xorb GET: %d %s", resp.StatusCode, body)
		}
		if err := d.Decode(bytes.NewReader(body), u, out, start, nil); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

type sliceWriter []byte

func (s sliceWriter) WriteAt(p []byte, off int64) (int, error) { return copy(s[off:], p), nil }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestXetResolveTokenReconstruction(t *testing.T) {
	big := seededBytes(1, 1_500_000)
	big = append(big, big[:400_000]...) // a repeated section: deduplicated chunks, repeated terms
	hub := xetHub(t, map[string][]byte{"w.bin": big, "copy.bin": big, "small.txt": []byte("hi")}, hubtest.XetConfig{})
	want, _, _ := xet.HashFile(bytes.NewReader(big))

	resp, _ := do(t, "HEAD", hub.URL+"/org/m/resolve/main/w.bin", nil)
	if resp.StatusCode != 302 || resp.Header.Get("X-Xet-Hash") != want.String() {
		t.Fatalf("resolve: %d X-Xet-Hash %q, want %s", resp.StatusCode, resp.Header.Get("X-Xet-Hash"), want)
	}
	link := resp.Header.Get("Link")
	m := regexp.MustCompile(`<([^>]+)>; rel="xet-auth"`).FindStringSubmatch(link)
	if m == nil || !strings.HasPrefix(m[1], "/api/models/org/m/xet-read-token/") || !strings.Contains(link, `rel="xet-reconstruction-info"`) {
		t.Fatalf("Link %q", link)
	}
	if resp.Header.Get("Location") == "" || resp.Header.Get("X-Linked-Size") != itoa(int64(len(big))) {
		t.Fatalf("302 must still lead to the bytes: %v", resp.Header)
	}
	if r2, _ := do(t, "HEAD", hub.URL+"/org/m/resolve/main/small.txt", nil); r2.Header.Get("X-Xet-Hash") != "" {
		t.Error("a git file has no Xet hash")
	}

	_, tree := do(t, "GET", hub.URL+"/api/models/org/m/tree/main", nil)
	var entries []struct{ Path, XetHash string }
	json.Unmarshal(tree, &entries)
	for _, e := range entries {
		if (e.Path == "w.bin") != (e.XetHash == want.String()) && e.Path != "copy.bin" {
			t.Errorf("tree %s xetHash %q", e.Path, e.XetHash)
		}
	}

	resp, body := do(t, "GET", hub.URL+m[1], nil)
	var tok readToken
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" || !strings.HasPrefix(tok.CasURL, hub.ContentURL) || tok.Exp == 0 {
		t.Fatalf("read token: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Xet-Access-Token") != tok.AccessToken || resp.Header.Get("X-Xet-Cas-Url") != tok.CasURL {
		t.Error("token headers")
	}

	size := int64(len(big))
	for _, v := range []string{"v2", "v1"} {
		if got := xetFetch(t, tok, want.String(), size, -1, -1, v); !bytes.Equal(got, big) {
			t.Fatalf("%s whole file differs", v)
		}
		for _, r := range [][2]int64{{0, 0}, {1, 70_000}, {size - 1, size - 1}, {100_000, size + 50}, {1_499_999, 1_600_001}} {
			if got := xetFetch(t, tok, want.String(), size, r[0], r[1], v); !bytes.Equal(got, big[r[0]:min(r[1]+1, size)]) {
				t.Fatalf("%s range %v differs", v, r)
			}
		}
	}
	// Dedup: the copy and the repeated section stored once.
	if _, raw := hub.XetStore().Stats(); raw > 1_500_000+300_000 {
		t.Errorf("stored %d raw bytes for two copies of a file with a repeated section", raw)
	}

	// Errors: no token 401, start past the end 416, unknown file 404.
	cas := tok.CasURL + "/v2/reconstructions/" + want.String()
	if r, _ := do(t, "GET", cas, nil); r.StatusCode != 401 {
		t.Errorf("no token: %d", r.StatusCode)
	}
	if r, _ := do(t, "GET", cas, map[string]string{"Authorization": "Bearer forged.sig"}); r.StatusCode != 401 {
		t.Errorf("forged token: %d", r.StatusCode)
	}
	auth := map[string]string{"Authorization": "Bearer " + tok.AccessToken, "Range": "bytes=" + itoa(size) + "-" + itoa(size+10)}
	if r, b := do(t, "GET", cas, auth); r.StatusCode != 416 || !strings.Contains(string(b), "invalid range") {
		t.Errorf("past the end: %d %s", r.StatusCode, b)
	}
	if r, _ := do(t, "GET", tok.CasURL+"/v2/reconstructions/"+strings.Repeat("ab", 32), map[string]string{"Authorization": "Bearer " + tok.AccessToken}); r.StatusCode != 404 {
		t.Errorf("unknown file: %d", r.StatusCode)
	}
	if r, _ := do(t, "HEAD", tok.CasURL+"/v1/files/"+want.String(), map[string]string{"Authorization": "Bearer " + tok.AccessToken}); r.StatusCode != 200 || r.ContentLength != size {
		t.Errorf("HEAD file: %d %d", r.StatusCode, r.ContentLength)
	}
}

func TestXetXorbURLSignature(t *testing.T) {
	hub := xetHub(t, map[string][]byte{"w.bin": seededBytes(2, 300_000)}, hubtest.XetConfig{})
	resp, _ := do(t, "HEAD", hub.URL+"/org/m/resolve/main/w.bin", nil)
	hash := resp.Header.Get("X-Xet-Hash")
	_, body := do(t, "GET", hub.URL+"/api/models/org/m/xet-read-token/main", nil)
	var tok readToken
	json.Unmarshal(body, &tok)
	_, body = do(t, "GET", tok.CasURL+"/v2/reconstructions/"+hash, map[string]string{"Authorization": "Bearer " + tok.AccessToken})
	var rec xet.Reconstruction
	json.Unmarshal(body, &rec)
	for _, entries := range rec.Xorbs {
		e := entries[0]
		r := e.Ranges[0].Bytes
		inside := "bytes=" + itoa(int64(r.Start)) + "-" + itoa(int64(r.End))
		if resp, _ := do(t, "GET", e.URL, map[string]string{"Range": inside}); resp.StatusCode != 206 {
			t.Errorf("signed range: %d", resp.StatusCode)
		}
		for name, c := range map[string]struct{ url, rng string }{
			"outside":  {e.URL, "bytes=" + itoa(int64(r.End)) + "-" + itoa(int64(r.End)+10)},
			"no range": {e.URL, ""},
			"tampered": {strings.Replace(e.URL, "Expires=", "Expires=9", 1), inside},
		} {
			hdr := map[string]string{}
			if c.rng != "" {
				hdr["Range"] = c.rng
			}
			if resp, _ := do(t, "GET", c.url, hdr); resp.StatusCode != 403 {
				t.Errorf("%s: %d, want 403", name, resp.StatusCode)
			}
		}
	}
}

func TestXetFileInfoForJS(t *testing.T) {
	hub := xetHub(t, map[string][]byte{"w.bin": seededBytes(3, 100_000)}, hubtest.XetConfig{})
	resp, _ := do(t, "GET", hub.URL+"/org/m/resolve/main/w.bin", map[string]string{"Accept": "application/vnd.xet-fileinfo+json, */*", "Range": "bytes=0-0"})
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "application/vnd.xet-fileinfo+json") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, rel := range []string{"xet-auth", "xet-reconstruction-info"} {
		if !regexp.MustCompile(`<http://[^>]+>; rel="` + rel + `"`).MatchString(resp.Header.Get("Link")) {
			t.Errorf("%s link not absolute: %s", rel, resp.Header.Get("Link"))
		}
	}
	if resp.Header.Get("X-Linked-Size") != "100000" {
		t.Error("X-Linked-Size")
	}
}

package reliability

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// TestUploadFaultMatrix uploads an LFS file under one fault per case: a
// transient fault is survived; a permanent one (or a fault on the commit
// call, which is never retried: it is not idempotent) gives a typed error,
// leaves the branch where it was, and a rerun completes without sending
// the LFS content again.
func TestUploadFaultMatrix(t *testing.T) {
	type upCase struct {
		name  string
		fault hubtest.Fault
		size  int
		want  []error
		// rerunSkipsContent: after the failure, a clean rerun must not PUT
		// the LFS content again (it reached the server already).
		rerunSkipsContent bool
	}
	cases := []upCase{
		{name: "clean"},
		{name: "preupload 503 burst", fault: hubtest.Fault{Match: "/preupload/", Status: 503, Times: 2}},
		{name: "LFS batch 503 burst", fault: hubtest.Fault{Match: "/info/lfs/objects/batch", Status: 503, Times: 2}},
		{name: "LFS PUT 500 burst", fault: hubtest.Fault{Match: "/lfs-upload/", Status: 500, Times: 2}},
		{name: "LFS PUT 502 burst", fault: hubtest.Fault{Match: "/lfs-upload/", Status: 502, Times: 2}},
		{name: "LFS PUT 429 with Retry-After", fault: hubtest.Fault{Match: "/lfs-upload/", Status: 429, RetryAfter: time.Second}},
		{name: "LFS PUT latency", fault: hubtest.Fault{Match: "/lfs-upload/", Latency: 300 * time.Millisecond}},
		{name: "LFS verify 503 burst", fault: hubtest.Fault{Match: "/info/lfs/objects/verify", Status: 503, Times: 2}},
		{name: "multipart part 503 burst", fault: hubtest.Fault{Match: "PARTS", Status: 503, Times: 3}, size: 20 << 20},
		{name: "LFS PUT 503 forever", fault: hubtest.Fault{Match: "/lfs-upload/", Status: 503, Times: -1}, want: []error{hfhub.ErrServer}},
		{name: "preupload 500 forever", fault: hubtest.Fault{Match: "/preupload/", Status: 500, Times: -1}, want: []error{hfhub.ErrServer}},
		{name: "commit 503 once", fault: hubtest.Fault{Match: "/commit/", Status: 503}, want: []error{hfhub.ErrServer}, rerunSkipsContent: true},
		{name: "commit 429 once", fault: hubtest.Fault{Match: "/commit/", Status: 429, RetryAfter: time.Second}, want: []error{hfhub.ErrRateLimited}, rerunSkipsContent: true},
		{name: "commit connection dropped", fault: hubtest.Fault{Match: "/commit/", DropAfter: 1}, want: nil, rerunSkipsContent: true},
	}
	hub := hubtest.NewServer(t, hubtest.WithToken(tokOwnerWrite, "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/up", Files: map[string][]byte{"README.md": []byte("hi")}}))
	c, _ := newClient(t, hub.URL, withToken(tokOwnerWrite))
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub.ClearFaults()
			size := tc.size
			if size == 0 {
				size = 3 << 20
			}
			data := randomBytes(size, uint64(1000+i))
			src := filepath.Join(t.TempDir(), "w.bin")
			if err := os.WriteFile(src, data, 0o644); err != nil {
				t.Fatal(err)
			}
			before := headOf(hub, "acme/up")
			if tc.fault != (hubtest.Fault{}) {
				f := tc.fault
				if f.Match == "PARTS" { // the part URLs: /lfs-upload/{oid}/{size}/{n}
					f.Match = "/lfs-upload/" + sha256Hex(data) + "/" + itoa(int64(len(data))) + "/"
				}
				hub.Fail(f)
			}
			hub.ResetRequests()
			_, err := c.UploadFile(t.Context(), "acme/up", src, "w.bin", &hfhub.CommitOptions{Message: tc.name})
			if tc.fault.Status != 0 && tc.fault.Match != "" && tc.want == nil {
				if n := requestsMatching(hub, "", "/"); n > 0 && countStatus(hub, tc.fault.Status) == 0 {
					t.Fatalf("the fault %+v never fired: the case tests nothing", tc.fault)
				}
			}
			if tc.name == "commit connection dropped" {
				// The commit may or may not have landed before the cut: the
				// client cannot know, and says so with a network error.
				if err != nil {
					t.Logf("error: %v", err)
				}
			} else {
				checkOutcome(t, err, tc.want)
			}
			if err != nil {
				if h := headOf(hub, "acme/up"); h != before && tc.name != "commit connection dropped" {
					t.Fatalf("failed upload moved main from %s to %s", before, h)
				}
				hub.ClearFaults()
				hub.ResetRequests()
				if _, err := c.UploadFile(t.Context(), "acme/up", src, "w.bin", &hfhub.CommitOptions{Message: tc.name + " (rerun)"}); err != nil {
					t.Fatalf("rerun: %v", err)
				}
				if n := requestsMatching(hub, "PUT", "/lfs-upload/"); tc.rerunSkipsContent && n != 0 {
					t.Errorf("rerun sent the LFS content again (%d PUTs)", n)
				}
			}
			ents, perr := c.PathsInfo(t.Context(), "acme/up", []string{"w.bin"}, nil)
			if perr != nil || len(ents) != 1 || ents[0].LFS == nil || ents[0].LFS.OID != sha256Hex(data) {
				t.Fatalf("w.bin on the hub: %+v, %v", ents, perr)
			}
			if n, ok := hub.Store().HasBlob(sha256Hex(data)); !ok || n != int64(len(data)) {
				t.Fatalf("the hub does not hold w.bin's content (%d bytes, %v)", n, ok)
			}
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		c, _ := newClient(t, closedPort(t), withToken(tokOwnerWrite))
		_, err := c.UploadFile(t.Context(), "acme/up", writeTemp(t, "x"), "x.txt", nil)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("upload to a closed port: %v, want ECONNREFUSED", err)
		}
	})
}

// TestServerRejectsCorruptUpload PUTs bytes that do not match the oid the
// LFS batch API was asked for: the server refuses them and stores nothing.
func TestServerRejectsCorruptUpload(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken(tokOwnerWrite, "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/up", Files: map[string][]byte{"README.md": []byte("hi")}}))
	good := randomBytes(1<<20, 77)
	bad := append([]byte(nil), good...)
	bad[12345] ^= 1
	oid := sha256Hex(good)
	status, body := send(t, hub.URL, "POST", "/acme/up.git/info/lfs/objects/batch",
		`{"operation":"upload","transfers":["basic"],"objects":[{"oid":"`+oid+`","size":`+itoa(int64(len(good)))+`}]}`, tokOwnerWrite)
	if status != 200 {
		t.Fatalf("batch: %d %s", status, body)
	}
	var ans struct {
		Objects []struct {
			Actions struct {
				Upload struct {
					Href string `json:"href"`
				} `json:"upload"`
			} `json:"actions"`
		} `json:"objects"`
	}
	// send truncates bodies; ask again in full.
	req, _ := http.NewRequest("POST", hub.URL+"/acme/up.git/info/lfs/objects/batch",
		strings.NewReader(`{"operation":"upload","transfers":["basic"],"objects":[{"oid":"`+oid+`","size":`+itoa(int64(len(good)))+`}]}`))
	req.Header.Set("Authorization", "Bearer "+tokOwnerWrite)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if len(ans.Objects) != 1 || ans.Objects[0].Actions.Upload.Href == "" {
		t.Fatalf("no upload action: %+v", ans)
	}
	for _, payload := range [][]byte{bad, good[:len(good)/2], append(append([]byte(nil), good...), 'x')} {
		put, _ := http.NewRequest("PUT", ans.Objects[0].Actions.Upload.Href, bytes.NewReader(payload))
		resp, err := http.DefaultClient.Do(put)
		if err != nil {
			t.Logf("PUT %d bytes: %v", len(payload), err)
			continue
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("PUT of %d wrong bytes: %d %s; want a 4xx", len(payload), resp.StatusCode, msg)
		}
		if _, ok := hub.Store().HasBlob(oid); ok {
			t.Fatalf("the store accepted %d wrong bytes under oid %s", len(payload), oid[:12])
		}
	}
}

// countStatus counts logged answers with status code.
func countStatus(hub *hubtest.Server, code int) int {
	n := 0
	for _, r := range hub.Requests() {
		if r.Status == code {
			n++
		}
	}
	return n
}

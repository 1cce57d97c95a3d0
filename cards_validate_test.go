package hfhub

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

const badCard = "---\nlicense: [1, 2]\ntags: 3\n---\n# model\n"

// writeRequests returns the requests that upload or commit something.
func writeRequests(hub *hubtest.Server) []string {
	var out []string
	for _, r := range hub.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" && !strings.HasSuffix(r.Path, "/api/validate-yaml") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func TestValidateRepoCard(t *testing.T) {
	hub := newWriteHub(t)
	var logs bytes.Buffer
	c := newWriteClient(t, hub, WithToken(writeToken), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	v, err := c.ValidateRepoCard(t.Context(), "---\nlicense: mit\n---\n", RepoModel)
	if err != nil || len(v.Warnings) != 0 {
		t.Fatalf("valid card: %+v, %v", v, err)
	}
	v, err = c.ValidateRepoCard(t.Context(), "no metadata", RepoDataset)
	if err != nil || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "empty or missing yaml metadata") {
		t.Fatalf("card without metadata: %+v, %v", v, err)
	}
	if !strings.Contains(logs.String(), "empty or missing yaml metadata") {
		t.Errorf("warning not logged: %q", logs.String())
	}
	_, err = c.ValidateRepoCard(t.Context(), badCard, RepoModel)
	me, ok := errors.AsType[*CardMetadataError](err)
	if !ok || len(me.Errors) != 3 || !errors.Is(err, ErrBadRequest) {
		t.Fatalf("bad card: %v (%#v), want 3 errors matching ErrBadRequest", err, me)
	}
	for _, want := range []string{`"license[0]" must be one of`, `"tags" must be an array`, "invalid metadata in README.md"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestCommitValidatesReadme(t *testing.T) {
	big := randBytes(3<<20, 7) // an LFS file that must not be uploaded
	for _, tc := range []struct {
		name string
		run  func(c *Client, dir string) error
	}{
		{"CreateCommit", func(c *Client, dir string) error {
			_, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{
				AddFromBytes("big.bin", big), AddFromBytes("README.md", []byte(badCard))}, &CommitOptions{Message: "m"})
			return err
		}},
		{"CreateCommit reader", func(c *Client, dir string) error {
			_, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{
				AddFromBytes("big.bin", big), AddFromReader("README.md", strings.NewReader(badCard))}, &CommitOptions{Message: "m"})
			return err
		}},
		{"UploadFile", func(c *Client, dir string) error {
			_, err := c.UploadFile(t.Context(), "alice/repo", filepath.Join(dir, "README.md"), "README.md", nil)
			return err
		}},
		{"UploadFolder", func(c *Client, dir string) error {
			_, err := c.UploadFolder(t.Context(), "alice/repo", dir, nil)
			return err
		}},
		{"UploadLargeFolder", func(c *Client, dir string) error {
			_, err := c.UploadLargeFolder(t.Context(), "alice/new", dir, nil)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hub := newWriteHub(t)
			c := newWriteClient(t, hub, WithToken(writeToken))
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "README.md"), []byte(badCard), 0o644)
			os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644)
			hub.ResetRequests()
			err := tc.run(c, dir)
			if _, ok := errors.AsType[*CardMetadataError](err); !ok || !strings.Contains(err.Error(), `"tags" must be an array`) {
				t.Fatalf("err = %v, want the server's refusal", err)
			}
			if w := writeRequests(hub); len(w) != 0 {
				t.Fatalf("requests after the refusal: %q, want none", w)
			}
			if n := len(hub.Requests()); n != 1 {
				t.Errorf("%d requests, want only POST /api/validate-yaml", n)
			}
		})
	}
	// A valid README is committed after its check.
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	if _, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{AddFromBytes("README.md", []byte("---\nlicense: mit\n---\n"))}, &CommitOptions{Message: "m"}); err != nil {
		t.Fatal(err)
	}
	if r := hub.Requests(); len(r) == 0 || r[0].Path != "/api/validate-yaml" {
		t.Fatalf("first request %+v, want the validation", r)
	}
	// A README.md in a folder is not the card.
	hub.ResetRequests()
	if _, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{AddFromBytes("docs/README.md", []byte(badCard))}, &CommitOptions{Message: "m"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range hub.Requests() {
		if r.Path == "/api/validate-yaml" {
			t.Fatal("docs/README.md was validated")
		}
	}
}

func TestCommitReadmeServerWithoutValidation(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	hub.Fail(hubtest.Fault{Match: "/api/validate-yaml", Status: 404})
	info, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{AddFromBytes("README.md", []byte(badCard))}, &CommitOptions{Message: "m"})
	if err != nil || len(info.OID) != 40 {
		t.Fatalf("commit through a server without validate-yaml: %+v, %v", info, err)
	}
	hub.Fail(hubtest.Fault{Match: "/api/validate-yaml", Status: 403})
	if _, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{AddFromBytes("README.md", []byte("x"))}, &CommitOptions{Message: "m"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("403 from validate-yaml: %v, want ErrForbidden", err)
	}
}

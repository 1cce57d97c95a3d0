package hfhub

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

const (
	writeToken = "hf_write_alice"
	readToken  = "hf_read_alice"
)

// newWriteHub starts a hub where alice has a write token and a read token,
// with an empty model repo alice/repo.
func newWriteHub(t *testing.T, opts ...hubtest.Option) *hubtest.Server {
	t.Helper()
	base := []hubtest.Option{
		hubtest.WithToken(writeToken, "alice", hubtest.Write),
		hubtest.WithToken(readToken, "alice", hubtest.Read),
		hubtest.WithRepo(hubtest.Repo{ID: "alice/repo", Files: map[string][]byte{"keep.txt": []byte("keep")}}),
	}
	return hubtest.NewServer(t, append(base, opts...)...)
}

// newWriteClient returns a test client of hub. Its idle connections are
// closed before the hub shuts down: a connection dialled for a request that
// another connection served would otherwise hold the hub's Shutdown for 5 s.
func newWriteClient(t *testing.T, hub *hubtest.Server, opts ...Option) *Client {
	t.Helper()
	c, _ := newTestClient(t, hub.URL, opts...)
	t.Cleanup(c.hc.CloseIdleConnections)
	return c
}

func randBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// fetch downloads a file through /resolve/ (following the LFS redirect to
// the content listener) and returns its bytes.
func fetch(t *testing.T, c *Client, rt RepoType, id, rev, file string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.ResolveURL(rt, id, rev, file), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+writeToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", file, resp.StatusCode, err)
	}
	return b
}

func repoFiles(t *testing.T, c *Client, id, rev string) []string {
	t.Helper()
	files, err := c.ListRepoFiles(t.Context(), id, &RepoOptions{Revision: rev})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

func TestUploadFileRoundTrip(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	dir := t.TempDir()
	tests := []struct {
		name, path string
		data       []byte
		lfs        bool
	}{
		{"small regular file", "notes/readme.txt", []byte("hello world\n"), false},
		{"empty file", "empty.txt", []byte{}, false},
		{"lfs by gitattributes", "model.safetensors", randBytes(300<<10, 1), true},
		{"lfs by size, multipart", "big.dat", randBytes(20<<20+17, 2), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := filepath.Join(dir, filepath.Base(tt.path))
			if err := os.WriteFile(local, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var prog ProgressCounter
			info, err := c.UploadFile(t.Context(), "alice/repo", local, tt.path, &CommitOptions{Progress: &prog})
			if err != nil {
				t.Fatal(err)
			}
			if !IsCommitHash(info.OID) || info.Empty || !strings.HasSuffix(info.URL, "/commit/"+info.OID) {
				t.Fatalf("CommitInfo = %+v", info)
			}
			if got := fetch(t, c, RepoModel, "alice/repo", info.OID, tt.path); !bytes.Equal(got, tt.data) {
				t.Fatalf("downloaded %d bytes differ from the %d uploaded", len(got), len(tt.data))
			}
			cm, err := hub.Store().Resolve("model", "alice/repo", "main")
			if err != nil {
				t.Fatal(err)
			}
			f, ok := cm.File(tt.path)
			if !ok || f.LFS != tt.lfs {
				t.Fatalf("stored file %+v, want lfs=%v", f, tt.lfs)
			}
			if _, _, bytesSent, _, _ := prog.Snapshot(); tt.lfs && bytesSent != int64(len(tt.data)) {
				t.Errorf("progress counted %d bytes, want %d", bytesSent, len(tt.data))
			}
			// Uploading the same content again changes nothing: no commit.
			again, err := c.UploadFile(t.Context(), "alice/repo", local, tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Empty || again.OID != info.OID {
				t.Errorf("re-upload of unchanged file = %+v, want Empty at %s", again, info.OID)
			}
		})
	}
	if n := countRequests(hub, "/part/"); n != 3 {
		t.Errorf("%d part uploads, want 3 (20 MiB in 8 MiB parts)", n)
	}
}

func countRequests(hub *hubtest.Server, sub string) int {
	n := 0
	for _, r := range hub.Requests() {
		if strings.Contains(r.Path, sub) {
			n++
		}
	}
	return n
}

// TestCreateCommitOperations exercises every operation kind in one commit
// and checks the resulting tree and contents.
func TestCreateCommitOperations(t *testing.T) {
	hub := newWriteHub(t, hubtest.WithRepo(hubtest.Repo{ID: "alice/ops", Files: map[string][]byte{
		"a.txt":             []byte("a"),
		"dir/x.txt":         []byte("x"),
		"dir/y.txt":         []byte("y"),
		"w.bin":             randBytes(1000, 3),
		"src/regular.json":  []byte(`{"k":1}`),
		"other/remove.json": []byte(`{}`),
	}}))
	c := newWriteClient(t, hub, WithToken(writeToken))
	pr, pw := io.Pipe()
	streamed := randBytes(2<<20, 4)
	go func() { pw.CloseWithError(writeAll(pw, streamed)) }()
	ops := []CommitOperation{
		AddFromBytes("new/bytes.txt", []byte("from bytes")),
		AddFromReader("new/stream.bin", pr),
		AddFromReader("new/seekable.txt", strings.NewReader("seekable")),
		DeletePath("a.txt"),
		DeletePath("dir/"),
		CopyPath("w.bin", "copies/w.bin", ""),
		CopyPath("src/regular.json", "copies/regular.json", ""),
		DeletePath("other/remove.json"),
	}
	info, err := c.CreateCommit(t.Context(), "alice/ops", ops, &CommitOptions{Message: "many ops", Description: "body"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitattributes", "copies/regular.json", "copies/w.bin", "new/bytes.txt", "new/seekable.txt", "new/stream.bin", "src/regular.json", "w.bin"}
	if got := repoFiles(t, c, "alice/ops", ""); !slices.Equal(got, want) {
		t.Fatalf("files after commit = %v\nwant %v", got, want)
	}
	checks := map[string][]byte{
		"new/bytes.txt": []byte("from bytes"), "new/stream.bin": streamed, "new/seekable.txt": []byte("seekable"),
		"copies/regular.json": []byte(`{"k":1}`), "copies/w.bin": randBytes(1000, 3),
	}
	for p, data := range checks {
		if got := fetch(t, c, RepoModel, "alice/ops", info.OID, p); !bytes.Equal(got, data) {
			t.Errorf("%s: content differs", p)
		}
	}
	cm, _ := hub.Store().Resolve("model", "alice/ops", "main")
	if cm.Title != "many ops" || cm.Message != "body" || cm.ID != info.OID {
		t.Errorf("commit = %q/%q/%s", cm.Title, cm.Message, cm.ID)
	}
}

func writeAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}

func TestCreateCommitErrors(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	anon := newWriteClient(t, hub, WithAnonymous())
	reader := newWriteClient(t, hub, WithToken(readToken))
	add := []CommitOperation{AddFromBytes("x.txt", []byte("x"))}
	tests := []struct {
		name   string
		client *Client
		id     string
		ops    []CommitOperation
		opts   *CommitOptions
		want   error
	}{
		{"no message", c, "alice/repo", add, &CommitOptions{}, ErrValidation},
		{"no operations", c, "alice/repo", nil, &CommitOptions{Message: "m"}, ErrValidation},
		{"bad path", c, "alice/repo", []CommitOperation{AddFromBytes("../x", nil)}, &CommitOptions{Message: "m"}, ErrValidation},
		{"path in .git", c, "alice/repo", []CommitOperation{AddFromBytes("a/.git/x", nil)}, &CommitOptions{Message: "m"}, ErrValidation},
		{"bad parent", c, "alice/repo", add, &CommitOptions{Message: "m", ParentCommit: "xyz"}, ErrValidation},
		{"missing repo", c, "alice/nope", add, &CommitOptions{Message: "m"}, ErrRepoNotFound},
		{"missing branch", c, "alice/repo", add, &CommitOptions{Message: "m", Revision: "nope"}, ErrRevisionNotFound},
		{"delete missing file", c, "alice/repo", []CommitOperation{DeletePath("nope.txt")}, &CommitOptions{Message: "m"}, ErrEntryNotFound},
		{"copy missing file", c, "alice/repo", []CommitOperation{CopyPath("nope", "b", "")}, &CommitOptions{Message: "m"}, ErrEntryNotFound},
		{"anonymous", anon, "alice/repo", add, &CommitOptions{Message: "m"}, ErrRepoNotFound},
		{"read token", reader, "alice/repo", add, &CommitOptions{Message: "m"}, ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := hub.Store().Resolve("model", "alice/repo", "main")
			_, err := tt.client.CreateCommit(t.Context(), tt.id, tt.ops, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CreateCommit error = %v, want %v", err, tt.want)
			}
			after, _ := hub.Store().Resolve("model", "alice/repo", "main")
			if before.ID != after.ID {
				t.Error("a failed commit changed the branch")
			}
		})
	}
}

// TestCommitRace sends two commits on the same parent at once: exactly one
// lands, the other fails with ErrCommitConflict and changes nothing.
func TestCommitRace(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	head, err := hub.Store().Resolve("model", "alice/repo", "main")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			_, errs[i] = c.CreateCommit(t.Context(), "alice/repo",
				[]CommitOperation{AddFromBytes("race.txt", []byte{byte('a' + i)})},
				&CommitOptions{Message: "race", ParentCommit: head.ID})
		})
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrCommitConflict):
			conflict++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflict != 1 {
		t.Fatalf("%d succeeded, %d conflicted; want 1 and 1", ok, conflict)
	}
	log, _ := hub.Store().Log("model", "alice/repo", "main")
	if log[1].ID != head.ID {
		t.Error("more than one commit landed on the parent")
	}
	// A short parent id that names the head is accepted, as on the Hub.
	if _, err := c.CreateCommit(t.Context(), "alice/repo", []CommitOperation{AddFromBytes("short.txt", nil)},
		&CommitOptions{Message: "m", ParentCommit: log[0].ID[:7]}); err != nil {
		t.Fatalf("short parent commit: %v", err)
	}
}

func TestCreateCommitPullRequest(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	before, _ := hub.Store().Resolve("model", "alice/repo", "main")
	info, err := c.CreateCommit(t.Context(), "alice/repo",
		[]CommitOperation{AddFromBytes("pr.txt", []byte("pr")), AddFromBytes("pr.safetensors", randBytes(5000, 9))},
		&CommitOptions{Message: "a pr", CreatePR: true})
	if err != nil {
		t.Fatal(err)
	}
	if info.PullRequestNum != 1 || !strings.HasSuffix(info.PullRequestURL, "/discussions/1") {
		t.Fatalf("CommitInfo = %+v", info)
	}
	if after, _ := hub.Store().Resolve("model", "alice/repo", "main"); after.ID != before.ID {
		t.Error("create_pr moved main")
	}
	if got := fetch(t, c, RepoModel, "alice/repo", "refs/pr/1", "pr.txt"); string(got) != "pr" {
		t.Errorf("refs/pr/1 pr.txt = %q", got)
	}
	for _, r := range hub.Requests() {
		if strings.HasSuffix(r.Path, "/objects/batch") && r.Method == http.MethodPost {
			return
		}
	}
	t.Error("no LFS batch request seen")
}

// TestMultipartInterruptedAndResumed breaks a part upload for good, then
// runs the same commit again: it succeeds and the repo holds the bytes.
func TestMultipartInterruptedAndResumed(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken), WithRetries(1, 0, 0))
	data := randBytes(17<<20, 5)
	hub.Fail(hubtest.Fault{Match: "/part/2", Status: http.StatusInternalServerError, Times: 2})
	op := []CommitOperation{AddFromBytes("big.bin", data)}
	if _, err := c.CreateCommit(t.Context(), "alice/repo", op, &CommitOptions{Message: "big"}); err == nil {
		t.Fatal("commit succeeded although part 2 failed twice")
	}
	if _, ok := hub.Store().Resolve("model", "alice/repo", "main"); ok != nil {
		t.Fatal(ok)
	}
	info, err := c.CreateCommit(t.Context(), "alice/repo", op, &CommitOptions{Message: "big"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fetch(t, c, RepoModel, "alice/repo", info.OID, "big.bin"); !bytes.Equal(got, data) {
		t.Fatal("content differs after resumed upload")
	}
}

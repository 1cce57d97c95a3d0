package buckets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
)

func TestBucketsCommands(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithBucket(hubtest.Bucket{ID: "acme/data", Files: map[string][]byte{"a.txt": []byte("aaa")}}))
	run := func(args ...string) (string, error) {
		f, out, _, _ := cmdutil.TestFactory(t)
		f.Globals.Endpoint, f.Globals.Token, f.Globals.Format = hub.URL, "hf_w", cmdutil.FormatJSON
		err := cmdutil.Execute(t.Context(), NewCmd(f), args...)
		return out.String(), err
	}
	if out, err := run("create", "acme/new", "--private"); err != nil || !strings.Contains(out, "/buckets/acme/new") {
		t.Fatalf("create: %q, %v", out, err)
	}
	out, err := run("info", "acme/data")
	var info struct {
		ID         string `json:"id"`
		TotalFiles int    `json:"totalFiles"`
	}
	if err != nil || json.Unmarshal([]byte(out), &info) != nil || info.ID != "acme/data" || info.TotalFiles != 1 {
		t.Fatalf("info: %q, %v", out, err)
	}
	if _, err := run("move", "acme/new", "acme/newer"); err != nil {
		t.Fatal(err)
	}
	out, err = run("ls")
	if err != nil || !strings.Contains(out, "acme/newer") || !strings.Contains(out, "acme/data") {
		t.Fatalf("ls: %q, %v", out, err)
	}
	if _, err := run("delete", "acme/newer"); err != nil {
		t.Fatal(err)
	}
	_, err = run("info", "acme/newer")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("info of a deleted bucket: exit %d (%v), want 3", code, err)
	}
	_, err = run("info", "not-a-bucket-id")
	if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
		t.Errorf("info of a bad id: exit %d (%v), want 2", code, err)
	}
}

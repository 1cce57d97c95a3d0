package cp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/store"
)

func TestCpCommand(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/m", Files: map[string][]byte{"config.json": []byte(`{"a":1}`), "w.bin": bytes.Repeat([]byte("w"), 1<<20)}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/d"}))
	run := func(stdin string, args ...string) (string, error) {
		f, out, _, _ := cmdutil.TestFactory(t)
		f.Globals.Endpoint, f.Globals.Token = hub.URL, "hf_w"
		if stdin != "" {
			r, w, _ := os.Pipe()
			go func() { w.WriteString(stdin); w.Close() }()
			old := os.Stdin
			os.Stdin = r
			defer func() { os.Stdin = old }()
		}
		err := cmdutil.Execute(t.Context(), NewCmd(f, nil), args...)
		return out.String(), err
	}
	dir := t.TempDir()

	// Download to a folder, to a file, to stdout.
	if _, err := run("", "hf://acme/m/config.json", dir+"/"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "config.json")); string(b) != `{"a":1}` {
		t.Errorf("downloaded %q", b)
	}
	if _, err := run("", "hf://acme/m@main/w.bin", filepath.Join(dir, "x", "w2.bin")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "x", "w2.bin")); err != nil || fi.Size() != 1<<20 {
		t.Errorf("w2.bin: %v", err)
	}
	if out, err := run("", "hf://acme/m/config.json", "-"); err != nil || out != `{"a":1}` {
		t.Errorf("to stdout: %q, %v", out, err)
	}

	// Upload a file, stdin; copy inside a repo and across repos.
	local := filepath.Join(dir, "notes.txt")
	os.WriteFile(local, []byte("notes"), 0o644)
	for _, tc := range [][]string{
		{"", local, "hf://acme/m/docs/"},
		{"from stdin", "-", "hf://acme/m/stdin.txt"},
		{"", "hf://acme/m/w.bin", "hf://acme/m/copy/w.bin"},
		{"", "hf://acme/m/config.json", "hf://datasets/acme/d/"},
	} {
		if _, err := run(tc[0], tc[1:]...); err != nil {
			t.Fatalf("hf cp %v: %v", tc[1:], err)
		}
	}
	for repo, want := range map[string]string{"model/acme/m/docs/notes.txt": "notes", "model/acme/m/stdin.txt": "from stdin", "dataset/acme/d/config.json": `{"a":1}`} {
		parts := strings.SplitN(repo, "/", 4)
		b, err := hub.Store().ReadFile(store.RepoType(parts[0]), parts[1]+"/"+parts[2], "main", parts[3])
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", repo, b, err, want)
		}
	}

	// Bad input.
	for _, args := range [][]string{
		{local},
		{local, filepath.Join(dir, "y")},
		{"hf://acme/m/", dir},
		{dir, "hf://acme/m/"},
		{"-", "hf://acme/m/"},
	} {
		_, err := run("", args...)
		if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
			t.Errorf("hf cp %v: exit %d (%v), want 2", args, code, err)
		}
	}
	if _, err := run("", "hf://acme/m/nope.txt", dir); err == nil {
		t.Error("missing file: no error")
	} else if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitNotFound {
		t.Errorf("missing file: exit %d (%v), want 3", code, err)
	}
}

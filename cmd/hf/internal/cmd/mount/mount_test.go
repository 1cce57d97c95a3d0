package mountcmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/mount"
)

func needFUSE(t *testing.T) {
	t.Helper()
	if err := mount.Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skipf("skipping the FUSE test: %v", err)
	}
}

// hf mount serves until Ctrl-C (the context) or an outside unmount.
func TestMountCommand(t *testing.T) {
	needFUSE(t)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/d", Files: map[string][]byte{"train/a.csv": []byte("x,y\n")}}))
	for _, how := range []string{"ctrl-c", "fusermount"} {
		t.Run(how, func(t *testing.T) {
			if how == "fusermount" {
				if _, err := exec.LookPath("fusermount3"); err != nil {
					t.Skip("no fusermount3")
				}
			}
			f, out, _, _ := cmdutil.TestFactory(t)
			f.Globals.Endpoint = hub.URL
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ready := make(chan struct{})
			errc := make(chan error, 1)
			go func() {
				cmd := NewCmd(f, func(ctx context.Context, o *Options) error {
					o.Ready = func(*mount.Server) { close(ready) }
					return run(ctx, o)
				})
				errc <- cmdutil.Execute(ctx, cmd, "datasets/acme/d@main/train", dir)
			}()
			select {
			case <-ready:
			case err := <-errc:
				t.Fatalf("hf mount: %v", err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "a.csv"))
			if err != nil || string(b) != "x,y\n" {
				t.Errorf("read through the mount = %q, %v", b, err)
			}
			if how == "ctrl-c" {
				cancel()
			} else if out, err := exec.Command("fusermount3", "-u", dir).CombinedOutput(); err != nil {
				t.Fatalf("fusermount3 -u: %v %s", err, out)
			}
			if err := <-errc; err != nil {
				t.Fatalf("hf mount after unmount: %v", err)
			}
			if !strings.Contains(out.String(), "unmounted") {
				t.Errorf("output %q", out)
			}
			if _, err := os.Stat(filepath.Join(dir, "a.csv")); !os.IsNotExist(err) {
				t.Errorf("still mounted: %v", err)
			}
		})
	}
}

func TestMountArgs(t *testing.T) {
	for _, tc := range []struct {
		arg, flagType, want string
	}{
		{"acme/m", "", "hf://models/acme/m"},
		{"acme/m@v1/sub", "", "hf://models/acme/m@v1/sub"},
		{"datasets/acme/d@refs%2Fpr%2F1", "", "hf://datasets/acme/d@refs/pr/1"},
		{"acme/d", "dataset", "hf://datasets/acme/d"},
		{"hf://spaces/acme/s", "model", "hf://spaces/acme/s"},
	} {
		u, err := parseRepo(tc.arg, tc.flagType)
		if err != nil || u.String() != tc.want {
			t.Errorf("parseRepo(%q, %q) = %s, %v; want %s", tc.arg, tc.flagType, u, err, tc.want)
		}
	}
	for _, bad := range []string{"hf://buckets/acme/b", "gpt2", ""} {
		_, err := parseRepo(bad, "")
		if code, _ := cmdutil.ExitCodeOf(err); code != cmdutil.ExitUsage {
			t.Errorf("parseRepo(%q): exit %d (%v), want 2", bad, code, err)
		}
	}
}

package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hfhub-go/hfhub"
)

// Every kind of error maps to one exit code, one JSON kind and a hint that
// speaks of the right thing. Local file-system failures (whose errno also
// implements net.Error) are never network failures.
func TestExitCodeOfEveryKind(t *testing.T) {
	pathErr := func(op string, e syscall.Errno) error {
		return fmt.Errorf("download: %w", &fs.PathError{Op: op, Path: "/cache/blobs/x", Err: e})
	}
	netOp := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name     string
		err      error
		code     ExitCode
		kind     string
		wantHint string
	}{
		{"disk full", pathErr("write", syscall.ENOSPC), ExitError, "other", "disk space"},
		{"quota", pathErr("write", syscall.EDQUOT), ExitError, "other", "disk space"},
		{"read-only cache", pathErr("open", syscall.EROFS), ExitError, "other", "read-only"},
		{"permission", pathErr("mkdir", syscall.EACCES), ExitError, "other", "permissions"},
		{"cache dir under a file", pathErr("mkdir", syscall.ENOTDIR), ExitError, "other", "not a folder"},
		{"bare errno", fmt.Errorf("sync: %w", syscall.ENOSPC), ExitError, "other", "disk space"},
		{"link error", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EXDEV}, ExitError, "other", "path"},
		{"refused connection", netOp, ExitNetwork, "network", "network"},
		{"url error", &url.Error{Op: "Get", URL: "http://x", Err: netOp}, ExitNetwork, "network", "network"},
		{"dns", &net.DNSError{Err: "no such host", Name: "hub"}, ExitNetwork, "network", "network"},
		{"server", fmt.Errorf("x: %w", hfhub.ErrServer), ExitNetwork, "network", "server"},
		{"not found", hfhub.ErrRepoNotFound, ExitNotFound, "not_found", "repo id"},
		{"auth", hfhub.ErrUnauthorized, ExitAuth, "auth", "hf auth login"},
		{"usage", FlagErrorf("bad"), ExitUsage, "usage", ""},
		{"local entry, disk cause", &hfhub.LocalEntryError{What: "a", Err: pathErr("open", syscall.ENOSPC)}, ExitNotFound, "not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hint := ExitCodeOf(tt.err)
			if code != tt.code {
				t.Fatalf("ExitCodeOf(%v) = %d, want %d", tt.err, code, tt.code)
			}
			if k := code.Kind(); k != tt.kind {
				t.Errorf("kind %q, want %q", k, tt.kind)
			}
			if tt.wantHint != "" && !strings.Contains(hint, tt.wantHint) {
				t.Errorf("hint %q does not mention %q", hint, tt.wantHint)
			}
			if code == ExitError && strings.Contains(hint, "network") {
				t.Errorf("a local failure got a network hint: %q", hint)
			}
		})
	}
}

// A real failure of the file system, not a built one: creating a folder
// under a regular file.
func TestExitCodeOfRealPathError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := os.MkdirAll(filepath.Join(file, "hub"), 0o755)
	if err == nil {
		t.Fatal("MkdirAll under a file succeeded")
	}
	if _, isNet := errors.AsType[net.Error](err); !isNet {
		t.Log("note: this errno does not implement net.Error here")
	}
	if IsNetworkError(err) {
		t.Fatalf("IsNetworkError(%v) = true", err)
	}
	if code, hint := ExitCodeOf(err); code != ExitError || !strings.Contains(hint, "not a folder") {
		t.Fatalf("ExitCodeOf(%v) = %d, %q", err, code, hint)
	}
}

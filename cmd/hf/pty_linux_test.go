//go:build linux

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns a new pseudo-terminal: the controller side (read what the
// program writes) and the terminal side (give it to the program).
func openPTY(t *testing.T) (ctl, tty *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(ctl.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		ctl.Close()
		t.Skipf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		ctl.Close()
		t.Skipf("pty number: %v", err)
	}
	tty, err = os.OpenFile("/dev/pts/"+itoa(int(n)), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		ctl.Close()
		t.Skipf("open pty: %v", err)
	}
	_ = unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120}) // best effort: bars fall back to 80 columns
	return ctl, tty
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// runWithTTYStderr runs hf with stderr on a pseudo-terminal and stdout in a
// pipe, and returns both outputs and the exit code.
func runWithTTYStderr(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctl, tty := openPTY(t)
	defer ctl.Close()
	cmd := exec.CommandContext(t.Context(), hfBin, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, tty, nil
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatalf("start hf: %v", err)
	}
	tty.Close() // the child holds its own copy; EOF (EIO) comes when it exits
	var errOut bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(&errOut, ctl) // ends with EIO once the child closes the terminal
	}()
	err := cmd.Wait()
	<-done
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run hf %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

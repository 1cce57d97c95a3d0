package cmdutil

import (
	"errors"
	"strings"
	"testing"
)

func TestConfirm(t *testing.T) {
	tests := []struct {
		yes      bool
		tty      bool
		answer   string
		wantCode ExitCode
	}{
		{yes: true, wantCode: ExitOK},
		{yes: true, tty: true, wantCode: ExitOK},
		{tty: false, wantCode: ExitUsage},
		{tty: true, answer: "y\n", wantCode: ExitOK},
		{tty: true, answer: "YES\n", wantCode: ExitOK},
		{tty: true, answer: "n\n", wantCode: ExitError},
		{tty: true, answer: "\n", wantCode: ExitError},
		{tty: true, answer: "", wantCode: ExitError}, // EOF
	}
	for _, tt := range tests {
		ios, in, _, errOut := Test()
		ios.SetTTY(tt.tty, tt.tty, tt.tty)
		in.WriteString(tt.answer)
		err := Confirm(ios, tt.yes, "Delete model acme/m?")
		code, hint := ExitCodeOf(err)
		if code != tt.wantCode {
			t.Errorf("%+v: exit %v (%v), want %v", tt, code, err, tt.wantCode)
		}
		asked := strings.Contains(errOut.String(), "Delete model acme/m? [y/N] ")
		if asked != (tt.tty && !tt.yes) {
			t.Errorf("%+v: asked = %v (stderr %q)", tt, asked, errOut)
		}
		if code == ExitUsage && (hint != "" || !strings.Contains(err.Error(), "pass -y (--yes)") || !strings.Contains(err.Error(), "Delete model acme/m needs confirmation")) {
			t.Errorf("no terminal: %v, hint %q", err, hint)
		}
		if code == ExitError && !errors.Is(err, ErrDeclined) {
			t.Errorf("declined: %v is not ErrDeclined", err)
		}
	}
}

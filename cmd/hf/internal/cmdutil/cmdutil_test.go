package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
)

func TestExitCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ExitCode
	}{
		{"nil is success", nil, ExitOK},
		{"plain error is generic", errors.New("boom"), ExitError},
		{"flag error is usage", FlagErrorf("bad --x"), ExitUsage},
		{"wrapped repo not found", fmt.Errorf("info: %w", hfhub.ErrRepoNotFound), ExitNotFound},
		{"entry not found", hfhub.ErrEntryNotFound, ExitNotFound},
		{"gated is auth, not not-found", fmt.Errorf("x: %w", hfhub.ErrGatedRepo), ExitAuth},
		{"no token is auth", hfhub.ErrNoToken, ExitAuth},
		{"offline is network", hfhub.ErrOffline, ExitNetwork},
		{"url error is network", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("refused")}, ExitNetwork},
		{"cancel is interrupted", fmt.Errorf("download: %w", context.Canceled), ExitInterrupted},
		{"explicit code wins", NewError(ExitNotFound, "try again", errors.New("nothing cached")), ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := ExitCodeOf(tt.err); got != tt.want {
				t.Errorf("ExitCodeOf(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestPrinterTable(t *testing.T) {
	rows := [][]string{{"acme/a", "1"}, {"acme/b", "22"}}
	data := []map[string]string{{"id": "acme/a"}, {"id": "acme/b"}}

	io, _, out, _ := Test()
	p := &Printer{IO: io, Format: FormatTable}
	if err := p.Table([]string{"ID", "N"}, rows, data); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "acme/a\t1\nacme/b\t22\n"; got != want {
		t.Errorf("piped table = %q, want %q", got, want)
	}

	out.Reset()
	io.SetTTY(false, true, true)
	if err := p.Table([]string{"ID", "N"}, rows, data); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "ID      N\nacme/a  1\n") {
		t.Errorf("terminal table = %q, want an aligned table with a header", out.String())
	}

	out.Reset()
	p.Quiet = true
	_ = p.Table([]string{"ID", "N"}, rows, data)
	if out.String() != "acme/a\nacme/b\n" {
		t.Errorf("quiet table = %q, want ids only", out.String())
	}

	out.Reset()
	p.Format = FormatJSON
	_ = p.Table([]string{"ID", "N"}, rows, data)
	if !strings.Contains(out.String(), `"id": "acme/b"`) {
		t.Errorf("JSON table = %q, want the data", out.String())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"": FormatTable, "human": FormatTable, "JSON": FormatJSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) succeeded, want a usage error")
	}
}

func TestProgressModes(t *testing.T) {
	io, _, _, _ := Test()
	f := NewFactory(io)
	if m := f.ProgressMode(); m != ProgressNone {
		t.Errorf("non-terminal stderr: mode %v, want none", m)
	}
	io.SetTTY(false, false, true)
	if m := f.ProgressMode(); m != ProgressBars {
		t.Errorf("terminal stderr: mode %v, want bars", m)
	}
	io.SetProgressDisabled(true)
	if m := f.ProgressMode(); m != ProgressNone {
		t.Errorf("HF_HUB_DISABLE_PROGRESS_BARS: mode %v, want none", m)
	}
	f.Globals.Format = FormatJSON
	if m := f.ProgressMode(); m != ProgressJSON {
		t.Errorf("--format json: mode %v, want json", m)
	}
}

// A file that is not cached because the Hub could not be reached is a
// network failure (5), though it still matches ErrLocalEntryNotFound.
func TestExitCodeOfLocalEntryCause(t *testing.T) {
	netErr := &url.Error{Op: "Get", URL: "http://x", Err: errors.New("connection refused")}
	tests := []struct {
		name     string
		cause    error
		want     ExitCode
		wantHint string
	}{
		{"network", netErr, ExitNetwork, "network"},
		{"server", fmt.Errorf("head: %w", hfhub.ErrServer), ExitNetwork, "network"},
		{"rate limited", hfhub.ErrRateLimited, ExitNetwork, "network"},
		{"timeout", context.DeadlineExceeded, ExitNetwork, "network"},
		{"offline", hfhub.ErrOffline, ExitNotFound, "HF_HUB_OFFLINE"},
		{"local files only", nil, ExitNotFound, "network access"},
	}
	for _, tt := range tests {
		err := fmt.Errorf("download: %w", &hfhub.LocalEntryError{What: "a/b/c (main)", Err: tt.cause})
		if !errors.Is(err, hfhub.ErrLocalEntryNotFound) {
			t.Fatalf("%s: %v does not match ErrLocalEntryNotFound", tt.name, err)
		}
		code, hint := ExitCodeOf(err)
		if code != tt.want || (tt.name != "local files only" && !strings.Contains(hint, tt.wantHint)) {
			t.Errorf("%s: ExitCodeOf = %d, %q; want %d and a hint about %q", tt.name, code, hint, tt.want, tt.wantHint)
		}
	}
}

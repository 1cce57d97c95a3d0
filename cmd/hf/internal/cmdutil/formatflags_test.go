package cmdutil

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestApplyFormatFlags(t *testing.T) {
	tests := []struct {
		args      []string
		format    Format
		quiet     bool
		noTrunc   bool
		wantError string
	}{
		{nil, FormatTable, false, false, ""},
		{[]string{"--format", "auto"}, FormatTable, false, false, ""},
		{[]string{"--format", "human"}, FormatTable, false, false, ""},
		{[]string{"--format=agent"}, FormatTable, false, false, ""},
		{[]string{"--format", "table"}, FormatTable, false, false, ""},
		{[]string{"--format", "json"}, FormatJSON, false, false, ""},
		{[]string{"--json"}, FormatJSON, false, false, ""},
		{[]string{"--json", "--format", "json"}, FormatJSON, false, false, ""},
		{[]string{"--format", "quiet"}, FormatTable, true, false, ""},
		{[]string{"-q"}, FormatTable, true, false, ""},
		{[]string{"--no-truncate"}, FormatTable, false, true, ""},
		{[]string{"--json", "--format", "table"}, "", false, false, "mutually exclusive"},
		{[]string{"--format", "yaml"}, "", false, false, `"yaml" is not a format`},
	}
	for _, tt := range tests {
		g := &GlobalFlags{}
		var format string
		var asJSON bool
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		FormatFlags(cmd.Flags(), &format, &asJSON, g)
		if err := cmd.ParseFlags(tt.args); err != nil {
			t.Fatal(err)
		}
		err := ApplyFormatFlags(cmd, g, format, asJSON)
		if tt.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.wantError)
			}
			continue
		}
		if err != nil || g.Format != tt.format || g.Quiet != tt.quiet || g.NoTruncate != tt.noTrunc {
			t.Errorf("%q: format %q quiet %v no-truncate %v (%v); want %q %v %v", tt.args, g.Format, g.Quiet, g.NoTruncate, err, tt.format, tt.quiet, tt.noTrunc)
		}
	}
}

func TestTableNoTruncate(t *testing.T) {
	long := strings.Repeat("x", 80)
	for _, noTrunc := range []bool{false, true} {
		ios, _, out, _ := Test()
		ios.SetTTY(false, true, false)
		p := &Printer{IO: ios, Format: FormatTable, NoTruncate: noTrunc}
		if err := p.Table([]string{"ID"}, [][]string{{long}}, nil); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), long); got != noTrunc {
			t.Errorf("NoTruncate %v: whole value printed = %v:\n%s", noTrunc, got, out)
		}
	}
}

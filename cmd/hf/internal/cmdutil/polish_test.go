package cmdutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
)

func TestHumanSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {1, "1B"}, {999, "999B"}, {1000, "1.0K"}, {1500, "1.5K"},
		{999_949, "999.9K"}, {999_950, "1.0M"}, {3_000_000, "3.0M"},
		{1_234_567_890, "1.2G"}, {5 * 1_000_000_000_000, "5.0T"}, {2_000_000_000_000_000_000, "2.0E"},
	} {
		if got := HumanSize(tc.n); got != tc.want {
			t.Errorf("HumanSize(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	if got := Plural(1, "entry", "entries"); got != "1 entry" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(0, "entry", "entries"); got != "0 entries" {
		t.Errorf("Plural(0) = %q", got)
	}
	if got := Plural(2, "revision", "revisions"); got != "2 revisions" {
		t.Errorf("Plural(2) = %q", got)
	}
}

func TestBuildInfoFrom(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: modified}}
	}
	rev := "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name     string
		bi       *debug.BuildInfo
		want     string
		modified bool
	}{
		{"no build info", nil, "devel", false},
		{"go build without VCS", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel", false},
		{"go install @version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3", false},
		{"work tree, clean", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102030405-0123456789ab"}, Settings: vcs(rev, "false")}, "0123456789ab", false},
		{"work tree, dirty", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260102030405-0123456789ab+dirty"}, Settings: vcs(rev, "true")}, "0123456789ab-dirty", true},
		{"work tree, VCS without module version", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "0123456789ab-dirty", true},
		{"work tree at a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs(rev, "false")}, "v1.4.0", false},
		{"work tree after a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20260102030405-0123456789ab"}, Settings: vcs(rev, "false")}, "0123456789ab", false},
	} {
		got := buildInfoFrom(tc.bi)
		if got.Version != tc.want || got.Modified != tc.modified || got.Library != hfhub.Version || got.Go == "" {
			t.Errorf("%s: %+v, want version %q, modified %v", tc.name, got, tc.want, tc.modified)
		}
		if tc.bi != nil && len(tc.bi.Settings) > 0 && (got.Commit != rev || got.CommitTime != "2026-01-02T03:04:05Z") {
			t.Errorf("%s: commit %q at %q, want %q", tc.name, got.Commit, got.CommitTime, rev)
		}
	}
}

func TestArgsWantJSON(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"models", "ls", "--format", "json"}, true},
		{[]string{"--format=JSON", "models"}, true},
		{[]string{"--format", "json", "--format", "table"}, false},
		{[]string{"download", "--", "--format", "json"}, false},
		{[]string{"--format"}, false},
	} {
		if got := ArgsWantJSON(tc.args); got != tc.want {
			t.Errorf("ArgsWantJSON(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
	kinds := map[ExitCode]string{ExitNotFound: "not_found", ExitAuth: "auth", ExitNetwork: "network", ExitUsage: "usage", ExitError: "other", ExitInterrupted: "other"}
	for c, k := range kinds {
		if c.Kind() != k {
			t.Errorf("ExitCode(%d).Kind() = %q, want %q", c, c.Kind(), k)
		}
	}
}

func TestLogger(t *testing.T) {
	newF := func(format Format, quiet bool) (*Factory, *bytes.Buffer) {
		io, _, _, errOut := Test()
		f := NewFactory(io)
		f.Globals.Format, f.Globals.Quiet = format, quiet
		return f, errOut
	}

	f, errOut := newF(FormatTable, false)
	l := f.Logger()
	l.Debug("hfhub: retrying", "attempt", 1)
	l.Info("hfhub: evicted", "freed", 10)
	l.With("cache", "/c").WithGroup("g").Warn("hfhub: over\n budget", "size", int64(2_500_000), "budget", int64(1), "err", errors.New("disk full"), "d", 2*time.Second)
	if got, want := errOut.String(), "Warning: over budget (cache=/c, g.size=2.5M, g.budget=1B, g.err=disk full, g.d=2s)\n"; got != want {
		t.Errorf("text warning = %q, want %q", got, want)
	}

	f, errOut = newF(FormatJSON, false)
	f.Logger().Warn("hfhub: from the Hub", "topic", "deprecation", "size", int64(2_500_000), "err", errors.New("x"))
	var ev struct {
		Event, Level, Message string
		Details               map[string]any
	}
	if err := json.Unmarshal(errOut.Bytes(), &ev); err != nil || strings.Count(errOut.String(), "\n") != 1 {
		t.Fatalf("JSON warning = %q: %v", errOut, err)
	}
	if ev.Event != "warning" || ev.Level != "WARN" || ev.Message != "from the Hub" ||
		ev.Details["topic"] != "deprecation" || ev.Details["size"] != float64(2_500_000) || ev.Details["err"] != "x" {
		t.Errorf("JSON warning = %+v", ev)
	}

	f, errOut = newF(FormatTable, true)
	f.Logger().Error("hfhub: boom")
	if errOut.Len() != 0 {
		t.Errorf("--quiet: stderr = %q, want nothing", errOut)
	}
	if f.Logger().Enabled(t.Context(), slog.LevelWarn) {
		t.Error("--quiet: warnings enabled")
	}
}

func TestProgressKeepsWarningsUntilWait(t *testing.T) {
	var w bytes.Buffer
	p := NewProgress(ProgressBars, &w)
	if _, err := p.Write([]byte("Warning: x\n")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.String(), "Warning: x") {
		t.Errorf("a warning was written between frames of the bars: %q", w.String())
	}
	p.Wait()
	p.Wait() // a second call does nothing
	if strings.Count(w.String(), "Warning: x\n") != 1 {
		t.Errorf("after Wait: output = %q, want the warning once", w.String())
	}
	if _, err := p.Write([]byte("Warning: y\n")); err != nil || !strings.HasSuffix(w.String(), "Warning: y\n") {
		t.Errorf("after Wait a warning goes straight out: %q, %v", w.String(), err)
	}
}

func TestWarnfJSON(t *testing.T) {
	io, _, _, errOut := Test()
	p := &Printer{IO: io, Format: FormatJSON}
	p.Warnf("kept %s", "x")
	if got := errOut.String(); got != `{"event":"warning","level":"WARN","message":"kept x"}`+"\n" {
		t.Errorf("Warnf with --format json = %q", got)
	}
	errOut.Reset()
	p.Format = FormatTable
	p.Warnf("kept %s", "x")
	if got := errOut.String(); got != "Warning: kept x\n" {
		t.Errorf("Warnf = %q", got)
	}
}

package root

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// pyCommand is one command of the Python hf CLI 1.28
// (testdata/python-hf-1.28.txt).
type pyCommand struct {
	path  [][]string // each segment with its aliases
	args  string
	flags []string
}

func (c pyCommand) name() string {
	var parts []string
	for _, seg := range c.path {
		parts = append(parts, seg[0])
	}
	return strings.Join(parts, " ")
}

func readPythonCommands(t *testing.T) []pyCommand {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "python-hf-1.28.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []pyCommand
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		c := pyCommand{args: cols[1]}
		for _, seg := range strings.Fields(cols[0])[1:] {
			c.path = append(c.path, strings.Split(seg, "|"))
		}
		c.flags = strings.Fields(cols[2])
		out = append(out, c)
	}
	return out
}

// findOurs resolves a Python command path in our tree, by names and
// aliases on both sides.
func findOurs(root *cobra.Command, path [][]string) *cobra.Command {
	cur := root
	for _, seg := range path {
		var next *cobra.Command
		for _, c := range cur.Commands() {
			for _, name := range seg {
				if c.Name() == name || slices.Contains(c.Aliases, name) {
					next = c
				}
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	if !cur.Runnable() {
		return nil
	}
	return cur
}

func hasFlag(c *cobra.Command, flag string) bool {
	for _, fs := range []*pflag.FlagSet{c.Flags(), c.InheritedFlags()} {
		if name, ok := strings.CutPrefix(flag, "--"); ok {
			if fs.Lookup(name) != nil {
				return true
			}
		} else if fs.ShorthandLookup(strings.TrimPrefix(flag, "-")) != nil {
			return true
		}
	}
	return false
}

// compatNotes says, per Python command, what differs on purpose or what
// to use instead; the table shows it beside the status.
var compatNotes = map[string]string{
	"auth login":             "no `--add-to-git-credential` (hf does not touch git credentials)",
	"auth switch":            "no `--add-to-git-credential`",
	"cache list":             "also EXTRACTED, FILES and LAST_USED columns; filters `used>…`, `id=…`, `refs=…`",
	"cache prune":            "also removes orphan blobs, stale partial downloads and free lock files (`--older-than`)",
	"cache verify":           "also `--repair`; offline unless `--local-dir` or `--fail-on-*`",
	"datasets list":          "`--human-readable` has no `-h` (that is `--help`)",
	"models list":            "`--human-readable` has no `-h`; also `--library`, `--direction`",
	"spaces list":            "`--human-readable` has no `-h`",
	"download":               "also `--connections`, `--limit-rate`; hf:// URIs and `datasets/` ids",
	"upload":                 "hf:// URIs and `datasets/` ids; `--every` keeps running until Ctrl-C",
	"repos branch delete":    "asks for confirmation (`-y` to skip); Python deletes at once",
	"repos delete":           "without a terminal and without `-y` it refuses (exit 2)",
	"repos settings":         "no `--protected`",
	"repos create":           "Space settings at creation are not offered: create, then `hf repos duplicate` or the spaces commands",
	"repos list":             "no storage columns and no `--explore` (the listings carry no storage figures)",
	"repos cp":               "see `hf cp`",
	"repo-files delete":      "the same as `hf repos delete-files`",
	"upload-large-folder":    "no periodic status report to turn off (`--no-report`): the bars and the final summary say it",
	"version":                "also prints the Go version and platform",
	"env":                    "prints hf's resolved settings",
	"update":                 "hf is one static binary: update it as you installed it",
	"extensions exec":        "hf has no extension mechanism",
	"skills add":             "agent skills are not part of hf",
	"sandbox create":         "sandboxes are not part of hf",
	"datasets sql":           "not in hf (needs DuckDB)",
	"datasets leaderboard":   "not in hf",
	"papers list":            "not in hf",
	"collections list":       "not in hf",
	"endpoints catalog list": "",
}

// compatNote returns the note of a command, or of its group ("papers *").
func compatNote(name string) string {
	if n, ok := compatNotes[name]; ok {
		return n
	}
	return ""
}

// compatMarkdown renders docs/python-cli-compat.md from the Python command
// list and our tree.
func compatMarkdown(root *cobra.Command, py []pyCommand) string {
	var b strings.Builder
	counts := map[string]int{}
	type row struct{ group, cmd, status, note string }
	var rows []row
	for _, c := range py {
		name := c.name()
		ours := findOurs(root, c.path)
		status := "absent"
		if ours != nil {
			var missing []string
			for _, fl := range c.flags {
				if !hasFlag(ours, fl) && fl != "-h" {
					missing = append(missing, "`"+fl+"`")
				}
			}
			if len(missing) == 0 {
				status = "yes"
			} else {
				status = "partial: no " + strings.Join(missing, ", ")
			}
			if ours.CommandPath() != "hf "+name {
				status += " (`" + ours.CommandPath() + "`)"
			}
		}
		counts[strings.Fields(status)[0]]++
		rows = append(rows, row{group: c.path[0][0], cmd: name, status: status, note: compatNote(name)})
	}
	header := strings.ReplaceAll(`# hf and the Python hf CLI

Every command of the Python ~hf~ CLI of huggingface_hub 1.28.0, and what this
~hf~ has of it: **yes** (the command and all its flags), **partial** (the flags it
lacks are named) or **absent**. Generated from the Python command tree
(~cmd/hf/internal/cmd/root/testdata/python-hf-1.28.txt~) and ours by
~go test ./cmd/hf/internal/cmd/root -update~; a test fails when it is stale.
Global flags count for every command (~--token~, ~--format~, ~--json~, ~-q~,
~--no-truncate~). ~-h~ is ~--help~ here, never ~--human-readable~.

What a Python user types from habit works the same way in every command
that takes a repo: ~--type~ or ~--repo-type~, ~datasets/org/name~ and
~spaces/org/name~ ids, ~hf://~ URIs (~hf://datasets/org/name@rev/path~, see
[hf-uris.md](hf-uris.md)), with the Python CLI's conflict errors;
~--format auto|human|json|quiet~; ~-y~ on destructive commands, which ask on
a terminal and refuse without one. ~cmd/hf/python_compat_test.go~ runs the
Python documentation's command lines through hf against a test Hub.

Of %d commands: %d yes, %d partial, %d absent.

| Python command | hf | Notes |
|---|---|---|
`, "~", "`")
	fmt.Fprintf(&b, header, len(py), counts["yes"], counts["partial:"], counts["absent"])
	for _, r := range rows {
		fmt.Fprintf(&b, "| `hf %s` | %s | %s |\n", r.cmd, r.status, r.note)
	}
	return b.String()
}

// TestPythonCompatDocUpToDate keeps docs/python-cli-compat.md in step with
// the command tree; -update rewrites it.
func TestPythonCompatDocUpToDate(t *testing.T) {
	io, _, _, _ := cmdutil.Test()
	started := false
	got := compatMarkdown(NewCmd(cmdutil.NewFactory(io), &started), readPythonCommands(t))
	path := filepath.Join("..", "..", "..", "..", "..", "docs", "python-cli-compat.md")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Fatalf("docs/python-cli-compat.md is out of date with the command tree; run `go test ./cmd/hf/internal/cmd/root -update` and commit it")
	}
}

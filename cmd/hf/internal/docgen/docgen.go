// Package docgen renders the hf command tree as the Markdown reference in
// docs/cli.md.
package docgen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// Markdown returns the reference of root and every visible subcommand, in
// tree order, as one Markdown document. The output depends only on the
// command tree, so it is stable between runs.
func Markdown(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString("# hf command reference\n\n")
	b.WriteString("<!-- Generated from the command tree by `go test ./cmd/hf/internal/cmd/root -update`. Do not edit. -->\n\n")
	var all []*cobra.Command
	walk(root, func(c *cobra.Command) { all = append(all, c) })
	b.WriteString("## Commands\n\n")
	for _, c := range all {
		indent := strings.Repeat("  ", depth(c))
		fmt.Fprintf(&b, "%s* [`%s`](#%s) — %s\n", indent, c.CommandPath(), anchor(c), c.Short)
	}
	b.WriteString("\n")
	for _, c := range all {
		writeCommand(&b, c)
	}
	return b.String()
}

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	if !c.IsAvailableCommand() && c.HasParent() {
		return
	}
	fn(c)
	subs := append([]*cobra.Command(nil), c.Commands()...)
	sort.Slice(subs, func(i, j int) bool { return subs[i].Name() < subs[j].Name() })
	for _, s := range subs {
		if s.Name() == "help" {
			continue
		}
		walk(s, fn)
	}
}

func depth(c *cobra.Command) int {
	d := 0
	for p := c.Parent(); p != nil; p = p.Parent() {
		d++
	}
	return d
}

func anchor(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "<a id=\"%s\"></a>\n## %s\n\n", anchor(c), c.CommandPath())
	fmt.Fprintf(b, "%s\n\n", c.Short)
	if c.Long != "" && c.Long != c.Short {
		fmt.Fprintf(b, "```text\n%s\n```\n\n", strings.TrimSpace(c.Long))
	}
	if c.Runnable() {
		fmt.Fprintf(b, "Usage: `%s`\n\n", c.UseLine())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "Aliases: %s\n\n", strings.Join(c.Aliases, ", "))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "Examples:\n\n```sh\n%s\n```\n\n", strings.TrimRight(c.Example, "\n"))
	}
	if fl := c.NonInheritedFlags(); c.HasParent() && fl.HasAvailableFlags() {
		fmt.Fprintf(b, "Flags:\n\n```text\n%s```\n\n", fl.FlagUsages())
	}
	if !c.HasParent() {
		if fl := c.PersistentFlags(); fl.HasAvailableFlags() {
			fmt.Fprintf(b, "Global flags (accepted by every command):\n\n```text\n%s```\n\n", fl.FlagUsages())
		}
	}
}

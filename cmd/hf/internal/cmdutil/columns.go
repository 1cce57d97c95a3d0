package cmdutil

import (
	"bufio"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// writeColumns prints rows as aligned columns separated by at least gap
// spaces, padding each cell by its visible width: ANSI escape sequences
// (bold headers, colours) take no room and wide characters take two, which
// text/tabwriter, counting bytes or runes, gets wrong on a colour terminal.
// The last cell of a row is not padded.
func writeColumns(w io.Writer, rows [][]string, gap int) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				break
			}
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], visibleWidth(c))
		}
	}
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		for i, c := range r {
			bw.WriteString(c)
			if i < len(r)-1 {
				bw.WriteString(strings.Repeat(" ", widths[i]-visibleWidth(c)+gap))
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// visibleWidth is the number of terminal cells s takes: its ANSI escape
// sequences (CSI, e.g. "\x1b[1m") removed, wide characters counted twice.
func visibleWidth(s string) int {
	return runewidth.StringWidth(StripANSI(s))
}

// StripANSI removes the ANSI CSI escape sequences ("\x1b[" parameters, then
// a final letter) from s.
func StripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j // the final byte, skipped with the loop's i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// YesFlag adds -y/--yes ("do it without asking") to a destructive command,
// stored in dst; pass its value to [Confirm].
func YesFlag(cmd *cobra.Command, dst *bool) {
	cmd.Flags().BoolVarP(dst, "yes", "y", false, "do not ask for confirmation (needed when stdin is not a terminal)")
}

// ErrDeclined is returned by [Confirm] when the user answers anything but
// yes: the command stops, having changed nothing, and hf exits 1.
var ErrDeclined = errors.New("aborted: nothing was changed")

// Confirm is the one confirmation of destructive commands. With yes (from
// -y/--yes) it returns nil at once. Otherwise it asks question on stderr
// ("question [y/N] ") when stdin is a terminal and returns nil only for
// "y" or "yes" ([ErrDeclined] otherwise). Without a terminal it refuses:
// a usage error (exit 2) saying to pass --yes, so a script never deletes
// by accident nor hangs on a question.
func Confirm(io *IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !io.CanPrompt() {
		return FlagErrorf("%s needs confirmation, and stdin is not a terminal: pass -y (--yes) to confirm",
			strings.TrimSuffix(question, "?"))
	}
	fmt.Fprintf(io.ErrOut, "%s [y/N] ", question)
	line, err := io.ReadLine()
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return NewError(ExitError, "", ErrDeclined)
}

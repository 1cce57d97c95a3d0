package root

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// Main runs hf with the process's arguments and streams and returns the exit
// code. SIGINT and SIGTERM cancel the command's context so transfers stop
// cleanly and keep resumable state; a second signal kills at once.
func Main(args []string) cmdutil.ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore default handling: a second Ctrl-C terminates
	}()
	return Run(ctx, args, cmdutil.System())
}

// Run runs hf with args on the given streams under ctx and returns the exit
// code, having printed any error as one line on stderr:
//
//	Error: <what went wrong>. Hint: <what to do>
func Run(ctx context.Context, args []string, io *cmdutil.IOStreams) cmdutil.ExitCode {
	f := cmdutil.NewFactory(io)
	started := false
	cmd := NewCmd(f, &started)
	cmd.SetArgs(args)
	cmd.SetIn(io.In)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if !started {
		if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok {
			err = &cmdutil.FlagError{Err: err}
		}
	}
	if errors.Is(err, cmdutil.ErrSilent) {
		code, _ := cmdutil.ExitCodeOf(err)
		if code == cmdutil.ExitOK {
			code = cmdutil.ExitError
		}
		return code
	}
	code, hint := cmdutil.ExitCodeOf(err)
	if code == cmdutil.ExitUsage && hint == "" {
		hint = fmt.Sprintf("see `%s --help`", commandPath(ran))
	}
	fmt.Fprintln(io.ErrOut, FormatError(io, err, hint))
	return code
}

// FormatError renders err and hint as the one line hf prints on failure.
func FormatError(io *cmdutil.IOStreams, err error, hint string) string {
	msg := strings.Join(strings.Fields(err.Error()), " ") // one line, whatever the error says
	hint = strings.TrimRight(strings.Join(strings.Fields(hint), " "), ".")
	if lib := strings.TrimRight(cmdutil.LibraryHint(err), "."); lib != hint {
		msg = moveHint(msg, lib) // the command chose a better hint
	}
	msg = moveHint(msg, hint)
	msg = strings.TrimRight(msg, ".")
	line := io.Red("Error:") + " " + msg + "."
	if hint != "" && !strings.Contains(msg, hint) {
		line += " Hint: " + hint + "."
	}
	return line
}

// moveHint removes hint from msg where the library appended it ("...; hint"
// or "...: hint", possibly followed by more of a wrapping message), so that
// the line says it once, after "Hint:".
func moveHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	for _, sep := range []string{"; ", ": "} {
		if i := strings.LastIndex(msg, sep+hint); i >= 0 {
			return msg[:i] + msg[i+len(sep)+len(hint):]
		}
	}
	return msg
}

func commandPath(c *cobra.Command) string {
	if c == nil {
		return "hf"
	}
	return c.CommandPath()
}

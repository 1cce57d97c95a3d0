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
//
// or, with --format json, as one JSON object ([cmdutil.ErrorReport]).
func Run(ctx context.Context, args []string, io *cmdutil.IOStreams) cmdutil.ExitCode {
	f := cmdutil.NewFactory(io)
	started := false
	cmd := NewCmd(f, &started)
	rewritten, err := cmdutil.RewriteRepoArgs(cmd, args) // datasets/org/name, hf:// URIs
	if err != nil {
		ran, _, _ := cmd.Find(args)
		return report(ctx, io, f, ran, args, err)
	}
	cmd.SetArgs(rewritten)
	cmd.SetIn(io.In)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	f.Finish()
	if err == nil {
		return cmdutil.ExitOK
	}
	if !started {
		if _, ok := errors.AsType[*cmdutil.FlagError](err); !ok {
			err = &cmdutil.FlagError{Err: err}
		}
	}
	return report(ctx, io, f, ran, args, err)
}

// report prints err as Run does and returns its exit code.
func report(ctx context.Context, io *cmdutil.IOStreams, f *cmdutil.Factory, ran *cobra.Command, args []string, err error) cmdutil.ExitCode {
	if errors.Is(err, cmdutil.ErrSilent) {
		code, _ := cmdutil.ExitCodeOf(err)
		if code == cmdutil.ExitOK {
			code = cmdutil.ExitError
		}
		return code
	}
	code, hint := cmdutil.ExitCodeOf(err)
	if msg, h, ok := repoNotFound(ctx, f, err); ok {
		err, hint = errors.New(msg), h
	}
	if code == cmdutil.ExitUsage && hint == "" {
		hint = fmt.Sprintf("see `%s --help`", commandPath(ran))
	}
	if f.Globals.Format == cmdutil.FormatJSON || cmdutil.ArgsWantJSON(args) {
		msg, h := errorText(err, hint)
		if cmdutil.WriteErrorJSON(io.ErrOut, cmdutil.ErrorReport{Error: msg, Hint: h, ExitCode: int(code), Kind: code.Kind()}) == nil {
			return code
		}
	}
	fmt.Fprintln(io.ErrOut, FormatError(io, err, hint))
	return code
}

// FormatError renders err and hint as the one line hf prints on failure.
func FormatError(io *cmdutil.IOStreams, err error, hint string) string {
	msg, hint := errorText(err, hint)
	line := io.Red("Error:") + " " + msg + "."
	if hint != "" {
		line += " Hint: " + hint + "."
	}
	return line
}

// errorText returns the message of err on one line, without a final period
// and without the library's hint, and the hint to show after it ("" when
// there is none or the message already says it).
func errorText(err error, hint string) (string, string) {
	msg := strings.Join(strings.Fields(err.Error()), " ") // one line, whatever the error says
	hint = strings.TrimRight(strings.Join(strings.Fields(hint), " "), ".")
	if lib := strings.TrimRight(cmdutil.LibraryHint(err), "."); lib != hint {
		msg = moveHint(msg, lib) // the command chose a better hint
	}
	msg = moveHint(msg, hint)
	msg = strings.TrimRight(msg, ".")
	if strings.Contains(msg, hint) {
		hint = ""
	}
	return msg, hint
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

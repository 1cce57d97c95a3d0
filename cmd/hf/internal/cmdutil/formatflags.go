package cmdutil

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// FormatHelp is what `hf --help` says of the output flags.
const FormatHelp = `Output flags (on every command, as in the Python hf CLI):
  --format table|json|quiet   table is also spelled auto, human or agent
  --json                      the same as --format json
  -q, --quiet                 the same as --format quiet: only ids or paths, no progress
  --no-truncate               do not shorten long values in terminal tables`

// FormatFlags adds the global output flags to the root's persistent flags:
// --format (into format), --json (into asJSON), -q/--quiet and
// --no-truncate (into g). [ApplyFormatFlags] reconciles them.
func FormatFlags(pf *pflag.FlagSet, format *string, asJSON *bool, g *GlobalFlags) {
	pf.StringVar(format, "format", "table", "output `format`: table (or auto, human), json or quiet")
	pf.BoolVar(asJSON, "json", false, "JSON output: the same as --format json")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print only results (ids, paths); no progress or messages")
	pf.BoolVar(&g.NoTruncate, "no-truncate", false, "do not shorten long values in terminal tables")
}

// ApplyFormatFlags sets g.Format from --format and --json as parsed on cmd:
// --json is --format json, --format quiet is --quiet, and --json with
// another --format is a usage error (as in the Python CLI).
func ApplyFormatFlags(cmd *cobra.Command, g *GlobalFlags, format string, asJSON bool) error {
	fm, err := ParseFormat(format)
	if err != nil {
		return err
	}
	if asJSON {
		if cmd.Flags().Changed("format") && fm != FormatJSON {
			return FlagErrorf("--json and --format %s are mutually exclusive: give one of them", format)
		}
		fm = FormatJSON
	}
	if fm == FormatQuiet {
		fm, g.Quiet = FormatTable, true
	}
	g.Format = fm
	return nil
}

package cmdutil

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hfuri"
)

// AnnotationRepoType on a command group fixes the repo type of every
// command under it (`hf datasets …` is about datasets): a repo id argument
// of another type is a usage error there.
const AnnotationRepoType = "hfhub/repo-type"

// Names of the positional placeholders in a command's Use line that hold a
// repo id (as Python's repo_id, from_id, to_id), and those an hf:// URI's
// path fills.
var (
	repoIDNames = []string{"repo-id", "from-id", "to-id"}
	pathNames   = []string{"filename", "path", "path-in-repo"}
)

// RewriteRepoArgs reads, in the arguments of the command args run, the
// repo ids written as a Python hf user writes them, and rewrites them into
// plain ids and flags before the command parses them, as the Python CLI
// does:
//
//   - "datasets/org/name" (also spaces/, models/, kernels/) is "org/name"
//     with --type dataset;
//   - "hf://datasets/org/name@rev/path" is "org/name" with --type dataset,
//     --revision rev, and path in the command's <path>/<filename> argument.
//
// It applies to the commands with a --type flag, or under a group with
// [AnnotationRepoType], at the positions their Use line names <repo-id>,
// <from-id> or <to-id>. A type prefix that disagrees with --type (or with
// another id, or with the group), a revision that disagrees with
// --revision, a path where the command takes none and a bucket are usage
// errors. Other arguments are returned unchanged.
func RewriteRepoArgs(root *cobra.Command, args []string) ([]string, error) {
	leaf, _, err := root.Find(args)
	if err != nil || leaf == root {
		return args, nil
	}
	fixed := fixedRepoType(leaf)
	typeFlag := leaf.Flags().Lookup("type")
	if fixed == "" && typeFlag == nil {
		return args, nil
	}
	idPos, pathPos, variadic := usePositions(leaf.Use)
	if len(idPos) == 0 {
		return args, nil
	}
	depth := 0
	for c := leaf; c != root; c = c.Parent() {
		depth++
	}
	pos := positionals(leaf, args) // indexes into args of the positional tokens
	if len(pos) < depth {
		return args, nil
	}
	cmdName := leaf.CommandPath()
	pos = pos[depth:]
	isID := func(p int) bool {
		return slices.Contains(idPos, p) || (variadic && p >= idPos[len(idPos)-1])
	}

	out := slices.Clone(args)
	var (
		inferred  hfuri.RepoType
		from      string // the argument the type came from, for messages
		rev, path string
		revFrom   string
		hasPath   bool
	)
	setType := func(t hfuri.RepoType, arg string) error {
		if inferred != "" && t != inferred {
			return FlagErrorf("conflicting repo types: %q is a %s but %q is a %s; give ids of one type", from, inferred, arg, t)
		}
		inferred, from = t, arg
		return nil
	}
	for p, ai := range pos {
		if !isID(p) {
			continue
		}
		tok := args[ai]
		if hfuri.IsURI(tok) {
			u, err := hfuri.Parse(tok)
			if err != nil {
				return nil, &FlagError{Err: err}
			}
			if u.IsBucket() {
				return nil, FlagErrorf("%s takes a repository, and %q is a bucket: use `hf buckets` or `hf cp` for buckets", cmdName, tok)
			}
			if err := setType(u.RepoType, tok); err != nil {
				return nil, err
			}
			if u.Revision != "" {
				if rev != "" && rev != u.Revision {
					return nil, FlagErrorf("conflicting revisions: %q says %q but %q says %q", revFrom, rev, tok, u.Revision)
				}
				rev, revFrom = u.Revision, tok
			}
			if u.Path != "" {
				if hasPath {
					return nil, FlagErrorf("%s takes one path: %q has a path too", cmdName, tok)
				}
				path, hasPath = u.Path, true
				if u.Dir {
					path += "/"
				}
			}
			out[ai] = u.ID
			continue
		}
		if t, rest, ok := hfuri.SplitTypePrefix(tok); ok {
			if err := setType(t, tok); err != nil {
				return nil, err
			}
			out[ai] = rest
		}
	}
	if inferred == "" {
		return args, nil
	}

	var extra []string
	switch {
	case fixed != "":
		if inferred != fixed {
			return nil, FlagErrorf("%s is about %ss, and %q is a %s: use `hf %ss` instead", cmdName, fixed, from, inferred, inferred)
		}
	default:
		if given, ok := flagValue(leaf, args, "type"); ok {
			if t, err := hfhub.ParseRepoType(given); err == nil && t.URIType() != inferred {
				return nil, FlagErrorf("ambiguous repo type: %q is a %s but --type says %s; use one or the other", from, inferred, given)
			}
		} else {
			extra = append(extra, "--type", string(inferred))
		}
	}
	if rev != "" {
		if leaf.Flags().Lookup("revision") == nil {
			return nil, FlagErrorf("%s takes no revision: remove \"@%s\" from %q", cmdName, rev, revFrom)
		}
		if given, ok := flagValue(leaf, args, "revision"); ok {
			u, _ := hfuri.Parse(revFrom)
			if _, err := u.WithRevision(given); err != nil {
				return nil, FlagErrorf("conflicting revisions: %q says %q but --revision says %q; use one or the other", revFrom, rev, given)
			}
			// A branch named "refs" read greedily as refs/pr/N is
			// settled by --revision; the rest of the URI is the path.
			if w, _ := u.WithRevision(given); w.Path != u.Path {
				path, hasPath = w.Path, w.Path != ""
			}
		} else {
			extra = append(extra, "--revision", rev)
		}
	}
	if hasPath {
		if pathPos < 0 {
			return nil, FlagErrorf("%s takes a repository, not a path inside it: remove %q from the hf:// URI", cmdName, "/"+strings.TrimSuffix(path, "/"))
		}
		switch {
		case len(pos) == pathPos:
			insertAt := len(out)
			if len(pos) > 0 {
				insertAt = pos[len(pos)-1] + 1
			}
			out = slices.Insert(out, insertAt, path)
		case len(pos) > pathPos:
			return nil, FlagErrorf("the hf:// URI names a path (%q) and the command line gives %q too: give one of them", path, args[pos[pathPos]])
		default:
			return nil, FlagErrorf("the hf:// URI names a path (%q), but %s needs the arguments before it: usage: %s", path, cmdName, strings.TrimSuffix(leaf.UseLine(), " [flags]"))
		}
	}
	if len(extra) > 0 {
		at := slices.Index(out, "--")
		if at < 0 {
			at = len(out)
		}
		out = slices.Insert(out, at, extra...)
	}
	return out, nil
}

// fixedRepoType returns the repo type set by [AnnotationRepoType] on c or
// a group above it.
func fixedRepoType(c *cobra.Command) hfuri.RepoType {
	for ; c != nil; c = c.Parent() {
		if t := c.Annotations[AnnotationRepoType]; t != "" {
			return hfuri.RepoType(t)
		}
	}
	return ""
}

// usePositions reads a Use line ("download <repo-id> [<filename>...]")
// and returns the positions of its repo-id placeholders, the position of
// the first path placeholder (-1 if none), and whether the last repo id is
// variadic.
func usePositions(use string) (ids []int, pathPos int, variadic bool) {
	pathPos = -1
	fields := strings.Fields(use)
	p := 0
	for _, f := range fields[min(1, len(fields)):] {
		if strings.HasPrefix(f, "-") || f == "[flags]" {
			continue
		}
		name := strings.Trim(f, "[]<>.")
		switch {
		case slices.Contains(repoIDNames, name):
			ids = append(ids, p)
			variadic = strings.HasSuffix(f, "...") || strings.HasSuffix(f, "...]")
		case slices.Contains(pathNames, name) && pathPos < 0:
			pathPos = p
		}
		if strings.HasPrefix(f, "<") || strings.HasPrefix(f, "[") {
			p++
		}
	}
	return ids, pathPos, variadic
}

// lookupFlag finds a flag of c by long name or shorthand, its own or
// inherited.
func lookupFlag(c *cobra.Command, name string, short bool) *pflag.Flag {
	for _, fs := range []*pflag.FlagSet{c.Flags(), c.InheritedFlags()} {
		var f *pflag.Flag
		if short {
			f = fs.ShorthandLookup(name)
		} else {
			f = fs.Lookup(name)
		}
		if f != nil {
			return f
		}
	}
	return nil
}

// positionals returns the indexes in args of the tokens that are not flags
// or flag values (the command names first, then the arguments).
func positionals(c *cobra.Command, args []string) []int {
	var out []int
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			for j := i + 1; j < len(args); j++ {
				out = append(out, j)
			}
			return out
		case strings.HasPrefix(a, "--"):
			if !strings.Contains(a, "=") {
				if f := lookupFlag(c, a[2:], false); f != nil && f.NoOptDefVal == "" {
					i++ // the flag's value
				}
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// -x value, -xvalue, -abc (booleans); only the last shorthand
			// may take the next token.
			last := a[len(a)-1:]
			if len(a) == 2 {
				if f := lookupFlag(c, last, true); f != nil && f.NoOptDefVal == "" {
					i++
				}
			}
		default:
			out = append(out, i)
		}
	}
	return out
}

// flagValue returns the value given to the flag name (or any of its
// normalised aliases) in args, and whether it was given.
func flagValue(c *cobra.Command, args []string, name string) (string, bool) {
	want := lookupFlag(c, name, false)
	if want == nil {
		return "", false
	}
	val, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "--") {
			continue
		}
		n, v, hasV := strings.Cut(a[2:], "=")
		if lookupFlag(c, n, false) != want {
			continue
		}
		if !hasV && i+1 < len(args) {
			v = args[i+1]
			i++
		}
		val, found = v, true
	}
	return val, found
}

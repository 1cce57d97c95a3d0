package archive

import (
	"fmt"
	"strings"
)

// cleanName validates an entry name from an archive and returns it as a
// slash-separated path relative to the destination ("." for the destination
// itself). Absolute paths, drive letters, ".." components, backslashes and
// NUL bytes are refused with ErrUnsafePath: archives are untrusted and a name
// that means something else on another system is a trick, not a file.
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty name", ErrUnsafePath)
	case strings.ContainsRune(name, 0):
		return "", fmt.Errorf("%w: NUL byte in name", ErrUnsafePath)
	case strings.Contains(name, `\`):
		return "", fmt.Errorf("%w: backslash in name", ErrUnsafePath)
	case name[0] == '/':
		return "", fmt.Errorf("%w: absolute path", ErrUnsafePath)
	case hasDriveLetter(name):
		return "", fmt.Errorf("%w: drive letter", ErrUnsafePath)
	}
	parts := make([]string, 0, strings.Count(name, "/")+1)
	for p := range strings.SplitSeq(name, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("%w: \"..\" component", ErrUnsafePath)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return ".", nil
	}
	return strings.Join(parts, "/"), nil
}

func hasDriveLetter(name string) bool {
	if len(name) < 2 || name[1] != ':' {
		return false
	}
	c := name[0] | 0x20
	return c >= 'a' && c <= 'z'
}

// parentDir returns the directory part of a cleaned name ("." at top level).
func parentDir(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return "."
}

// prefixes yields the proper ancestors of a cleaned name, outermost first:
// "a/b/c" yields "a", "a/b".
func prefixes(name string) []string {
	var out []string
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			out = append(out, name[:i])
		}
	}
	return out
}

// resolveLink checks a symbolic link target lexically. link is the cleaned
// name of the link and isLink reports whether a cleaned path is another
// symbolic link of the archive. The target must be relative and stay inside
// the tree; a ".." after a component that is itself a link is refused,
// because its meaning depends on where that link points.
func resolveLink(link, target string, isLink func(string) bool) error {
	switch {
	case target == "":
		return fmt.Errorf("%w: empty link target", ErrUnsafePath)
	case strings.ContainsRune(target, 0):
		return fmt.Errorf("%w: NUL byte in link target", ErrUnsafePath)
	case strings.Contains(target, `\`):
		return fmt.Errorf("%w: backslash in link target %q", ErrUnsafePath, target)
	case target[0] == '/' || hasDriveLetter(target):
		return fmt.Errorf("%w: absolute link target %q", ErrUnsafePath, target)
	}
	var stack []string
	if d := parentDir(link); d != "." {
		stack = strings.Split(d, "/")
	}
	throughLink := false
	for p := range strings.SplitSeq(target, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			if throughLink {
				return fmt.Errorf("%w: link target %q climbs out of another link", ErrUnsafePath, target)
			}
			if len(stack) == 0 {
				return fmt.Errorf("%w: link target %q points outside the tree", ErrUnsafePath, target)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, p)
		if isLink(strings.Join(stack, "/")) {
			throughLink = true
		}
	}
	return nil
}

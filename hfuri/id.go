package hfuri

import (
	"fmt"
	"regexp"
	"strings"
)

var idPartRE = regexp.MustCompile(`^[\w\-.]+$`)

// ValidateRepoID checks a repo id the way huggingface_hub does before any
// request: "name" or "namespace/name", each part made of letters, digits,
// "_", "-" and "." without leading or trailing "-" or ".", no "--" or "..",
// a name of at most 96 characters and no ".git" suffix. The error says
// which rule the id breaks (hfhub.ValidateRepoID wraps it as
// hfhub.ErrValidation).
func ValidateRepoID(id string) error { return validateID(id, "repo") }

// checkID is the id rule of a URI: always namespace/name.
func checkID(id, what string) error {
	if strings.Count(id, "/") != 1 {
		return fmt.Errorf("%s id %q is not NAMESPACE/NAME", what, id)
	}
	return validateID(id, what)
}

func validateID(id, what string) error {
	bad := func(why string) error {
		return fmt.Errorf("%s id %q %s: use \"name\" or \"namespace/name\"", what, id, why)
	}
	if id == "" {
		return bad("is empty")
	}
	parts := strings.Split(id, "/")
	if len(parts) > 2 {
		return bad("has more than one \"/\"")
	}
	if strings.Contains(id, "--") || strings.Contains(id, "..") {
		return bad("contains \"--\" or \"..\"")
	}
	if strings.HasSuffix(id, ".git") {
		return bad("ends with \".git\"")
	}
	for _, p := range parts {
		if p == "" || !idPartRE.MatchString(p) {
			return bad("has characters other than letters, digits, '_', '-' and '.'")
		}
		if strings.ContainsAny(p[:1], "-.") || strings.ContainsAny(p[len(p)-1:], "-.") {
			return bad("has a part starting or ending with '-' or '.'")
		}
	}
	if len(parts[len(parts)-1]) > 96 {
		return bad("has a name longer than 96 characters")
	}
	return nil
}

// SplitTypePrefix reads the prefixed repo id that hf commands accept in
// place of --type: "datasets/org/name" is (Dataset, "org/name", true), and
// likewise "spaces/", "models/" and "kernels/". An id without such a prefix
// (or with only two segments, like "datasets/name", which is the repo
// "name" of the user "datasets") is returned unchanged with ok false.
func SplitTypePrefix(id string) (rt RepoType, rest string, ok bool) {
	first, rest, found := strings.Cut(id, "/")
	if !found || !strings.Contains(rest, "/") {
		return "", id, false
	}
	rt, known := typePrefixes[first]
	if !known || first == "buckets" {
		return "", id, false
	}
	return rt, rest, true
}

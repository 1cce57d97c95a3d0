package hfuri

import (
	"fmt"
	"net/url"
	"strings"
)

// String renders u in canonical form, always with its type prefix:
// hf://models/org/name@v1/config.json. A revision with "/" (other than the
// special refs) or "%" is percent-encoded so that [Parse] gives u back; a
// folder keeps its trailing "/".
func (u URI) String() string {
	var b strings.Builder
	b.WriteString(Scheme)
	if u.IsBucket() {
		b.WriteString("buckets")
	} else {
		b.WriteString(u.RepoType.Prefix())
	}
	b.WriteByte('/')
	b.WriteString(u.ID)
	if u.Revision != "" {
		b.WriteByte('@')
		b.WriteString(quoteRevision(u.Revision))
	}
	if u.Path != "" {
		b.WriteByte('/')
		b.WriteString(u.Path)
		if u.Dir {
			b.WriteByte('/')
		}
	}
	return b.String()
}

// quoteRevision writes a revision so that it parses back: special refs as
// they are, otherwise "%" and "/" escaped.
func quoteRevision(rev string) string {
	if m := specialRef.FindString(rev); m == rev {
		return rev
	}
	return strings.NewReplacer("%", "%25", "/", "%2F").Replace(rev)
}

// WebURL renders u as the page a browser opens on endpoint (empty means
// https://huggingface.co): the repo or bucket page, /tree/REV with only a
// revision, /blob/REV/PATH for a repo file (REV defaults to main),
// /tree/REV/PATH for a repo folder, /tree/PATH inside a bucket.
func (u URI) WebURL(endpoint string) string {
	base := strings.TrimRight(endpoint, "/")
	if base == "" {
		base = "https://huggingface.co"
	}
	path := (&url.URL{Path: u.Path}).EscapedPath()
	if u.IsBucket() {
		s := base + "/buckets/" + u.ID
		if path != "" {
			s += "/tree/" + path
		}
		return s
	}
	s := base + "/" + u.ID
	if u.RepoType != Model {
		s = base + "/" + u.RepoType.Prefix() + "/" + u.ID
	}
	rev := u.Revision
	if rev != "" && specialRef.FindString(rev) != rev {
		rev = url.PathEscape(rev)
	}
	switch {
	case path != "":
		if rev == "" {
			rev = "main"
		}
		route := "blob"
		if u.Dir {
			route = "tree"
		}
		s += "/" + route + "/" + rev + "/" + path
	case rev != "":
		s += "/tree/" + rev
	}
	return s
}

// WithRevision returns u at revision rev, given apart from the URI (a
// --revision flag, a revision argument), as HfFileSystem.resolve_path
// reconciles them: an empty rev keeps u's; a URI without a revision takes
// rev; both equal is fine. When they differ, u may have read a special ref
// greedily (hf://org/m@refs/pr/1 where "refs" is a branch and pr/1 a
// path): if the first segment after "@" is rev, that reading wins.
// Otherwise it is an error naming both.
func (u URI) WithRevision(rev string) (URI, error) {
	if rev == "" || u.Revision == rev {
		return u, nil
	}
	if u.Revision == "" {
		if u.IsBucket() {
			return URI{}, errorf(u.String(), "buckets have no revisions: drop the revision %q", rev)
		}
		u.Revision = rev
		return u, nil
	}
	if specialRef.FindString(u.Revision) == u.Revision {
		after := u.Revision
		if u.Path != "" {
			after += "/" + u.Path
		}
		first, path, _ := strings.Cut(after, "/")
		if first == rev {
			u.Revision, u.Path = rev, path
			return u, nil
		}
	}
	return URI{}, &Error{Input: u.String(), Reason: fmt.Sprintf(
		"the revision in the URI (%q) and the revision given apart (%q) differ: give one of them", u.Revision, rev)}
}

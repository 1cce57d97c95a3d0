package cache

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	hfcache "github.com/hfhub-go/hfhub/cache"
)

// entry is one row of `hf cache ls`: a repo, or one revision of it.
type entry struct {
	repo *hfcache.RepoInfo
	rev  *hfcache.RevisionInfo // nil when listing repos
}

func (e entry) size() int64 {
	if e.rev != nil {
		return e.rev.SizeOnDisk
	}
	return e.repo.SizeOnDisk
}

func (e entry) accessed() time.Time {
	if e.rev != nil {
		return e.rev.LastUsed
	}
	return e.repo.LastAccessed
}

func (e entry) modified() time.Time {
	if e.rev != nil {
		return e.rev.LastModified
	}
	return e.repo.LastModified
}

func (e entry) used() time.Time {
	if e.rev != nil {
		return e.rev.LastUsed
	}
	return e.repo.LastUsed
}

func (e entry) refs() []string {
	if e.rev != nil {
		return e.rev.Refs
	}
	var refs []string
	for r := range e.repo.Refs {
		refs = append(refs, r)
	}
	slices.Sort(refs)
	return refs
}

// filter is one parsed --filter expression.
type filter func(e entry, now time.Time) bool

// parseFilter parses "FIELD OP VALUE":
//
//	size>1G, size<=500M          (sizes as in --max-size)
//	accessed>7d, modified<24h    (ages: older / newer than; s m h d w units)
//	used>30d                     (last use, as eviction sees it)
//	type=dataset, id=org/*       (id takes a glob), refs=main
//
// Operators: = != > < >= <=.
func parseFilter(expr string) (filter, error) {
	ops := []string{">=", "<=", "!=", "=", ">", "<"}
	for _, op := range ops {
		field, value, ok := strings.Cut(expr, op)
		if !ok {
			continue
		}
		field, value = strings.ToLower(strings.TrimSpace(field)), strings.TrimSpace(value)
		switch field {
		case "size":
			n, err := hfcache.ParseSize(value)
			if err != nil {
				return nil, err
			}
			return func(e entry, _ time.Time) bool { return compare(op, cmp.Compare(e.size(), n)) }, nil
		case "accessed", "modified", "used":
			age, err := parseAge(value)
			if err != nil {
				return nil, err
			}
			get := map[string]func(entry) time.Time{"accessed": entry.accessed, "modified": entry.modified, "used": entry.used}[field]
			return func(e entry, now time.Time) bool { return compare(op, cmp.Compare(now.Sub(get(e)), age)) }, nil
		case "type":
			if op != "=" && op != "!=" {
				return nil, fmt.Errorf("--filter %q: type takes = or !=", expr)
			}
			return func(e entry, _ time.Time) bool { return (e.repo.Type == strings.TrimSuffix(value, "s")) == (op == "=") }, nil
		case "id":
			if op != "=" && op != "!=" {
				return nil, fmt.Errorf("--filter %q: id takes = or !=", expr)
			}
			if _, err := path.Match(value, ""); err != nil {
				return nil, fmt.Errorf("--filter %q: %w", expr, err)
			}
			return func(e entry, _ time.Time) bool {
				m1, _ := path.Match(value, e.repo.ID)
				m2, _ := path.Match(value, e.repo.CacheID())
				return (m1 || m2) == (op == "=")
			}, nil
		case "refs", "ref":
			if op != "=" && op != "!=" {
				return nil, fmt.Errorf("--filter %q: refs takes = or !=", expr)
			}
			return func(e entry, _ time.Time) bool { return slices.Contains(e.refs(), value) == (op == "=") }, nil
		}
		return nil, fmt.Errorf("--filter %q: unknown field %q (use size, accessed, modified, used, type, id or refs)", expr, field)
	}
	return nil, fmt.Errorf("--filter %q: want FIELD OP VALUE, e.g. size>1G or accessed>30d", expr)
}

func compare(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	case ">=":
		return c >= 0
	}
	return c <= 0
}

// parseAge parses "7d", "2w", "12h", "30m", "45s" or a Go duration.
func parseAge(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty age: use e.g. 7d or 12h")
	}
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if u, ok := units[s[len(s)-1]]; ok {
		if n, err := strconv.ParseFloat(s[:len(s)-1], 64); err == nil && n >= 0 {
			return time.Duration(n * float64(u)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid age %q: use e.g. 7d, 2w, 12h or 30m", s)
	}
	return d, nil
}

// sortEntries sorts by "FIELD[:asc|:desc]": name (default ascending), size,
// accessed, modified, used (default descending: biggest or most recent
// first).
func sortEntries(es []entry, spec string) error {
	field, dir, _ := strings.Cut(strings.ToLower(spec), ":")
	var less func(a, b entry) int
	desc := true
	switch field {
	case "", "name", "id":
		less = func(a, b entry) int { return cmp.Compare(a.repo.CacheID(), b.repo.CacheID()) }
		desc = false
	case "size":
		less = func(a, b entry) int { return cmp.Compare(a.size(), b.size()) }
	case "accessed":
		less = func(a, b entry) int { return a.accessed().Compare(b.accessed()) }
	case "modified":
		less = func(a, b entry) int { return a.modified().Compare(b.modified()) }
	case "used":
		less = func(a, b entry) int { return a.used().Compare(b.used()) }
	default:
		return fmt.Errorf("--sort %q: use name, size, accessed, modified or used, optionally with :asc or :desc", spec)
	}
	switch dir {
	case "":
	case "asc":
		desc = false
	case "desc":
		desc = true
	default:
		return fmt.Errorf("--sort %q: direction must be asc or desc", spec)
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		if desc {
			return less(b, a)
		}
		return less(a, b)
	})
	return nil
}

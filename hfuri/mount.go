package hfuri

import "strings"

// Mount is a volume: a URI mounted at an absolute path, read-only or not.
type Mount struct {
	Source URI
	// Path is the mount point, absolute ("/data").
	Path string
	// ReadOnly is the ":ro" (true) or ":rw" (false) flag; nil when none was given.
	ReadOnly *bool
}

// ParseMount parses a volume as Jobs and Spaces take it:
// hf://[TYPE/]NAMESPACE/NAME[@REVISION][/PATH]:/MOUNT/PATH[:ro|:rw].
func ParseMount(s string) (Mount, error) {
	if !IsURI(s) {
		return Mount{}, errorf(s, "a mount starts with %s: write hf://NAMESPACE/NAME:/MOUNT/PATH[:ro|:rw]", Scheme)
	}
	body := s[len(Scheme):]
	var ro *bool
	for suffix, v := range map[string]bool{":ro": true, ":rw": false} {
		if strings.HasSuffix(body, suffix) {
			ro, body = &v, strings.TrimSuffix(body, suffix)
			break
		}
	}
	i := strings.LastIndex(body, ":/")
	if i < 0 {
		if ro != nil {
			return Mount{}, errorf(s, "\":ro\" and \":rw\" follow a mount path: write hf://...:/MOUNT/PATH:ro")
		}
		return Mount{}, errorf(s, "no mount path: write hf://NAMESPACE/NAME:/MOUNT/PATH")
	}
	loc, mp := body[:i], body[i+1:]
	if loc == "" {
		return Mount{}, errorf(s, "nothing to mount before the mount path")
	}
	if mp == "/" {
		return Mount{}, errorf(s, "the mount path cannot be \"/\": name a folder such as /data")
	}
	src, err := parseBody(s, loc, false)
	if err != nil {
		return Mount{}, err
	}
	return Mount{Source: src, Path: mp, ReadOnly: ro}, nil
}

// String renders m canonically: the source's [URI.String], ":", the mount
// path, and ":ro" or ":rw" when set.
func (m Mount) String() string {
	s := m.Source.String() + ":" + m.Path
	if m.ReadOnly != nil {
		if *m.ReadOnly {
			return s + ":ro"
		}
		return s + ":rw"
	}
	return s
}

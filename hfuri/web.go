package hfuri

import (
	"net/url"
	"strings"
)

// webHosts are the hosts whose web URLs [Parse] reads: the Hub, its short
// domain and its staging host.
var webHosts = []string{"huggingface.co", "hf.co", "hub-ci.huggingface.co"}

// repoRoutes are the web routes of a repo that name a file or folder,
// followed by REVISION/PATH; bucketRoutes those of a bucket, followed by
// PATH (buckets have no revisions).
var (
	repoRoutes   = map[string]bool{"blob": true, "resolve": true, "raw": true, "tree": true, "blame": true}
	bucketRoutes = map[string]bool{"resolve": true, "tree": true}
)

// endpointHost returns the lowercase host and the path prefix (no "/" at
// either end) of a custom endpoint.
func endpointHost(endpoint string) (host, prefix string) {
	if endpoint == "" {
		return "", ""
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "//" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", ""
	}
	return strings.ToLower(u.Hostname()), strings.Trim(u.Path, "/")
}

func knownHost(host, endpoint string) bool {
	for _, h := range webHosts {
		if host == h {
			return true
		}
	}
	eh, _ := endpointHost(endpoint)
	return eh != "" && host == eh
}

func looksLikeWebURL(s, endpoint string) bool {
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		return true
	}
	hosts := webHosts
	if eh, _ := endpointHost(endpoint); eh != "" {
		hosts = append([]string{eh}, webHosts...)
	}
	for _, h := range hosts {
		if l == h || strings.HasPrefix(l, h+"/") {
			return true
		}
	}
	return false
}

// webURLBody turns a web URL into the body of an hf:// URI, and says
// whether its route names a folder (tree).
func webURLBody(raw, endpoint string) (body string, dir bool, err error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "//" + s
	}
	u, perr := url.Parse(s)
	if perr != nil {
		return "", false, errorf(raw, "not a URL: %v", perr)
	}
	host := strings.ToLower(u.Hostname())
	if !knownHost(host, endpoint) {
		return "", false, errorf(raw, "host %q is not a Hugging Face host: use an hf:// URI, or pass the Hub's endpoint", host)
	}
	path := u.EscapedPath()
	if eh, prefix := endpointHost(endpoint); prefix != "" && host == eh {
		p := "/" + prefix
		if path == p || strings.HasPrefix(path, p+"/") {
			path = path[len(p):]
		}
	}
	var segs []string
	for seg := range strings.SplitSeq(path, "/") {
		if seg != "" {
			segs = append(segs, seg)
		}
	}
	prefix := ""
	if len(segs) > 0 {
		if _, ok := typePrefixes[segs[0]]; ok {
			prefix, segs = segs[0], segs[1:]
		}
	}
	if len(segs) < 2 {
		return "", false, errorf(raw, "the URL names no NAMESPACE/NAME repository or bucket (user, organisation and listing pages are not locations)")
	}
	id, rest := segs[0]+"/"+segs[1], segs[2:]
	head := id
	if prefix != "" {
		head = prefix + "/" + id
	}
	if len(rest) == 0 {
		return head, false, nil
	}
	routes, sep := repoRoutes, "@"
	if prefix == "buckets" {
		routes, sep = bucketRoutes, "/"
	}
	if !routes[rest[0]] {
		return "", false, errorf(raw, "the %q route names no file or folder: use a page, blob, resolve, raw, tree or blame URL", "/"+rest[0]+"/")
	}
	tail := rest[1:]
	if len(tail) == 0 {
		return head, false, nil
	}
	for i, seg := range tail {
		// Decode each segment, but keep an encoded "/" encoded so the
		// revision stays one segment.
		tail[i] = strings.ReplaceAll(unquote(seg), "/", "%2F")
	}
	return head + sep + strings.Join(tail, "/"), rest[0] == "tree", nil
}

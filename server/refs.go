package server

import (
	"html"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

type refJSON struct {
	Name         string `json:"name"`
	Ref          string `json:"ref"`
	TargetCommit string `json:"targetCommit"`
}

type refsJSON struct {
	Tags         []refJSON  `json:"tags"`
	Branches     []refJSON  `json:"branches"`
	Converts     []refJSON  `json:"converts"`
	PullRequests *[]refJSON `json:"pullRequests,omitempty"`
}

func refList(m map[string]string, prefix string) []refJSON {
	out := make([]refJSON, 0, len(m))
	for name, id := range m {
		if id != "" {
			out = append(out, refJSON{Name: name, Ref: prefix + name, TargetCommit: id})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// handleRefs serves GET /api/{T}/{id}/refs[?include_prs=1].
func (s *Server) handleRefs(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	refs, err := s.src.Refs(req.Type, req.ID)
	if err != nil {
		repoNotFound(w, r, req.User)
		return
	}
	out := refsJSON{
		Tags:     refList(refs.Tags, "refs/tags/"),
		Branches: refList(refs.Branches, "refs/heads/"),
		Converts: refList(refs.Converts, "refs/convert/"),
	}
	if queryBool(r.URL.Query().Get("include_prs")) {
		prs := make([]refJSON, 0, len(refs.PullRequests))
		nums := make([]int, 0, len(refs.PullRequests))
		for n := range refs.PullRequests {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		for _, n := range nums {
			prs = append(prs, refJSON{Name: strconv.Itoa(n), Ref: "refs/pr/" + strconv.Itoa(n), TargetCommit: refs.PullRequests[n]})
		}
		out.PullRequests = &prs
	}
	writeJSON(w, r, out)
}

type commitAuthor struct {
	User   string `json:"user"`
	Avatar string `json:"avatar"`
}

type commitJSON struct {
	ID        string            `json:"id"`
	Title     string            `json:"title"`
	Message   string            `json:"message"`
	Authors   []commitAuthor    `json:"authors"`
	Date      string            `json:"date"`
	Formatted map[string]string `json:"formatted,omitempty"`
}

// handleCommits serves GET /api/{T}/{id}/commits/{rev}?p=N&limit=L, newest
// first, with X-Total-Count and an absolute Link to the next page.
func (s *Server) handleCommits(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	rev, _, ok := splitRev(req.Rest)
	if !ok {
		rev = ""
	}
	if _, ok := s.resolveRev(w, r, req, rev); !ok {
		return
	}
	log, err := s.src.Log(req.Type, req.ID, rev)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", err.Error())
		return
	}
	q := r.URL.Query()
	limit := 50
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, 1000)
	}
	if s.pageSize > 0 {
		limit = min(limit, s.pageSize)
	}
	p, _ := strconv.Atoi(q.Get("p"))
	p = max(p, 0)
	start := min(p*limit, len(log))
	end := min(start+limit, len(log))
	formatted := false
	for _, e := range expandValues(q) {
		formatted = formatted || e == "formatted"
	}
	out := make([]commitJSON, 0, end-start)
	for _, c := range log[start:end] {
		cj := commitJSON{ID: c.ID, Title: c.Title, Message: c.Message, Date: hubTime(c.Date),
			Authors: []commitAuthor{{User: c.Author, Avatar: ""}}}
		if formatted {
			cj.Formatted = map[string]string{"title": html.EscapeString(c.Title), "message": html.EscapeString(c.Message)}
		}
		out = append(out, cj)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(log)))
	if end < len(log) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("p", strconv.Itoa(p+1))
		nq.Set("limit", strconv.Itoa(limit))
		w.Header().Set("Link", "<"+s.baseFor(r)+r.URL.EscapedPath()+"?"+nq.Encode()+`>; rel="next"`)
	}
	writeJSON(w, r, out)
}

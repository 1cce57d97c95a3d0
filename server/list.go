package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hfhub-go/hfhub/store"
)

// handleList serves GET /api/models, /api/datasets and /api/spaces with the
// Hub's filters (see listQuery), sort orders and cursor pagination.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, t store.RepoType) {
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	lq, msg := parseListQuery(t, q)
	if msg != "" {
		writeError(w, r, http.StatusBadRequest, "", msg)
		return
	}
	full := queryBool(q.Get("full"))
	var items []listItem
	for _, ri := range s.src.ListRepos(t) {
		if ri.Private && !user.CanRead(ri.Namespace()) {
			continue
		}
		if !lq.matchInfo(ri) {
			continue
		}
		head, err := s.src.Resolve(t, ri.ID, "")
		if err != nil {
			continue
		}
		it := listItem{info: ri, head: head, entry: s.repoJSON(r, ri, head, full, false)}
		if lq.match(&it) {
			items = append(items, it)
		}
	}
	lq.sort(items)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		var e map[string]any
		switch {
		case len(lq.expand) > 0:
			e = s.expanded(r, it.info, it.head, it.entry, lq.expand)
		case full:
			e = it.entry
			e["trendingScore"] = 0
		default:
			e = listEntry(t, it.entry, q)
		}
		out = append(out, e)
	}
	page, next := s.paginate(r, len(out), 1000)
	if next != "" {
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	writeJSON(w, r, out[page.start:page.end])
}

// listEntry keeps the keys the Hub returns in a listing without full=true.
func listEntry(t store.RepoType, full map[string]any, q map[string][]string) map[string]any {
	keys := []string{"_id", "id", "likes", "private", "downloads", "tags", "createdAt"}
	switch t {
	case store.Model:
		keys = append(keys, "modelId", "library_name", "pipeline_tag")
		if queryBool(first(q["config"])) {
			keys = append(keys, "config")
		}
		if queryBool(first(q["cardData"])) {
			keys = append(keys, "cardData")
		}
	case store.Dataset:
		keys = append(keys, "author", "sha", "lastModified", "gated", "disabled", "description", "cardData")
	case store.Space:
		keys = append(keys, "author", "sha", "lastModified", "sdk")
	}
	out := map[string]any{"trendingScore": 0}
	for _, k := range keys {
		if v, ok := full[k]; ok {
			out[k] = v
		}
	}
	return out
}

// listItem is one repository considered by a listing.
type listItem struct {
	info  store.RepoInfo
	head  *store.Commit
	entry map[string]any // the full info object (repoJSON)
}

// listQuery is a listing's parsed query. Filters combine with AND; values
// of one filter separated by commas combine as the Hub does (AND for tags,
// libraries and languages; OR for apps and inference providers).
type listQuery struct {
	t           store.RepoType
	author      string
	search      []string   // substrings of the id, all required
	filter      [][]string // tags (or the repo id), all required
	pipelineTag string
	library     []string
	language    []string
	gated       *bool
	apps        []string // one of them
	providers   []string // one of them; "all": any provider
	inference   string   // "warm"
	params      *[2]int64
	models      []string // spaces using these models
	datasets    []string // spaces using these datasets
	linked      bool
	sortKey     string
	desc        bool
	expand      []string
}

// listSorts maps the sort names clients send to the key sorted on.
var listSorts = map[string]string{
	"downloads": "downloads", "likes": "likes", "likes30d": "likes",
	"lastModified": "lastModified", "last_modified": "lastModified",
	"createdAt": "createdAt", "created_at": "createdAt",
	"trendingScore": "trendingScore", "trending_score": "trendingScore",
	"id": "id", "modelId": "id", "author": "author",
	"mainSize": "usedStorage", "usedStorage": "usedStorage", "num_parameters": "num_parameters",
}

func parseListQuery(t store.RepoType, q url.Values) (*listQuery, string) {
	lq := &listQuery{t: t, author: q.Get("author"), pipelineTag: q.Get("pipeline_tag"), inference: q.Get("inference")}
	for _, v := range q["search"] {
		if v != "" {
			lq.search = append(lq.search, strings.ToLower(v))
		}
	}
	for _, f := range q["filter"] {
		if vs := splitList(f); len(vs) > 0 {
			lq.filter = append(lq.filter, vs)
		}
	}
	lq.library = splitAll(q["library"])
	lq.language = splitAll(q["language"])
	lq.apps = splitAll(q["apps"])
	lq.providers = splitAll(q["inference_provider"])
	lq.models = splitAll(q["models"])
	lq.datasets = splitAll(q["datasets"])
	lq.linked = queryBool(q.Get("linked"))
	if g := q.Get("gated"); g != "" {
		b := queryBool(g)
		if !b && !strings.EqualFold(g, "false") && g != "0" {
			return nil, `"gated" must be a boolean (true or false), not "` + g + `"`
		}
		lq.gated = &b
	}
	if lq.inference != "" && lq.inference != "warm" {
		return nil, `"inference" must be one of [warm]`
	}
	if np := q.Get("num_parameters"); np != "" {
		r, err := parseParamRange(np)
		if err != nil {
			return nil, `"num_parameters" ` + err.Error()
		}
		lq.params = r
	}
	if l := q.Get("limit"); l != "" {
		if n, err := strconv.Atoi(l); err != nil || n < 0 {
			return nil, `"limit" must be a positive integer, not "` + l + `"`
		}
	}
	if key := q.Get("sort"); key != "" {
		k, ok := listSorts[key]
		if !ok {
			names := make([]string, 0, len(listSorts))
			for n := range listSorts {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, `"sort" must be one of [` + strings.Join(names, ", ") + `], not "` + key + `"`
		}
		lq.sortKey = k
		d := q.Get("direction")
		lq.desc = d == "" || d == "-1"
	}
	lq.expand = expandValues(q)
	if msg := checkExpand(t, lq.expand); msg != "" {
		return nil, msg
	}
	return lq, ""
}

// splitList splits a comma-separated value, dropping empty parts.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func splitAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, splitList(v)...)
	}
	return out
}

// parseParamRange reads "min:6B,max:128B" (either bound may be missing;
// K, M, B and T suffixes).
func parseParamRange(v string) (*[2]int64, error) {
	r := &[2]int64{0, -1}
	for _, part := range splitList(v) {
		k, num, ok := strings.Cut(part, ":")
		if !ok || (k != "min" && k != "max") {
			return nil, fmt.Errorf("must look like min:6B,max:128B, not %q", v)
		}
		mult := int64(1)
		switch suf := strings.ToUpper(num[len(num)-min(1, len(num)):]); suf {
		case "K":
			mult = 1e3
		case "M":
			mult = 1e6
		case "B":
			mult = 1e9
		case "T":
			mult = 1e12
		}
		if mult > 1 {
			num = num[:len(num)-1]
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 {
			return nil, fmt.Errorf("must look like min:6B,max:128B, not %q", v)
		}
		n := int64(f * float64(mult))
		if k == "min" {
			r[0] = n
		} else {
			r[1] = n
		}
	}
	return r, nil
}

// matchInfo applies the filters known without reading the repo's head.
func (lq *listQuery) matchInfo(ri store.RepoInfo) bool {
	if lq.author != "" && !strings.EqualFold(ri.Namespace(), lq.author) {
		return false
	}
	id := strings.ToLower(ri.ID)
	for _, sq := range lq.search {
		if !strings.Contains(id, sq) {
			return false
		}
	}
	if lq.gated != nil && (ri.Gated != "") != *lq.gated {
		return false
	}
	return true
}

// match applies the remaining filters to the repo's info object.
func (lq *listQuery) match(it *listItem) bool {
	e := it.entry
	tags := map[string]bool{}
	for _, tg := range e["tags"].([]string) {
		tags[tg] = true
	}
	for _, f := range lq.filter {
		for _, one := range f {
			if !tags[one] && !strings.EqualFold(one, it.info.ID) {
				return false
			}
		}
	}
	if lq.pipelineTag != "" && stringOr(e["pipeline_tag"], "") != lq.pipelineTag {
		return false
	}
	for _, lib := range lq.library {
		if stringOr(e["library_name"], "") != lib && !tags[lib] && !tags["library:"+lib] {
			return false
		}
	}
	for _, lang := range lq.language {
		if !tags[lang] && !tags["language:"+lang] {
			return false
		}
	}
	if len(lq.apps) > 0 && !slices.ContainsFunc(lq.apps, func(a string) bool { return supportsApp(a, it, tags) }) {
		return false
	}
	// This server routes no inference: no model is warm or served by a
	// provider, so these filters leave nothing, as the Hub does for a model
	// without providers.
	if len(lq.providers) > 0 || lq.inference != "" {
		return false
	}
	if lq.params != nil {
		total := paramCount(e)
		if total < 0 || total < lq.params[0] || (lq.params[1] >= 0 && total > lq.params[1]) {
			return false
		}
	}
	if lq.t == store.Space {
		card, _ := e["cardData"].(map[string]any)
		usedModels, usedDatasets := stringList(card["models"]), stringList(card["datasets"])
		for _, m := range lq.models {
			if !slices.Contains(usedModels, m) {
				return false
			}
		}
		for _, d := range lq.datasets {
			if !slices.Contains(usedDatasets, d) {
				return false
			}
		}
		if lq.linked && len(usedModels) == 0 && len(usedDatasets) == 0 {
			return false
		}
	}
	return true
}

// paramCount is the model's parameter count from its safetensors, or -1.
func paramCount(e map[string]any) int64 {
	st, ok := e["safetensors"].(map[string]any)
	if !ok {
		return -1
	}
	n, _ := st["total"].(int64)
	return n
}

// sort orders items by the sort key (ties by id), in place.
func (lq *listQuery) sort(items []listItem) {
	if lq.sortKey == "" {
		return
	}
	cmp := func(a, b *listItem) int {
		switch lq.sortKey {
		case "lastModified":
			return a.head.Date.Compare(b.head.Date)
		case "createdAt":
			return a.info.CreatedAt.Compare(b.info.CreatedAt)
		case "author":
			return strings.Compare(strings.ToLower(a.info.Namespace()), strings.ToLower(b.info.Namespace()))
		case "usedStorage":
			return compareInt(usedStorage(a.head), usedStorage(b.head))
		case "num_parameters":
			return compareInt(paramCount(a.entry), paramCount(b.entry))
		}
		return 0 // downloads, likes, trendingScore: all zero here; id: the tie-break
	}
	slices.SortStableFunc(items, func(a, b listItem) int {
		c := cmp(&a, &b)
		if c == 0 {
			return strings.Compare(a.info.ID, b.info.ID)
		}
		if lq.desc {
			return -c
		}
		return c
	})
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package server

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/store"
	"go.yaml.in/yaml/v3"
)

// hubTime formats a date like the Hub: ISO-8601 UTC with milliseconds.
func hubTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// handleInfo serves GET /api/{T}/{id} and /api/{T}/{id}/revision/{rev}.
func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	rev := ""
	if len(req.Rest) > 0 {
		var rest []string
		var ok bool
		rev, rest, ok = splitRev(req.Rest)
		if !ok || len(rest) > 0 {
			writeError(w, r, http.StatusNotFound, "", "Not Found")
			return
		}
	}
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	q := r.URL.Query()
	info := s.repoJSON(r, req.Info, c, true, queryBool(q.Get("blobs")))
	if queryBool(q.Get("securityStatus")) && req.Type == store.Model {
		info["securityRepoStatus"] = map[string]any{"scansDone": true, "filesWithIssues": []any{}}
	}
	if ex := expandValues(q); len(ex) > 0 {
		info = s.expanded(r, req.Info, c, info, ex)
	}
	writeJSON(w, r, info)
}

// expanded keeps only _id, id and the requested properties, like the Hub.
func (s *Server) expanded(r *http.Request, ri store.RepoInfo, c *store.Commit, full map[string]any, keys []string) map[string]any {
	out := map[string]any{"_id": full["_id"], "id": full["id"]}
	extra := map[string]any{
		"downloadsAllTime": 0, "trendingScore": 0, "xetEnabled": false, "childrenModelCount": 0,
		"usedStorage": full["usedStorage"], "resourceGroup": nil, "spaces": []any{}, "likes": 0, "downloads": 0,
		"baseModels": nil, "inference": nil, "widgetData": nil, "mask_token": nil, "transformersInfo": nil,
		"evalResults": nil, "inferenceProviderMapping": []any{}, "gguf": nil, "paperswithcode_id": nil,
		"mainSize": full["usedStorage"], "datasets": []any{}, "models": []any{},
	}
	for _, k := range keys {
		if v, ok := full[k]; ok {
			out[k] = v
		} else if v, ok := extra[k]; ok {
			out[k] = v
		}
	}
	return out
}

// repoJSON builds the repo info object of commit c. siblings adds the file
// list; blobs adds blobId, size and lfs to each sibling.
func (s *Server) repoJSON(r *http.Request, ri store.RepoInfo, c *store.Commit, siblings, blobs bool) map[string]any {
	card := s.cardData(c)
	m := map[string]any{
		"_id":          ri.ObjectID,
		"id":           ri.ID,
		"author":       ri.Namespace(),
		"sha":          c.ID,
		"lastModified": hubTime(c.Date),
		"createdAt":    hubTime(ri.CreatedAt),
		"private":      ri.Private,
		"gated":        gatedJSON(ri.Gated),
		"disabled":     false,
		"likes":        0,
		"tags":         s.tags(ri, c, card),
		"usedStorage":  usedStorage(c),
	}
	if card != nil {
		m["cardData"] = card
	}
	if siblings {
		m["siblings"] = siblingsJSON(c, blobs)
	}
	switch ri.Type {
	case store.Model:
		m["downloads"] = 0
		m["modelId"] = ri.ID
		m["model-index"] = card["model-index"]
		m["spaces"] = []any{}
		if cfg := s.modelConfig(c); cfg != nil {
			m["config"] = cfg
		}
		if st := s.safetensorsInfo(c); st != nil {
			m["safetensors"] = st
		}
		if v, ok := card["library_name"].(string); ok {
			m["library_name"] = v
		}
		if v, ok := card["pipeline_tag"].(string); ok {
			m["pipeline_tag"] = v
		}
	case store.Dataset:
		m["downloads"] = 0
		m["citation"] = stringOr(card["citation"], "")
		m["description"] = stringOr(card["description"], "")
	case store.Space:
		sdk := stringOr(card["sdk"], "static")
		sub := strings.ToLower(strings.NewReplacer("/", "-", "_", "-", ".", "-").Replace(ri.ID))
		m["sdk"] = sdk
		m["subdomain"] = sub
		m["host"] = s.baseFor(r) + "/spaces/" + ri.ID
		m["region"] = "local"
		if rt := s.spaceRuntimeJSON(ri.ID, stringOr(card["sdk"], "")); rt != nil {
			m["runtime"] = rt
			break
		}
		m["runtime"] = map[string]any{
			"stage":     "STOPPED",
			"hardware":  map[string]any{"current": nil, "requested": "cpu-basic"},
			"gcTimeout": nil,
			"replicas":  map[string]any{"requested": 1},
			"devMode":   false,
			"domains":   []any{map[string]any{"domain": sub + ".localhost", "stage": "READY"}},
		}
	}
	return m
}

func stringOr(v any, def string) string {
	if s, ok := v.(string); ok {
		return s
	}
	return def
}

func gatedJSON(g string) any {
	if g == "" {
		return false
	}
	return g
}

func usedStorage(c *store.Commit) int64 {
	var n int64
	for _, f := range c.Files() {
		n += f.Size
	}
	return n
}

func siblingsJSON(c *store.Commit, blobs bool) []map[string]any {
	out := make([]map[string]any, 0, len(c.Files()))
	for _, f := range c.Files() {
		e := map[string]any{"rfilename": f.Path}
		if blobs {
			e["blobId"] = f.BlobID
			e["size"] = f.Size
			if f.LFS {
				e["lfs"] = map[string]any{"sha256": f.SHA256, "size": f.Size, "pointerSize": f.PointerSize()}
			}
		}
		out = append(out, e)
	}
	return out
}

// tags derives Hub-like tags from the card and the files.
func (s *Server) tags(ri store.RepoInfo, c *store.Commit, card map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if v, ok := card["library_name"].(string); ok {
		add(v)
	}
	if ri.Type == store.Model {
		for _, f := range c.Files() {
			if strings.HasSuffix(f.Path, ".safetensors") {
				add("safetensors")
			}
		}
	}
	if ri.Type == store.Space {
		add(stringOr(card["sdk"], ""))
	}
	for _, t := range stringList(card["tags"]) {
		add(t)
	}
	if v, ok := card["pipeline_tag"].(string); ok {
		add(v)
	}
	for _, l := range stringList(card["language"]) {
		add(l)
	}
	for _, l := range stringList(card["license"]) {
		add("license:" + l)
	}
	add("region:us")
	return out
}

func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// readSmallFile returns a small file of c, or nil.
func (s *Server) readSmallFile(c *store.Commit, p string, limit int64) []byte {
	f, ok := c.File(p)
	if !ok || f.Size > limit {
		return nil
	}
	fh, err := s.src.OpenBlob(f.SHA256)
	if err != nil {
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit))
	if err != nil {
		return nil
	}
	return data
}

// cardData parses the YAML front matter of README.md, or returns nil.
func (s *Server) cardData(c *store.Commit) map[string]any {
	data := s.readSmallFile(c, "README.md", 1<<20)
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return nil
	}
	rest := data[4:]
	end := bytes.Index(rest, []byte("\n---"))
	if end < 0 {
		return nil
	}
	var card map[string]any
	if err := yaml.Unmarshal(rest[:end], &card); err != nil || card == nil {
		return nil
	}
	return jsonSafe(card).(map[string]any)
}

// jsonSafe converts YAML values (map[any]any, time.Time) into JSON values.
func jsonSafe(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonSafe(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			if ks, ok := k.(string); ok {
				m[ks] = jsonSafe(e)
			}
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonSafe(e)
		}
		return x
	case time.Time:
		return x.Format("2006-01-02")
	}
	return v
}

// modelConfig returns the Hub's summary of config.json.
func (s *Server) modelConfig(c *store.Commit) map[string]any {
	data := s.readSmallFile(c, "config.json", 1<<20)
	if data == nil {
		return nil
	}
	var cfg map[string]any
	if json.Unmarshal(data, &cfg) != nil {
		return nil
	}
	out := map[string]any{}
	for _, k := range []string{"architectures", "model_type", "auto_map", "quantization_config"} {
		if v, ok := cfg[k]; ok {
			out[k] = v
		}
	}
	if tc := s.readSmallFile(c, "tokenizer_config.json", 1<<20); tc != nil {
		var t map[string]any
		if json.Unmarshal(tc, &t) == nil {
			small := map[string]any{}
			for _, k := range []string{"bos_token", "eos_token", "unk_token", "pad_token", "chat_template"} {
				if v, ok := t[k]; ok {
					small[k] = v
				}
			}
			out["tokenizer_config"] = small
		}
	}
	return out
}

// safetensorsInfo sums the parameters of every .safetensors file by dtype.
func (s *Server) safetensorsInfo(c *store.Commit) map[string]any {
	params := map[string]int64{}
	found := false
	for _, f := range c.Files() {
		if !strings.HasSuffix(f.Path, ".safetensors") {
			continue
		}
		counts := s.safetensorsCounts(f.SHA256)
		if counts == nil {
			continue
		}
		found = true
		for k, v := range counts {
			params[k] += v
		}
	}
	if !found {
		return nil
	}
	var total int64
	for _, v := range params {
		total += v
	}
	return map[string]any{"parameters": params, "total": total}
}

// safetensorsCounts reads a safetensors header (cached by sha256).
func (s *Server) safetensorsCounts(sha string) map[string]int64 {
	s.stMu.Lock()
	if c, ok := s.safetensor[sha]; ok {
		s.stMu.Unlock()
		return c
	}
	s.stMu.Unlock()
	counts := func() map[string]int64 {
		fh, err := s.src.OpenBlob(sha)
		if err != nil {
			return nil
		}
		defer fh.Close()
		var n uint64
		if binary.Read(fh, binary.LittleEndian, &n) != nil || n > 100<<20 {
			return nil
		}
		hdr := make([]byte, n)
		if _, err := io.ReadFull(fh, hdr); err != nil {
			return nil
		}
		var tensors map[string]json.RawMessage
		if json.Unmarshal(hdr, &tensors) != nil {
			return nil
		}
		out := map[string]int64{}
		for name, raw := range tensors {
			if name == "__metadata__" {
				continue
			}
			var t struct {
				Dtype string  `json:"dtype"`
				Shape []int64 `json:"shape"`
			}
			if json.Unmarshal(raw, &t) != nil {
				return nil
			}
			p := int64(1)
			for _, d := range t.Shape {
				p *= d
			}
			out[t.Dtype] += p
		}
		return out
	}()
	s.stMu.Lock()
	s.safetensor[sha] = counts
	s.stMu.Unlock()
	return counts
}

// handleList serves GET /api/models, /api/datasets, /api/spaces.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, t store.RepoType) {
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	author := q.Get("author")
	searches := q["search"]
	filters := q["filter"]
	full := queryBool(q.Get("full"))
	type item struct {
		info  store.RepoInfo
		head  *store.Commit
		entry map[string]any
	}
	var items []item
	for _, ri := range s.src.ListRepos(t) {
		if ri.Private && !user.CanRead(ri.Namespace()) {
			continue
		}
		if author != "" && !strings.EqualFold(ri.Namespace(), author) {
			continue
		}
		match := true
		for _, sq := range searches {
			if !strings.Contains(strings.ToLower(ri.ID), strings.ToLower(sq)) {
				match = false
			}
		}
		if !match {
			continue
		}
		head, err := s.src.Resolve(t, ri.ID, "")
		if err != nil {
			continue
		}
		full := s.repoJSON(r, ri, head, full, false)
		tags := map[string]bool{}
		for _, tg := range full["tags"].([]string) {
			tags[tg] = true
		}
		for _, f := range filters {
			for _, one := range strings.Split(f, ",") {
				if !tags[one] && !strings.EqualFold(one, ri.ID) {
					match = false
				}
			}
		}
		if match {
			items = append(items, item{info: ri, head: head, entry: full})
		}
	}
	if key := q.Get("sort"); key != "" {
		desc := q.Get("direction") != "1"
		less := func(a, b item) bool {
			switch key {
			case "lastModified", "last_modified":
				return a.head.Date.Before(b.head.Date)
			case "createdAt", "created_at":
				return a.info.CreatedAt.Before(b.info.CreatedAt)
			default: // downloads, likes, trendingScore: all zero here
				return a.info.ID < b.info.ID
			}
		}
		sort.SliceStable(items, func(i, j int) bool {
			if desc {
				return less(items[j], items[i])
			}
			return less(items[i], items[j])
		})
	}
	ex := expandValues(q)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		var e map[string]any
		switch {
		case len(ex) > 0:
			e = s.expanded(r, it.info, it.head, it.entry, ex)
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

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

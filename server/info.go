package server

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
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
		if msg := checkExpand(req.Type, ex); msg != "" {
			writeError(w, r, http.StatusBadRequest, "", msg)
			return
		}
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
		"likes":        len(ri.Likes),
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
			switch {
			case strings.HasSuffix(f.Path, ".safetensors"):
				add("safetensors")
			case strings.HasSuffix(f.Path, ".gguf"):
				add("gguf")
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
	if ri.Type == store.Dataset {
		// Dataset tags name their card key, as on the Hub (language:en,
		// task_categories:text-classification), which filters use.
		for _, k := range datasetTagKeys {
			for _, v := range stringList(card[k]) {
				add(k + ":" + v)
			}
		}
	} else {
		for _, l := range stringList(card["language"]) {
			add(l)
		}
	}
	for _, l := range stringList(card["license"]) {
		add("license:" + l)
	}
	add("region:us")
	return out
}

// datasetTagKeys are the dataset card keys the Hub turns into "key:value" tags.
var datasetTagKeys = []string{"task_categories", "task_ids", "annotations_creators", "language_creators",
	"multilinguality", "source_datasets", "language", "size_categories"}

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

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

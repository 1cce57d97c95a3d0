package server

import (
	"context"
	"encoding/binary"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

// safetensorsFile is a safetensors file of one F32 tensor of n values.
func safetensorsFile(n int) string {
	hdr := `{"w":{"dtype":"F32","shape":[` + itoaTest(n) + `],"data_offsets":[0,` + itoaTest(4*n) + `]}}`
	var b strings.Builder
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.WriteString(strings.Repeat("\x00", 4*n))
	return b.String()
}

func itoaTest(n int) string { return strconv.Itoa(n) }

// listServer seeds repos created and modified in the order given.
func listServer(t *testing.T, opts ...Option) string {
	t.Helper()
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	st, err := store.Open(t.TempDir(), store.WithClock(func() time.Time { clock = clock.Add(time.Minute); return clock }))
	if err != nil {
		t.Fatal(err)
	}
	card := func(front string) string { return "---\n" + front + "\n---\n# card\n" }
	seed(t, st, store.Model, "acme/bert", map[string]string{"README.md": card("library_name: transformers\npipeline_tag: fill-mask\nlanguage: [en, fr]\ntags: [exbert]\nlicense: mit"), "model.safetensors": safetensorsFile(10)})
	seed(t, st, store.Model, "acme/llama-gguf", map[string]string{"README.md": card("pipeline_tag: text-generation\nlanguage: en"), "q4.gguf": "GGUF"})
	seed(t, st, store.Model, "bob/gpt", map[string]string{"README.md": card("library_name: transformers\npipeline_tag: text-generation\ntags: [exbert, conversational]"), "model.safetensors": safetensorsFile(1000)})
	seed(t, st, store.Model, "bob/mlx-chat", map[string]string{"README.md": card("library_name: mlx\npipeline_tag: text-generation\ntags: [mlx]")})
	seed(t, st, store.Model, "carol/sd", map[string]string{"README.md": card("library_name: diffusers\npipeline_tag: text-to-image")})
	if _, err := st.CreateRepo(context.Background(), store.Model, "carol/gated", store.CreateOptions{Gated: "manual"}); err != nil {
		t.Fatal(err)
	}
	seed(t, st, store.Dataset, "acme/reviews", map[string]string{"README.md": card("language: [en]\ntask_categories: [text-classification]\nlicense: cc-by-4.0")})
	seed(t, st, store.Dataset, "bob/poems", map[string]string{"README.md": card("language: [fr]\ntask_categories: [text-generation]")})
	seed(t, st, store.Space, "acme/demo", map[string]string{"README.md": card("sdk: gradio\nmodels: [acme/bert]\ndatasets: [acme/reviews]")})
	seed(t, st, store.Space, "bob/static", map[string]string{"README.md": card("sdk: static")})
	ts, _ := testServer(t, st, opts...)
	return ts.URL
}

func listIDs(t *testing.T, base, path string) []string {
	t.Helper()
	var ids []string
	u := base + path
	for u != "" {
		resp, body := do(t, http.MethodGet, u, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
		}
		for _, e := range decode[[]map[string]any](t, body) {
			ids = append(ids, e["id"].(string))
		}
		u = ""
		if l := resp.Header.Get("Link"); l != "" {
			u = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
		}
	}
	return ids
}

func TestListFilters(t *testing.T) {
	base := listServer(t)
	for _, tc := range []struct {
		path string
		want []string // in order when sorted, else as a set
	}{
		{"/api/models?author=acme", []string{"acme/bert", "acme/llama-gguf"}},
		{"/api/models?author=ACME", []string{"acme/bert", "acme/llama-gguf"}},
		{"/api/models?search=GPT", []string{"bob/gpt"}},
		{"/api/models?search=a&search=gguf", []string{"acme/llama-gguf"}},
		{"/api/models?pipeline_tag=text-generation", []string{"acme/llama-gguf", "bob/gpt", "bob/mlx-chat"}},
		{"/api/models?library=transformers", []string{"acme/bert", "bob/gpt"}},
		{"/api/models?library=transformers,safetensors&pipeline_tag=fill-mask", []string{"acme/bert"}},
		{"/api/models?language=fr", []string{"acme/bert"}},
		{"/api/models?language=en", []string{"acme/bert", "acme/llama-gguf"}},
		{"/api/models?filter=exbert", []string{"acme/bert", "bob/gpt"}},
		{"/api/models?filter=exbert&filter=conversational", []string{"bob/gpt"}},
		{"/api/models?filter=exbert,license:mit", []string{"acme/bert"}},
		{"/api/models?filter=gguf", []string{"acme/llama-gguf"}},
		{"/api/models?gated=true", []string{"carol/gated"}},
		{"/api/models?gated=false&author=carol", []string{"carol/sd"}},
		{"/api/models?apps=ollama", []string{"acme/llama-gguf"}},
		{"/api/models?apps=vllm", []string{"acme/llama-gguf", "bob/gpt"}},
		{"/api/models?apps=lmstudio", []string{"acme/llama-gguf", "bob/mlx-chat"}},
		{"/api/models?apps=drawthings,mlx-lm", []string{"bob/mlx-chat", "carol/sd"}},
		{"/api/models?apps=nosuchapp", nil},
		{"/api/models?inference_provider=all", nil},
		{"/api/models?inference_provider=together,groq", nil},
		{"/api/models?inference=warm", nil},
		{"/api/models?num_parameters=min:100", []string{"bob/gpt"}},
		{"/api/models?num_parameters=min:1,max:0.5K", []string{"acme/bert"}},
		{"/api/datasets?language=en", []string{"acme/reviews"}},
		{"/api/datasets?filter=language:fr", []string{"bob/poems"}},
		{"/api/datasets?filter=task_categories:text-classification", []string{"acme/reviews"}},
		{"/api/datasets?filter=license:cc-by-4.0", []string{"acme/reviews"}},
		{"/api/spaces?models=acme/bert", []string{"acme/demo"}},
		{"/api/spaces?datasets=acme/reviews", []string{"acme/demo"}},
		{"/api/spaces?linked=true", []string{"acme/demo"}},
		{"/api/spaces?filter=static", []string{"bob/static"}},
	} {
		got := listIDs(t, base, tc.path)
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("GET %s = %v, want %v", tc.path, got, want)
		}
	}
}

func TestListSortAndPages(t *testing.T) {
	base := listServer(t, WithPageSize(2))
	all := []string{"acme/bert", "acme/llama-gguf", "bob/gpt", "bob/mlx-chat", "carol/sd", "carol/gated"} // creation order
	rev := slices.Clone(all)
	slices.Reverse(rev)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/api/models?sort=createdAt", rev},
		{"/api/models?sort=createdAt&direction=-1", rev},
		{"/api/models?sort=created_at&direction=1", all},
		{"/api/models?sort=lastModified&direction=1", []string{"acme/bert", "acme/llama-gguf", "bob/gpt", "bob/mlx-chat", "carol/sd", "carol/gated"}},
		{"/api/models?sort=id&direction=1", []string{"acme/bert", "acme/llama-gguf", "bob/gpt", "bob/mlx-chat", "carol/gated", "carol/sd"}},
		{"/api/models?sort=num_parameters&author=bob", []string{"bob/gpt", "bob/mlx-chat"}},
		{"/api/models?sort=downloads&direction=1&author=acme", []string{"acme/bert", "acme/llama-gguf"}},
	} {
		if got := listIDs(t, base, tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("GET %s = %v, want %v", tc.path, got, tc.want)
		}
	}
	// Pages of two; the next link keeps the filters and the order.
	resp, body := do(t, http.MethodGet, base+"/api/models?sort=createdAt&pipeline_tag=text-generation", nil)
	if n := len(decode[[]map[string]any](t, body)); n != 2 {
		t.Fatalf("first page: %d items, want 2", n)
	}
	next, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Link"), "<"), `>; rel="next"`))
	if err != nil || next.Query().Get("pipeline_tag") != "text-generation" || next.Query().Get("cursor") == "" || !strings.HasPrefix(next.String(), base) {
		t.Fatalf("Link %q: want an absolute next URL keeping the filters", resp.Header.Get("Link"))
	}
	// limit smaller than the page size.
	resp, body = do(t, http.MethodGet, base+"/api/models?limit=1", nil)
	if n := len(decode[[]map[string]any](t, body)); n != 1 || resp.Header.Get("Link") == "" {
		t.Fatalf("limit=1: %d items, Link %q", n, resp.Header.Get("Link"))
	}
}

func TestListBadQueries(t *testing.T) {
	base := listServer(t)
	for _, tc := range []struct{ path, want string }{
		{"/api/models?expand=nope", `"expand[0]" must be one of [author,`},
		{"/api/models?expand[]=author&expand[]=runtime", `"expand[1]" must be one of`},
		{"/api/spaces?expand=safetensors", `"safetensors" is not a property of spaces`},
		{"/api/models/acme/bert?expand=nope", `"nope" is not a property of models`},
		{"/api/models?sort=nope", `"sort" must be one of`},
		{"/api/models?limit=many", `"limit" must be a positive integer`},
		{"/api/models?gated=maybe", `"gated" must be a boolean`},
		{"/api/models?num_parameters=lots", `"num_parameters" must look like`},
		{"/api/models?inference=cold", `"inference" must be one of [warm]`},
	} {
		resp, body := do(t, http.MethodGet, base+tc.path, nil)
		if resp.StatusCode != 400 || !strings.Contains(string(body), strings.ReplaceAll(tc.want, `"`, `\"`)) {
			t.Errorf("GET %s: %d %s, want 400 with %q", tc.path, resp.StatusCode, body, tc.want)
		}
	}
	// Known expand values pass, on listings and info.
	for _, p := range []string{"/api/models?expand=gitalyUid&expand=xetEnabled&expand=pipeline_tag", "/api/datasets?expand[]=mainSize", "/api/spaces?expand=runtime", "/api/models/acme/bert?expand=inferenceProviderMapping"} {
		if resp, body := do(t, http.MethodGet, base+p, nil); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %s", p, resp.StatusCode, body)
		}
	}
}

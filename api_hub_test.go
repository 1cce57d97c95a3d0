package hfhub

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

// waits records the back-off waits of a client instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newTestClient returns a client of hub with an isolated HF_HOME and no
// real back-off sleeps (recorded in the returned *waits).
func newTestClient(t *testing.T, endpoint string, opts ...Option) (*Client, *waits) {
	t.Helper()
	home := t.TempDir()
	base := []Option{WithEnv(envMap(map[string]string{"HF_HOME": home})), WithEndpoint(endpoint)}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	c.sleep = w.sleep
	t.Cleanup(c.CloseIdleConnections) // runs before the server's Close: no idle conns to wait for
	return c, w
}

var tinyFiles = map[string][]byte{
	"config.json":       []byte(`{"model_type":"bert","architectures":["BertModel"]}`),
	"README.md":         []byte("---\nlicense: mit\n---\n# tiny\n"),
	"sub/dir/a b+c.txt": []byte("hello"),
	"weights.bin":       []byte(strings.Repeat("w", 4096)),
}

func TestModelInfo(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	m, err := c.ModelInfo(ctx, "acme/tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "acme/tiny" || !IsCommitHash(m.SHA) || len(m.Raw) == 0 {
		t.Fatalf("ModelInfo = %+v", m)
	}
	var names []string
	for _, s := range m.Siblings {
		names = append(names, s.RFilename)
	}
	for f := range tinyFiles {
		if !slices.Contains(names, f) {
			t.Errorf("siblings %v lack %q", names, f)
		}
	}

	// files metadata: sizes, blob ids and LFS info
	m, err = c.ModelInfo(ctx, "acme/tiny", &RepoInfoOptions{FilesMetadata: true, Revision: "main"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Siblings {
		if s.RFilename == "weights.bin" && (s.Size != 4096 || s.LFS == nil || len(s.LFS.SHA256) != 64) {
			t.Errorf("weights.bin sibling = %+v (want LFS info)", s)
		}
		if s.RFilename == "config.json" && (s.Size != int64(len(tinyFiles["config.json"])) || s.BlobID == "") {
			t.Errorf("config.json sibling = %+v", s)
		}
	}
	req := lastRequest(t, hub, "/api/models/acme/tiny")
	if req.Path != "/api/models/acme/tiny/revision/main" || req.Query.Get("blobs") != "true" {
		t.Errorf("request = %s ?%v", req.Path, req.Query)
	}
	if ua := req.Header.Get("User-Agent"); !strings.Contains(ua, "hfhub/"+Version) {
		t.Errorf("User-Agent = %q", ua)
	}
	if req.Header.Get("X-Amzn-Trace-Id") == "" {
		t.Errorf("no X-Amzn-Trace-Id")
	}

	// expand
	if _, err := c.ModelInfo(ctx, "acme/tiny", &RepoInfoOptions{Expand: []string{"sha", "downloads"}}); err != nil {
		t.Fatal(err)
	}
	if q := lastRequest(t, hub, "/api/models/").Query; !slices.Equal(q["expand"], []string{"sha", "downloads"}) {
		t.Errorf("expand query = %v", q)
	}
	// bad options are refused before any request
	if _, err := c.ModelInfo(ctx, "acme/tiny", &RepoInfoOptions{Expand: []string{"sha"}, FilesMetadata: true}); !errors.Is(err, ErrValidation) {
		t.Errorf("Expand+FilesMetadata error = %v", err)
	}
	if _, err := c.ModelInfo(ctx, "bad--id", nil); !errors.Is(err, ErrValidation) {
		t.Errorf("bad id error = %v", err)
	}
}

func lastRequest(t *testing.T, hub *hubtest.Server, pathPrefix string) hubtest.Request {
	t.Helper()
	reqs := hub.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasPrefix(reqs[i].Path, pathPrefix) {
			return reqs[i]
		}
	}
	t.Fatalf("no request to %s in %d requests", pathPrefix, len(reqs))
	return hubtest.Request{}
}

func TestDatasetSpaceAndRepoInfo(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/data", Files: map[string][]byte{"data/train.csv": []byte("a,b\n1,2\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "acme/app", Files: map[string][]byte{"app.py": []byte("print(1)")}}),
	)
	c, _ := newTestClient(t, hub.URL)
	d, err := c.DatasetInfo(t.Context(), "acme/data", nil)
	if err != nil || d.ID != "acme/data" || !IsCommitHash(d.SHA) {
		t.Fatalf("DatasetInfo = %+v, %v", d, err)
	}
	s, err := c.SpaceInfo(t.Context(), "acme/app", nil)
	if err != nil || s.ID != "acme/app" {
		t.Fatalf("SpaceInfo = %+v, %v", s, err)
	}
	r, err := c.RepoInfo(t.Context(), "acme/data", &RepoInfoOptions{RepoType: RepoDataset})
	if err != nil || r.ID() != "acme/data" || r.SHA() != d.SHA || len(r.Files()) == 0 || r.Dataset == nil {
		t.Fatalf("RepoInfo = %+v, %v", r, err)
	}
	// a dataset is not a model
	if _, err := c.ModelInfo(t.Context(), "acme/data", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("ModelInfo(dataset) error = %v, want ErrRepoNotFound", err)
	}
}

func TestErrorsFromHub(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/public", Files: tinyFiles}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/secret", Files: tinyFiles, Private: true}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/gated", Files: tinyFiles, Gated: "manual"}),
		hubtest.WithToken("hf_acme", "acme", hubtest.Read),
		hubtest.WithToken("hf_other", "other", hubtest.Read),
	)
	anon, _ := newTestClient(t, hub.URL)
	acme, _ := newTestClient(t, hub.URL, WithToken("hf_acme"))
	other, _ := newTestClient(t, hub.URL, WithToken("hf_other"))
	bad, _ := newTestClient(t, hub.URL, WithToken("hf_invalid"))
	ctx := t.Context()

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"missing repo", func() error { _, err := anon.ModelInfo(ctx, "acme/nope", nil); return err }, ErrRepoNotFound},
		{"missing revision", func() error {
			_, err := anon.ModelInfo(ctx, "acme/public", &RepoInfoOptions{Revision: "nope"})
			return err
		}, ErrRevisionNotFound},
		{"missing file", func() error { _, err := anon.FileMetadata(ctx, "acme/public", "nope.txt", nil); return err }, ErrEntryNotFound},
		{"missing folder", func() error {
			_, err := Collect(anon.ListRepoTree(ctx, "acme/public", &ListRepoTreeOptions{Path: "nope"}))
			return err
		}, ErrEntryNotFound},
		{"private repo without token", func() error { _, err := anon.ModelInfo(ctx, "acme/secret", nil); return err }, ErrRepoNotFound},
		{"private repo with another user's token", func() error { _, err := other.ModelInfo(ctx, "acme/secret", nil); return err }, ErrRepoNotFound},
		{"gated file without token", func() error { _, err := anon.FileMetadata(ctx, "acme/gated", "config.json", nil); return err }, ErrGatedRepo},
		{"gated file with a token lacking access", func() error {
			_, err := other.FileMetadata(ctx, "acme/gated", "config.json", nil)
			return err
		}, ErrGatedRepo},
		{"invalid token", func() error { _, err := bad.WhoAmI(ctx); return err }, ErrUnauthorized},
		{"no token for whoami", func() error { _, err := anon.WhoAmI(ctx); return err }, ErrNoToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if he, ok := errors.AsType[*HubError](err); ok {
				if he.Hint == "" || he.StatusCode < 400 || he.URL == "" {
					t.Errorf("HubError = %+v", he)
				}
				if strings.Contains(err.Error(), "hf_") {
					t.Errorf("error leaks a token: %v", err)
				}
			}
		})
	}

	// the gated error says where to ask for access, and is also "not found"
	_, err := anon.FileMetadata(ctx, "acme/gated", "config.json", nil)
	if !errors.Is(err, ErrRepoNotFound) || !strings.Contains(err.Error(), hub.URL+"/acme/gated") {
		t.Errorf("gated error = %v", err)
	}
	// EntryNotFound carries X-Repo-Commit (for .no_exist markers)
	_, err = anon.FileMetadata(ctx, "acme/public", "nope.txt", nil)
	if he, ok := errors.AsType[*HubError](err); !ok || !IsCommitHash(he.Header.Get(HeaderRepoCommit)) {
		t.Errorf("EntryNotFound without X-Repo-Commit: %v", err)
	}
	// the owner reads the private repo
	if m, err := acme.ModelInfo(ctx, "acme/secret", nil); err != nil || !m.Private {
		t.Errorf("owner ModelInfo = %+v, %v", m, err)
	}
}

func TestExistsHelpers(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/public", Files: tinyFiles}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/gated", Files: tinyFiles, Gated: "auto"}),
	)
	if err := hub.CreateBranch("model", "acme/public", "dev", ""); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	check := func(name string, got bool, err error, want bool) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	ok, err := c.RepoExists(ctx, "acme/public", nil)
	check("RepoExists(public)", ok, err, true)
	ok, err = c.RepoExists(ctx, "acme/nope", nil)
	check("RepoExists(nope)", ok, err, false)
	ok, err = c.RepoExists(ctx, "acme/public", &RepoOptions{RepoType: RepoDataset})
	check("RepoExists(public as dataset)", ok, err, false)
	ok, err = c.RepoExists(ctx, "acme/gated", nil)
	check("RepoExists(gated)", ok, err, true)
	ok, err = c.RevisionExists(ctx, "acme/public", "dev", nil)
	check("RevisionExists(dev)", ok, err, true)
	ok, err = c.RevisionExists(ctx, "acme/public", "nope", nil)
	check("RevisionExists(nope)", ok, err, false)
	ok, err = c.FileExists(ctx, "acme/public", "sub/dir/a b+c.txt", nil)
	check("FileExists(a b+c.txt)", ok, err, true)
	ok, err = c.FileExists(ctx, "acme/public", "nope", nil)
	check("FileExists(nope)", ok, err, false)
	ok, err = c.FileExists(ctx, "acme/public", "config.json", &RepoOptions{Revision: "nope"})
	check("FileExists(@nope)", ok, err, false)
	if _, err := c.FileExists(ctx, "acme/gated", "config.json", nil); !errors.Is(err, ErrGatedRepo) {
		t.Errorf("FileExists(gated) error = %v, want ErrGatedRepo", err)
	}
}

func TestListModelsPagination(t *testing.T) {
	var opts []hubtest.Option
	for _, id := range []string{"acme/m1", "acme/m2", "acme/m3", "acme/m4", "acme/m5", "other/x"} {
		opts = append(opts, hubtest.WithRepo(hubtest.Repo{ID: id, Files: map[string][]byte{"f": []byte(id)}}))
	}
	hub := hubtest.NewServer(t, append(opts, hubtest.WithPageSize(2))...)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	hub.ResetRequests()
	models, err := Collect(c.ListModels(ctx, &ListModelsOptions{ListOptions: ListOptions{Author: "acme"}}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"acme/m1", "acme/m2", "acme/m3", "acme/m4", "acme/m5"}) {
		t.Errorf("ids = %v", ids)
	}
	if n := len(hub.Requests()); n != 3 {
		t.Errorf("%d requests for 5 items at 2 per page, want 3", n)
	}

	// Limit stops early; so does breaking out of the loop.
	hub.ResetRequests()
	models, err = Collect(c.ListModels(ctx, &ListModelsOptions{ListOptions: ListOptions{Author: "acme", Limit: 3}}))
	if err != nil || len(models) != 3 {
		t.Errorf("Limit 3: %d models, %v", len(models), err)
	}
	hub.ResetRequests()
	for m, err := range c.ListModels(ctx, nil) {
		if err != nil || m.ID == "" {
			t.Fatal(m, err)
		}
		break
	}
	if n := len(hub.Requests()); n != 1 {
		t.Errorf("break after the first item made %d requests, want 1", n)
	}
	// nothing is fetched until the loop runs
	hub.ResetRequests()
	seq := c.ListModels(ctx, nil)
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("ListModels fetched %d pages before iteration", n)
	}
	all, err := Collect(seq)
	if err != nil || len(all) != 6 {
		t.Errorf("all models: %d, %v", len(all), err)
	}

	// filters reach the server with the Hub's names
	hub.ResetRequests()
	gated := false
	_, _ = Collect(c.ListModels(ctx, &ListModelsOptions{
		ListOptions: ListOptions{Search: "m", Sort: "last_modified", Direction: -1, Filter: []string{"x"}, Full: true},
		Library:     []string{"transformers"}, TrainedDataset: []string{"squad"}, PipelineTag: "fill-mask",
		Gated: &gated, CardData: true, NumParameters: "min:1B", InferenceProvider: []string{"p1", "p2"},
	}))
	q := hub.Requests()[0].Query
	for k, want := range map[string][]string{
		"search": {"m"}, "sort": {"lastModified"}, "direction": {"-1"}, "full": {"true"}, "cardData": {"true"},
		"filter": {"x", "transformers", "dataset:squad"}, "pipeline_tag": {"fill-mask"}, "gated": {"false"},
		"num_parameters": {"min:1B"}, "inference_provider": {"p1", "p2"},
	} {
		if !slices.Equal(q[k], want) {
			t.Errorf("query %s = %v, want %v", k, q[k], want)
		}
	}
	// Expand with Full is refused, as a yielded error
	_, err = Collect(c.ListModels(ctx, &ListModelsOptions{ListOptions: ListOptions{Full: true, Expand: []string{"sha"}}}))
	if !errors.Is(err, ErrValidation) {
		t.Errorf("Full+Expand error = %v", err)
	}
}

func TestListDatasetsAndSpaces(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/d1", Files: map[string][]byte{"a.csv": []byte("x")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/d2", Files: map[string][]byte{"a.csv": []byte("y")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "acme/s1", Files: map[string][]byte{"app.py": []byte("z")}}),
		hubtest.WithPageSize(1),
	)
	c, _ := newTestClient(t, hub.URL)
	ds, err := Collect(c.ListDatasets(t.Context(), &ListDatasetsOptions{ListOptions: ListOptions{Author: "acme"}}))
	if err != nil || len(ds) != 2 {
		t.Fatalf("ListDatasets = %d, %v", len(ds), err)
	}
	sp, err := Collect(c.ListSpaces(t.Context(), &ListSpacesOptions{ListOptions: ListOptions{Author: "acme"}, Models: []string{"acme/m"}}))
	if err != nil {
		t.Fatal(err)
	}
	_ = sp // the server may or may not filter by model; the query is checked below
	if q := lastRequest(t, hub, "/api/spaces").Query; q.Get("models") != "acme/m" {
		t.Errorf("spaces query = %v", q)
	}
	hub.ResetRequests()
	_, _ = Collect(c.ListDatasets(t.Context(), &ListDatasetsOptions{Language: []string{"en", "language:fr"}, TaskCategories: []string{"qa"}, Benchmark: []string{"official"}}))
	if q := hub.Requests()[0].Query; !slices.Equal(q["filter"], []string{"benchmark:official", "language:en", "language:fr", "task_categories:qa"}) {
		t.Errorf("dataset filters = %v", q["filter"])
	}
}

func TestListRepoTree(t *testing.T) {
	files := map[string][]byte{}
	for _, p := range []string{"a.txt", "b.txt", "dir/c.txt", "dir/sub/d.txt", "dir/sub/e f.txt", "model.safetensors"} {
		files[p] = []byte("content of " + p)
	}
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tree", Files: files}), hubtest.WithPageSize(2))
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	top, err := Collect(c.ListRepoTree(ctx, "acme/tree", nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range top {
		got = append(got, e.Path)
		if e.Path == "dir" && !e.IsDir() {
			t.Errorf("dir is not a directory: %+v", e)
		}
		if e.Path == "model.safetensors" && (e.LFS == nil || e.LFS.Size != e.Size) {
			t.Errorf("model.safetensors entry = %+v", e)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{".gitattributes", "a.txt", "b.txt", "dir", "model.safetensors"}) {
		t.Errorf("top level = %v", got)
	}

	hub.ResetRequests()
	sub, err := Collect(c.ListRepoTree(ctx, "acme/tree", &ListRepoTreeOptions{Path: "dir/sub", Expand: true}))
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) != 2 || sub[0].LastCommit == nil {
		t.Errorf("dir/sub = %+v", sub)
	}
	r := hub.Requests()[0]
	if r.Path != "/api/models/acme/tree/tree/main/dir%2Fsub" || r.Query.Get("expand") != "true" || r.Query.Get("recursive") != "false" {
		t.Errorf("request %s ?%v", r.Path, r.Query)
	}

	files2, err := c.ListRepoFiles(ctx, "acme/tree", nil)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files2)
	want := []string{".gitattributes", "a.txt", "b.txt", "dir/c.txt", "dir/sub/d.txt", "dir/sub/e f.txt", "model.safetensors"}
	if !slices.Equal(files2, want) {
		t.Errorf("ListRepoFiles = %v, want %v", files2, want)
	}

	// Limit
	lim, err := Collect(c.ListRepoTree(ctx, "acme/tree", &ListRepoTreeOptions{Recursive: true, Limit: 3}))
	if err != nil || len(lim) != 3 {
		t.Errorf("Limit 3: %d, %v", len(lim), err)
	}

	// PathsInfo drops missing paths
	infos, err := c.PathsInfo(ctx, "acme/tree", []string{"a.txt", "dir/sub/e f.txt", "missing"}, &PathsInfoOptions{Expand: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].OID == "" {
		t.Errorf("PathsInfo = %+v", infos)
	}
}

func TestRefsAndCommits(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/hist", Files: map[string][]byte{"a": []byte("1")}}), hubtest.WithPageSize(2))
	for i := range 4 {
		if _, err := hub.Commit("model", "acme/hist", "main", "edit "+string(rune('a'+i)), map[string][]byte{"a": {byte(i)}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := hub.CreateTag("model", "acme/hist", "v1.0", ""); err != nil {
		t.Fatal(err)
	}
	if err := hub.CreateBranch("model", "acme/hist", "dev", ""); err != nil {
		t.Fatal(err)
	}
	prNum, prCommit, err := hub.CreatePR("model", "acme/hist", map[string][]byte{"pr.txt": []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()

	refs, err := c.ListRepoRefs(ctx, "acme/hist", &ListRepoRefsOptions{IncludePullRequests: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs.Branches) != 2 || len(refs.Tags) != 1 || refs.Tags[0].Name != "v1.0" || len(refs.PullRequests) != 1 ||
		refs.PullRequests[0].Ref != "refs/pr/"+itoa(prNum) || refs.PullRequests[0].TargetCommit != prCommit {
		t.Errorf("refs = %+v", refs)
	}

	commits, err := Collect(c.ListRepoCommits(ctx, "acme/hist", nil))
	if err != nil {
		t.Fatal(err)
	}
	// initial commit + upload + 4 edits
	if len(commits) != 6 || commits[0].Title != "edit d" || commits[len(commits)-1].Title != "initial commit" {
		var titles []string
		for _, c := range commits {
			titles = append(titles, c.Title)
		}
		t.Errorf("commits = %v", titles)
	}
	// the PR revision is sent encoded
	hub.ResetRequests()
	prCommits, err := Collect(c.ListRepoCommits(ctx, "acme/hist", &ListRepoCommitsOptions{Revision: "refs/pr/" + itoa(prNum), Limit: 1}))
	if err != nil || len(prCommits) != 1 || prCommits[0].ID != prCommit {
		t.Errorf("PR commits = %+v, %v", prCommits, err)
	}
	if p := hub.Requests()[0].Path; p != "/api/models/acme/hist/commits/refs%2Fpr%2F"+itoa(prNum) {
		t.Errorf("path = %s", p)
	}
	// info at the PR revision
	m, err := c.ModelInfo(ctx, "acme/hist", &RepoInfoOptions{Revision: "refs/pr/" + itoa(prNum)})
	if err != nil || m.SHA != prCommit {
		t.Errorf("ModelInfo@PR sha = %v, %v; want %s", m, err, prCommit)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestFileMetadata(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}), hubtest.WithToken("hf_acme", "acme", hubtest.Read))
	c, _ := newTestClient(t, hub.URL, WithToken("hf_acme"))
	ctx := t.Context()
	info, err := c.ModelInfo(ctx, "acme/tiny", &RepoInfoOptions{FilesMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	blob := map[string]RepoSibling{}
	for _, s := range info.Siblings {
		blob[s.RFilename] = s
	}

	// regular file: git blob id, full size, commit
	m, err := c.FileMetadata(ctx, "acme/tiny", "config.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.CommitHash != info.SHA || m.Etag != blob["config.json"].BlobID || m.Size != int64(len(tinyFiles["config.json"])) {
		t.Errorf("config.json metadata = %+v", m)
	}
	r := lastRequest(t, hub, "/acme/tiny/resolve/")
	if r.Method != http.MethodHead || r.Header.Get("Accept-Encoding") != "identity" || r.Header.Get("Authorization") != "Bearer hf_acme" {
		t.Errorf("HEAD request = %s %v", r.Method, r.Header)
	}

	// LFS file: sha256 etag, real size, absolute Location on the content host, not followed
	hub.ResetRequests()
	m, err = c.FileMetadata(ctx, "acme/tiny", "weights.bin", &RepoOptions{Revision: info.SHA})
	if err != nil {
		t.Fatal(err)
	}
	if m.Etag != blob["weights.bin"].LFS.SHA256 || m.Size != 4096 || m.CommitHash != info.SHA || !strings.HasPrefix(m.Location, hub.ContentURL) {
		t.Errorf("weights.bin metadata = %+v (content host %s)", m, hub.ContentURL)
	}
	if n := len(hub.Requests()); n != 1 {
		t.Errorf("%d requests: the absolute redirect must not be followed", n)
	}

	// special characters are quoted like Python
	if _, err := c.FileMetadata(ctx, "acme/tiny", "sub/dir/a b+c.txt", nil); err != nil {
		t.Fatal(err)
	}
	if p := lastRequest(t, hub, "/acme/tiny/resolve/").Path; p != "/acme/tiny/resolve/main/sub/dir/a%20b%2Bc.txt" {
		t.Errorf("path = %s", p)
	}
}

func TestRenamedRepo(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "old/name", Files: tinyFiles}), hubtest.WithToken("hf_acme", "old", hubtest.Write))
	if err := hub.Rename("model", "old/name", "new/name"); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, hub.URL, WithToken("hf_acme"))
	m, err := c.ModelInfo(t.Context(), "old/name", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "new/name" {
		t.Errorf("ID = %q, want new/name", m.ID)
	}
	fm, err := c.FileMetadata(t.Context(), "old/name", "config.json", nil)
	if err != nil || fm.Size != int64(len(tinyFiles["config.json"])) {
		t.Errorf("FileMetadata through the rename = %+v, %v", fm, err)
	}
	// the relative redirect stays on the endpoint: the token follows it
	r := lastRequest(t, hub, "/api/models/new/name")
	if r.Header.Get("Authorization") != "Bearer hf_acme" {
		t.Errorf("same-origin redirect dropped Authorization")
	}
}

func TestRetries(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	ctx := t.Context()

	t.Run("two 503s then success", func(t *testing.T) {
		c, w := newTestClient(t, hub.URL)
		hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", Status: 503, Times: 2})
		if _, err := c.ModelInfo(ctx, "acme/tiny", nil); err != nil {
			t.Fatal(err)
		}
		if got := w.get(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second}) {
			t.Errorf("waits = %v, want [1s 2s]", got)
		}
	})
	t.Run("429 with Retry-After and RateLimit", func(t *testing.T) {
		c, w := newTestClient(t, hub.URL)
		hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", Status: 429, RetryAfter: 3 * time.Second, Times: 1})
		if _, err := c.ModelInfo(ctx, "acme/tiny", nil); err != nil {
			t.Fatal(err)
		}
		if got := w.get(); !slices.Equal(got, []time.Duration{4 * time.Second}) {
			t.Errorf("waits = %v, want [4s] (t+1)", got)
		}
	})
	t.Run("gives up after the retries", func(t *testing.T) {
		c, w := newTestClient(t, hub.URL, WithRetries(3, 0, 0))
		hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", Status: 500, Times: 10})
		defer hub.ClearFaults()
		_, err := c.ModelInfo(ctx, "acme/tiny", nil)
		if !errors.Is(err, ErrServer) {
			t.Fatalf("error = %v, want ErrServer", err)
		}
		if got := w.get(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}) {
			t.Errorf("waits = %v", got)
		}
	})
	t.Run("429 exhausted is ErrRateLimited", func(t *testing.T) {
		c, _ := newTestClient(t, hub.URL, WithRetries(1, 0, 0))
		hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", Status: 429, RetryAfter: time.Second, Times: 2})
		_, err := c.ModelInfo(ctx, "acme/tiny", nil)
		if he, ok := errors.AsType[*HubError](err); !ok || !errors.Is(err, ErrRateLimited) || he.RetryAfter != 2*time.Second {
			t.Fatalf("error = %#v", err)
		}
	})
	t.Run("404 is not retried", func(t *testing.T) {
		c, w := newTestClient(t, hub.URL)
		if _, err := c.ModelInfo(ctx, "acme/none", nil); !errors.Is(err, ErrRepoNotFound) {
			t.Fatal(err)
		}
		if len(w.get()) != 0 {
			t.Errorf("waits = %v", w.get())
		}
	})
	t.Run("connection dropped mid-body is retried", func(t *testing.T) {
		c, w := newTestClient(t, hub.URL)
		hub.Fail(hubtest.Fault{Match: "/api/models/acme/tiny", DropAfter: 5, Times: 1})
		m, err := c.ModelInfo(ctx, "acme/tiny", nil)
		if err != nil || m.ID != "acme/tiny" {
			t.Fatalf("ModelInfo = %v, %v", m, err)
		}
		if got := w.get(); len(got) != 1 {
			t.Errorf("waits = %v, want one retry", got)
		}
	})
}

func TestOffline(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, _ := newTestClient(t, hub.URL, WithOffline(true))
	hub.ResetRequests()
	if _, err := c.ModelInfo(t.Context(), "acme/tiny", nil); !errors.Is(err, ErrOffline) {
		t.Fatalf("error = %v, want ErrOffline", err)
	}
	if _, err := Collect(c.ListModels(t.Context(), nil)); !errors.Is(err, ErrOffline) {
		t.Fatalf("list error = %v, want ErrOffline", err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("%d requests sent in offline mode", n)
	}
}

func TestCancelledContext(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, _ := newTestClient(t, hub.URL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.ModelInfo(ctx, "acme/tiny", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestPostIsNotRetried(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, w := newTestClient(t, hub.URL)
	hub.Fail(hubtest.Fault{Match: "/api/repos/create", Status: 503, Times: 1})
	defer hub.ClearFaults()
	_, err := c.sendJSON(t.Context(), http.MethodPost, c.apiURL("repos", "create"), map[string]string{"name": "x"}, nil, nil)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("error = %v, want ErrServer", err)
	}
	if len(w.get()) != 0 {
		t.Errorf("a POST was retried: waits %v", w.get())
	}
	// PathsInfo is a read: its POST is retried
	hub.Fail(hubtest.Fault{Match: "/paths-info/", Status: 502, Times: 1})
	if _, err := c.PathsInfo(t.Context(), "acme/tiny", []string{"config.json"}, nil); err != nil {
		t.Fatal(err)
	}
	if len(w.get()) != 1 {
		t.Errorf("paths-info waits = %v, want one retry", w.get())
	}
}

func TestMetadataTimeout(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: tinyFiles}))
	c, _ := newTestClient(t, hub.URL, WithConfig(Config{EtagTimeout: 50 * time.Millisecond}), WithEndpoint(hub.URL), WithRetries(0, 0, 0))
	hub.Fail(hubtest.Fault{Match: "/resolve/", Latency: 10 * time.Second, Times: 1})
	_, err := c.FileMetadata(t.Context(), "acme/tiny", "config.json", nil)
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() || !strings.Contains(err.Error(), "HF_HUB_ETAG_TIMEOUT") {
		t.Fatalf("error = %v, want a timeout naming HF_HUB_ETAG_TIMEOUT", err)
	}
	// the next HEAD (no latency) succeeds
	if _, err := c.FileMetadata(t.Context(), "acme/tiny", "config.json", nil); err != nil {
		t.Fatal(err)
	}
}

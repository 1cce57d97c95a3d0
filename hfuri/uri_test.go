package hfuri

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	repo := func(rt RepoType, id, rev, path string) URI {
		return URI{Kind: KindRepo, RepoType: rt, ID: id, Revision: rev, Path: path}
	}
	dir := func(u URI) URI { u.Dir = true; return u }
	tests := []struct {
		in   string
		want URI
	}{
		{"hf://my-org/my-model", repo(Model, "my-org/my-model", "", "")},
		{"hf://models/my-org/my-model", repo(Model, "my-org/my-model", "", "")},
		{"hf://models/my-org/my-model/config.json", repo(Model, "my-org/my-model", "", "config.json")},
		{"hf://my-org/my-model@v1.0/config.json", repo(Model, "my-org/my-model", "v1.0", "config.json")},
		{"hf://datasets/my-org/data", repo(Dataset, "my-org/data", "", "")},
		{"hf://datasets/my-org/data/", repo(Dataset, "my-org/data", "", "")},
		{"hf://datasets/my-org/data@dev/train.csv", repo(Dataset, "my-org/data", "dev", "train.csv")},
		{"hf://datasets/my-org/data@dev/train/", dir(repo(Dataset, "my-org/data", "dev", "train"))},
		{"hf://spaces/user/app", repo(Space, "user/app", "", "")},
		{"hf://kernels/org/kern", repo(Kernel, "org/kern", "", "")},
		{"hf://datasets/org/d@refs/pr/10/data.csv", repo(Dataset, "org/d", "refs/pr/10", "data.csv")},
		{"hf://datasets/org/d@refs/pr/10", repo(Dataset, "org/d", "refs/pr/10", "")},
		{"hf://datasets/org/d@refs/convert/parquet/default/train/0.parquet", repo(Dataset, "org/d", "refs/convert/parquet", "default/train/0.parquet")},
		{"hf://org/m@refs/convert/duckdb.v1", repo(Model, "org/m", "refs/convert/duckdb.v1", "")},
		// Not a special ref: ends at the first "/".
		{"hf://org/m@refs/pr/1x/a", repo(Model, "org/m", "refs", "pr/1x/a")},
		{"hf://org/m@refs/heads/main", repo(Model, "org/m", "refs", "heads/main")},
		// Encoded revisions.
		{"hf://org/m@feature%2Ffoo/x.txt", repo(Model, "org/m", "feature/foo", "x.txt")},
		{"hf://org/m@refs%2Fpr%2F1", repo(Model, "org/m", "refs/pr/1", "")},
		{"hf://org/m@v%40x", repo(Model, "org/m", "v@x", "")},
		{"hf://org/m@100%", repo(Model, "org/m", "100%", "")},
		{"hf://org/m@a@b/c", repo(Model, "org/m", "a@b", "c")},
		// An "@" in a file name is literal.
		{"hf://org/m/file@1.txt", repo(Model, "org/m", "", "file@1.txt")},
		{"hf://org/m/dir/a@b/c", repo(Model, "org/m", "", "dir/a@b/c")},
		{"hf://org/m/a b#c?.txt", repo(Model, "org/m", "", "a b#c?.txt")},
		{"hf://org/m@0123456789abcdef0123456789abcdef01234567", repo(Model, "org/m", "0123456789abcdef0123456789abcdef01234567", "")},
		// Buckets.
		{"hf://buckets/org/b", URI{Kind: KindBucket, ID: "org/b"}},
		{"hf://buckets/org/b/sub/folder", URI{Kind: KindBucket, ID: "org/b", Path: "sub/folder"}},
		{"hf://buckets/org/b/logs/", URI{Kind: KindBucket, ID: "org/b", Path: "logs", Dir: true}},
		{"hf://buckets/org/b/a@1.txt", URI{Kind: KindBucket, ID: "org/b", Path: "a@1.txt"}},
		// Web URLs.
		{"https://huggingface.co/datasets/my-org/data/blob/main/train.csv", repo(Dataset, "my-org/data", "main", "train.csv")},
		{"https://huggingface.co/org/m", repo(Model, "org/m", "", "")},
		{"huggingface.co/org/m/resolve/v1/a/b.bin?download=true", repo(Model, "org/m", "v1", "a/b.bin")},
		{"https://hf.co/org/m/tree/main/sub", dir(repo(Model, "org/m", "main", "sub"))},
		{"https://huggingface.co/org/m/tree/main", repo(Model, "org/m", "main", "")},
		{"https://huggingface.co/org/m/tree", repo(Model, "org/m", "", "")},
		{"https://huggingface.co/org/m/blob/feature%2Ffoo/file%20name.txt#L3", repo(Model, "org/m", "feature/foo", "file name.txt")},
		{"https://huggingface.co/datasets/org/d/blob/refs%2Fconvert%2Fparquet/x", repo(Dataset, "org/d", "refs/convert/parquet", "x")},
		{"https://huggingface.co/datasets/org/d/tree/refs/convert/parquet/default", dir(repo(Dataset, "org/d", "refs/convert/parquet", "default"))},
		{"https://huggingface.co/buckets/org/b/tree/logs/2026", URI{Kind: KindBucket, ID: "org/b", Path: "logs/2026", Dir: true}},
		{"https://huggingface.co/buckets/org/b/resolve/a.txt", URI{Kind: KindBucket, ID: "org/b", Path: "a.txt"}},
		{"https://huggingface.co/buckets/org/b", URI{Kind: KindBucket, ID: "org/b"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) =\n %+v, want\n %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my-org/my-model", "does not start with hf://"},
		{"./local/path", "does not start with hf://"},
		{"hf://", "nothing after hf://"},
		{"hf://dataset/org/m", `write "datasets/", not "dataset/"`},
		{"hf://model/org/m", `write "models/", not "model/"`},
		{"hf://bucket", `write "buckets/", not "bucket/"`},
		{"hf://datasets", `nothing after "datasets"`},
		{"hf://buckets/", `nothing after "buckets"`},
		{"hf://gpt2", `NAMESPACE/NAME, got "gpt2"`},
		{"hf://datasets/squad", `NAMESPACE/NAME, got "squad"`},
		{"hf://buckets/single", "bucket id is NAMESPACE/NAME"},
		{"hf://buckets/org/b@v1", "buckets have no revisions"},
		{"hf://org/m@", "revision after \"@\" is empty"},
		{"hf://datasets/foo/bar@/x", "revision after \"@\" is empty"},
		{"hf://@main", "no repo id before \"@\""},
		{"hf://org@main", `NAMESPACE/NAME, got "org"`},
		{"hf://a/b/c@v1", ""}, // the "@" is in the path: valid, checked below
		{"hf://org/m//x", "empty segment"},
		{"hf://org/m/a/../b", `".." segment`},
		{"hf://org/m/./b", `"." segment`},
		{"hf://org/bad--name", `contains "--"`},
		{"hf://org/m.git", `ends with ".git"`},
		{"hf://org/-m", "starting or ending"},
		{"hf://org/m n", "characters other than"},
		{"hf://buckets/org/b c", "bucket id"},
		{"https://example.com/org/m", `host "example.com" is not a Hugging Face host`},
		{"https://huggingface.co/gpt2", "names no NAMESPACE/NAME"},
		{"https://huggingface.co/datasets", "names no NAMESPACE/NAME"},
		{"https://huggingface.co/org/m/commit/abc", `"/commit/" route`},
		{"https://huggingface.co/buckets/org/b/blob/x", `"/blob/" route`},
		{"https://huggingface.co/collections/org/slug", `"/slug/" route`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if tt.want == "" {
			if err != nil {
				t.Errorf("Parse(%q): %v", tt.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("Parse(%q): no error, want one containing %q", tt.in, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q): error %v is not ErrInvalid", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if !strings.Contains(err.Error(), tt.in) {
			t.Errorf("Parse(%q) error = %q does not quote the input", tt.in, err)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	got, err := ParseEndpoint("http://127.0.0.1:8080/hf/datasets/org/d/blob/dev/a.txt", "http://127.0.0.1:8080/hf")
	want := URI{Kind: KindRepo, RepoType: Dataset, ID: "org/d", Revision: "dev", Path: "a.txt"}
	if err != nil || got != want {
		t.Fatalf("ParseEndpoint = %+v, %v; want %+v", got, err, want)
	}
	if _, err := Parse("http://127.0.0.1:8080/hf/datasets/org/d"); err == nil {
		t.Fatal("Parse of a custom host without its endpoint: no error")
	}
	if got, err := ParseEndpoint("hub.local/org/m", "https://hub.local"); err != nil || got.ID != "org/m" {
		t.Fatalf("scheme-less custom host: %+v, %v", got, err)
	}
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want URI
	}{
		{"datasets/org/d@dev/train.csv", URI{Kind: KindRepo, RepoType: Dataset, ID: "org/d", Revision: "dev", Path: "train.csv"}},
		{"org/m/config.json", URI{Kind: KindRepo, RepoType: Model, ID: "org/m", Path: "config.json"}},
		{"hf://org/m", URI{Kind: KindRepo, RepoType: Model, ID: "org/m"}},
		{"buckets/org/b/x", URI{Kind: KindBucket, ID: "org/b", Path: "x"}},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePath(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "/", "hf://", "gpt2"} {
		if _, err := ParsePath(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParsePath(%q): error %v, want ErrInvalid", in, err)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hf://my-org/my-model@v1/config.json", "hf://models/my-org/my-model@v1/config.json"},
		{"hf://datasets/org/d@refs/pr/3/a/b.txt", "hf://datasets/org/d@refs/pr/3/a/b.txt"},
		{"hf://org/m@feature%2Ffoo", "hf://models/org/m@feature%2Ffoo"},
		{"hf://org/m@100%", "hf://models/org/m@100%25"},
		{"hf://org/m@refs%2Fpr%2F1x", "hf://models/org/m@refs%2Fpr%2F1x"},
		{"hf://buckets/org/b/logs/", "hf://buckets/org/b/logs/"},
		{"hf://spaces/u/s/", "hf://spaces/u/s"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		back, err := Parse(u.String())
		if err != nil || back != u {
			t.Errorf("round trip of %q: %+v, %v; want %+v", tt.in, back, err, u)
		}
	}
}

func TestWebURL(t *testing.T) {
	tests := []struct{ in, endpoint, want string }{
		{"hf://datasets/org/d@v1/train.csv", "", "https://huggingface.co/datasets/org/d/blob/v1/train.csv"},
		{"hf://org/m", "", "https://huggingface.co/org/m"},
		{"hf://org/m@dev", "http://127.0.0.1:9/", "http://127.0.0.1:9/org/m/tree/dev"},
		{"hf://org/m/a b.txt", "", "https://huggingface.co/org/m/blob/main/a%20b.txt"},
		{"hf://org/m@feature%2Fx/dir/", "", "https://huggingface.co/org/m/tree/feature%2Fx/dir"},
		{"hf://datasets/org/d@refs/convert/parquet/x", "", "https://huggingface.co/datasets/org/d/blob/refs/convert/parquet/x"},
		{"hf://buckets/org/b/logs", "", "https://huggingface.co/buckets/org/b/tree/logs"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		got := u.WebURL(tt.endpoint)
		if got != tt.want {
			t.Errorf("%q.WebURL = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseEndpoint(got, tt.endpoint)
		if err != nil || back.ID != u.ID || back.Path != u.Path || back.RepoType != u.RepoType {
			t.Errorf("WebURL %q does not parse back to %+v: %+v, %v", got, u, back, err)
		}
	}
}

func TestWithRevision(t *testing.T) {
	tests := []struct {
		in, rev       string
		wantRev, path string
		wantErr       string
	}{
		{"hf://org/m/a.txt", "dev", "dev", "a.txt", ""},
		{"hf://org/m@dev/a.txt", "", "dev", "a.txt", ""},
		{"hf://org/m@dev/a.txt", "dev", "dev", "a.txt", ""},
		{"hf://org/m@dev/a.txt", "main", "", "", `revision in the URI ("dev") and the revision given apart ("main") differ`},
		// A branch named "refs" holding pr/10: the explicit revision wins.
		{"hf://org/m@refs/pr/10", "refs", "refs", "pr/10", ""},
		{"hf://org/m@refs/pr/10/x", "refs", "refs", "pr/10/x", ""},
		{"hf://org/m@refs/pr/10", "other", "", "", "differ"},
		{"hf://buckets/o/b/x", "v1", "", "", "buckets have no revisions"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := u.WithRevision(tt.rev)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
				t.Errorf("%q.WithRevision(%q): error %v, want %q", tt.in, tt.rev, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.Revision != tt.wantRev || got.Path != tt.path {
			t.Errorf("%q.WithRevision(%q) = %+v, %v; want revision %q path %q", tt.in, tt.rev, got, err, tt.wantRev, tt.path)
		}
	}
}

func TestSplitTypePrefix(t *testing.T) {
	tests := []struct {
		in     string
		rt     RepoType
		rest   string
		prefix bool
	}{
		{"datasets/org/d", Dataset, "org/d", true},
		{"spaces/u/s", Space, "u/s", true},
		{"models/org/m", Model, "org/m", true},
		{"kernels/org/k", Kernel, "org/k", true},
		{"datasets/squad", "", "datasets/squad", false}, // the user "datasets"
		{"org/m", "", "org/m", false},
		{"gpt2", "", "gpt2", false},
		{"buckets/org/b", "", "buckets/org/b", false},
		{"dataset/org/d", "", "dataset/org/d", false},
		{"datasets/org/d/extra", Dataset, "org/d/extra", true}, // rejected later by the id rule
	}
	for _, tt := range tests {
		rt, rest, ok := SplitTypePrefix(tt.in)
		if rt != tt.rt || rest != tt.rest || ok != tt.prefix {
			t.Errorf("SplitTypePrefix(%q) = %q, %q, %v; want %q, %q, %v", tt.in, rt, rest, ok, tt.rt, tt.rest, tt.prefix)
		}
	}
}

func TestParseMount(t *testing.T) {
	tru, fal := true, false
	tests := []struct {
		in   string
		src  URI
		path string
		ro   *bool
	}{
		{"hf://org/m:/data", URI{Kind: KindRepo, RepoType: Model, ID: "org/m"}, "/data", nil},
		{"hf://datasets/org/d:/mnt:ro", URI{Kind: KindRepo, RepoType: Dataset, ID: "org/d"}, "/mnt", &tru},
		{"hf://datasets/org/d/train:/mnt:rw", URI{Kind: KindRepo, RepoType: Dataset, ID: "org/d", Path: "train"}, "/mnt", &fal},
		{"hf://buckets/org/b/sub/dir:/storage", URI{Kind: KindBucket, ID: "org/b", Path: "sub/dir"}, "/storage", nil},
		{"hf://org/m@v1:/a/b", URI{Kind: KindRepo, RepoType: Model, ID: "org/m", Revision: "v1"}, "/a/b", nil},
	}
	for _, tt := range tests {
		m, err := ParseMount(tt.in)
		if err != nil {
			t.Errorf("ParseMount(%q): %v", tt.in, err)
			continue
		}
		if m.Source != tt.src || m.Path != tt.path || (m.ReadOnly == nil) != (tt.ro == nil) || (m.ReadOnly != nil && *m.ReadOnly != *tt.ro) {
			t.Errorf("ParseMount(%q) = %+v", tt.in, m)
		}
		back, err := ParseMount(m.String())
		if err != nil || back.Source != m.Source || back.Path != m.Path {
			t.Errorf("mount round trip %q -> %q: %+v, %v", tt.in, m.String(), back, err)
		}
	}
	for in, want := range map[string]string{
		"org/m:/data":     "starts with hf://",
		"hf://org/m":      "no mount path",
		"hf://org/m:ro":   "follow a mount path",
		"hf://org/m:/":    `cannot be "/"`,
		"hf://:/data":     "nothing to mount",
		"hf://gpt2:/data": "NAMESPACE/NAME",
	} {
		_, err := ParseMount(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMount(%q): error %v, want %q", in, err, want)
		}
	}
}

func TestValidateRepoID(t *testing.T) {
	for _, ok := range []string{"gpt2", "org/m", "a_b/c.d-e"} {
		if err := ValidateRepoID(ok); err != nil {
			t.Errorf("ValidateRepoID(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a/b/c", "a--b", "x.git", "-a", "a b", strings.Repeat("n", 97)} {
		if err := ValidateRepoID(bad); err == nil {
			t.Errorf("ValidateRepoID(%q): no error", bad)
		}
	}
}

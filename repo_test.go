package hfhub

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateRepoID(t *testing.T) {
	good := []string{"gpt2", "openai-community/gpt2", "a/b.c_d-e", "A1/" + strings.Repeat("x", 96)}
	bad := []string{"", "a/b/c", "a--b", "a..b", "x.git", "-a", "a/b-", ".a/b", "a b", "a/", "/a", "a/" + strings.Repeat("x", 97), "é/x"}
	for _, id := range good {
		if err := ValidateRepoID(id); err != nil {
			t.Errorf("ValidateRepoID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range bad {
		if err := ValidateRepoID(id); !errors.Is(err, ErrValidation) {
			t.Errorf("ValidateRepoID(%q) = %v, want ErrValidation", id, err)
		}
	}
}

func TestRepoType(t *testing.T) {
	for in, want := range map[string]RepoType{"": RepoModel, "models": RepoModel, "Dataset": RepoDataset, "spaces": RepoSpace, "kernel": RepoKernel} {
		got, err := ParseRepoType(in)
		if err != nil || got != want {
			t.Errorf("ParseRepoType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseRepoType("bucket"); !errors.Is(err, ErrValidation) {
		t.Errorf("ParseRepoType(bucket) error = %v", err)
	}
	var rt RepoType
	if err := rt.UnmarshalText([]byte("space")); err != nil || rt != RepoSpace {
		t.Errorf("UnmarshalText = %v, %v", rt, err)
	}
	if b, _ := RepoDataset.MarshalText(); string(b) != "dataset" {
		t.Errorf("MarshalText = %s", b)
	}
	if RepoDataset.URLPrefix() != "datasets/" || RepoModel.URLPrefix() != "" || RepoSpace.Plural() != "spaces" {
		t.Errorf("prefixes")
	}
}

func TestURLBuilders(t *testing.T) {
	c, err := New(WithEnv(envMap(nil)), WithEndpoint("http://127.0.0.1:8080/prefix"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ got, want string }{
		{c.resolveURL(RepoModel, "gpt2", "", "config.json"), "http://127.0.0.1:8080/prefix/gpt2/resolve/main/config.json"},
		{c.resolveURL(RepoDataset, "org/ds", "refs/pr/1", "data/train 1.parquet"), "http://127.0.0.1:8080/prefix/datasets/org/ds/resolve/refs%2Fpr%2F1/data/train%201.parquet"},
		{c.apiRepoURL(RepoSpace, "org/app", "tree", QuoteRevision("v1")), "http://127.0.0.1:8080/prefix/api/spaces/org/app/tree/v1"},
		{c.repoInfoURL(RepoModel, "a/b", "refs/convert/parquet"), "http://127.0.0.1:8080/prefix/api/models/a/b/revision/refs%2Fconvert%2Fparquet"},
		{c.RepoURL(RepoDataset, "a/b"), "http://127.0.0.1:8080/prefix/datasets/a/b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestRepoFromURL(t *testing.T) {
	tests := []struct{ path, rt, id string }{
		{"/api/models/org/name", "model", "org/name"},
		{"/api/models/gpt2/revision/main", "model", "gpt2"},
		{"/api/datasets/org/ds/tree/main/x", "dataset", "org/ds"},
		{"/org/name/resolve/main/config.json", "model", "org/name"},
		{"/gpt2/resolve/main/config.json", "model", "gpt2"},
		{"/spaces/org/app/resolve/main/app.py", "space", "org/app"},
		{"/api/whoami-v2", "", ""},
	}
	for _, tt := range tests {
		rt, id := repoFromURL(tt.path)
		if rt != tt.rt || id != tt.id {
			t.Errorf("repoFromURL(%q) = %q, %q; want %q, %q", tt.path, rt, id, tt.rt, tt.id)
		}
	}
}

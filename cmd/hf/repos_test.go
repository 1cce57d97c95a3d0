package main

import (
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func newRepoHub(t *testing.T) *hubtest.Server {
	t.Helper()
	return hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-bert", Files: map[string][]byte{
			"config.json":       []byte(`{"model_type":"bert"}`),
			"weights/part1.bin": []byte("0123456789"),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-gpt", Files: map[string][]byte{"config.json": []byte(`{}`)}}),
		hubtest.WithRepo(hubtest.Repo{ID: "other/model", Files: map[string][]byte{"README.md": []byte("hi")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/squad", Files: map[string][]byte{"data/train.csv": []byte("a,b\n1,2\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "acme/demo", Files: map[string][]byte{"app.py": []byte("print(1)\n")}}),
	)
}

func TestModelsLsAndInfo(t *testing.T) {
	hub := newRepoHub(t)
	env := hfEnv(t, hub.URL)

	r := mustRun(t, env, "models", "ls", "--author", "acme", "--format", "json")
	var models []struct{ ID string }
	decodeJSON(t, r, &models)
	if len(models) != 2 || models[0].ID != "acme/tiny-bert" && models[1].ID != "acme/tiny-bert" {
		t.Errorf("models ls --author acme = %+v, want the two acme models", models)
	}
	r = mustRun(t, env, "models", "ls", "--search", "gpt", "-q")
	if strings.TrimSpace(r.stdout) != "acme/tiny-gpt" {
		t.Errorf("models ls --search gpt -q = %q, want acme/tiny-gpt", r.stdout)
	}
	r = mustRun(t, env, "models", "ls", "--limit", "1")
	if n := strings.Count(r.stdout, "\n"); n != 1 {
		t.Errorf("models ls --limit 1 printed %d lines, want 1:\n%s", n, r.stdout)
	}

	r = mustRun(t, env, "models", "info", "acme/tiny-bert", "--format", "json")
	var info struct {
		ID       string
		SHA      string
		Siblings []struct{ Rfilename string }
	}
	decodeJSON(t, r, &info)
	if info.ID != "acme/tiny-bert" || len(info.SHA) != 40 || len(info.Siblings) < 2 {
		t.Errorf("models info = %+v, want id, sha and siblings", info)
	}
	r = mustRun(t, env, "models", "info", "acme/tiny-bert")
	if !strings.Contains(r.stdout, "id\tacme/tiny-bert") || !strings.Contains(r.stdout, "config.json") {
		t.Errorf("models info (piped) =\n%s\nwant the id and the files", r.stdout)
	}

	// Error paths: a missing repo is "not found" (3); a bad flag combination is usage (2).
	r = run(t, env, "", "models", "info", "acme/missing")
	wantCode(t, r, 3, "models", "info", "acme/missing")
	r = run(t, env, "", "models", "ls", "acme/tiny-bert", "--search", "x")
	wantCode(t, r, 2, "models", "ls", "acme/tiny-bert", "--search", "x")
	r = run(t, env, "", "models", "info", "acme/tiny-bert", "--revision", "no-such-branch")
	wantCode(t, r, 3, "models", "info", "--revision", "no-such-branch")
}

func TestDatasetsAndSpaces(t *testing.T) {
	hub := newRepoHub(t)
	env := hfEnv(t, hub.URL)

	r := mustRun(t, env, "datasets", "ls", "-q")
	if strings.TrimSpace(r.stdout) != "acme/squad" {
		t.Errorf("datasets ls -q = %q, want acme/squad", r.stdout)
	}
	r = mustRun(t, env, "datasets", "info", "acme/squad", "--format", "json")
	var d struct{ ID string }
	decodeJSON(t, r, &d)
	if d.ID != "acme/squad" {
		t.Errorf("datasets info id = %q", d.ID)
	}
	r = mustRun(t, env, "datasets", "ls", "acme/squad", "-R", "-q")
	if !strings.Contains(r.stdout, "data/train.csv") {
		t.Errorf("datasets ls acme/squad -R = %q, want data/train.csv", r.stdout)
	}
	r = run(t, env, "", "datasets", "info", "acme/tiny-bert")
	wantCode(t, r, 3, "datasets", "info", "acme/tiny-bert")

	r = mustRun(t, env, "spaces", "ls", "--format", "json")
	var spaces []struct{ ID string }
	decodeJSON(t, r, &spaces)
	if len(spaces) != 1 || spaces[0].ID != "acme/demo" {
		t.Errorf("spaces ls = %+v, want acme/demo", spaces)
	}
	mustRun(t, env, "spaces", "info", "acme/demo")
	r = run(t, env, "", "spaces", "info", "acme/nope")
	wantCode(t, r, 3, "spaces", "info", "acme/nope")
}

func TestRepoTree(t *testing.T) {
	hub := newRepoHub(t)
	env := hfEnv(t, hub.URL)

	r := mustRun(t, env, "repo", "tree", "acme/tiny-bert")
	if !strings.Contains(r.stdout, "weights/\t") || !strings.Contains(r.stdout, "config.json\t21\t") {
		t.Errorf("repo tree (piped) =\n%s\nwant a folder and config.json with its size", r.stdout)
	}
	if !strings.Contains(r.stderr, "-R") {
		t.Errorf("repo tree stderr = %q, want the -R hint", r.stderr)
	}
	r = mustRun(t, env, "repo", "tree", "acme/tiny-bert", "-R", "--format", "json")
	var entries []struct {
		Path, Type string
		Size       int64
	}
	decodeJSON(t, r, &entries)
	found := false
	for _, e := range entries {
		if e.Path == "weights/part1.bin" && e.Type == "file" && e.Size == 10 {
			found = true
		}
	}
	if !found {
		t.Errorf("repo tree -R json = %+v, want weights/part1.bin (10 bytes)", entries)
	}
	r = mustRun(t, env, "repo", "tree", "acme/squad", "data", "--repo-type", "dataset", "-q")
	if strings.TrimSpace(r.stdout) != "data/train.csv" {
		t.Errorf("repo tree acme/squad data = %q", r.stdout)
	}
	r = run(t, env, "", "repo", "tree", "acme/tiny-bert", "--repo-type", "nonsense")
	wantCode(t, r, 2, "repo", "tree", "--repo-type", "nonsense")
	r = run(t, env, "", "repo", "tree", "acme/tiny-bert", "--revision", "nope")
	wantCode(t, r, 3, "repo", "tree", "--revision", "nope")
	// Offline mode is a network-class failure (5).
	r = run(t, append(env, "HF_HUB_OFFLINE=1"), "", "repo", "tree", "acme/tiny-bert")
	wantCode(t, r, 5, "repo", "tree", "(offline)")
}

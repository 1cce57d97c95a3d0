package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// The command lines below are the examples of the Python hf CLI 1.28
// (its commands' examples and docs/source/en/guides/cli.md), run as they
// are through hf against a hubtest Hub seeded with repos of the same
// names. Where an example needs something a test Hub cannot give (a
// namespace the user does not own, a real revision hash), the line says
// what was adapted. Each check looks at the result: files on disk, the
// Hub's state, the output.

const compatToken = "hf_compat_alice"

func newCompatHub(t *testing.T) *hubtest.Server {
	t.Helper()
	card := func(front, body string) []byte { return []byte("---\n" + front + "\n---\n" + body) }
	return hubtest.NewServer(t,
		hubtest.WithToken(compatToken, "alice", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "meta-llama/Llama-3.2-1B-Instruct", Files: map[string][]byte{
			"config.json":       []byte(`{"model_type":"llama"}`),
			"tokenizer.json":    []byte(`{"version":"1.0"}`),
			"model.safetensors": bytes.Repeat([]byte("s"), 3000),
			"original/w.bin":    []byte("bin"),
			"README.md":         card("pipeline_tag: text-generation\nlicense: llama3.2", "# Llama\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "google/gemma-4-31B-it", Files: map[string][]byte{
			"README.md": card("license: gemma\ntags:\n- chat", "# Gemma 4\n\nText body.\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "HuggingFaceM4/FineVision", Files: map[string][]byte{
			"art/a.txt": []byte("a"), "art/b.txt": []byte("b"), "other/c.txt": []byte("c"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "HuggingFaceH4/ultrachat_200k", Files: map[string][]byte{
			"data/train.jsonl": []byte(`{"q":"hi"}` + "\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "HuggingFaceFW/fineweb", Files: map[string][]byte{
			"README.md":         card("license: odc-by\npretty_name: FineWeb", "# FineWeb\n"),
			"data/part0.txt":    []byte("web"),
			"sample/10BT/x.txt": []byte("x"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "openai/gdpval", Files: map[string][]byte{"tasks.csv": []byte("id\n1\n")}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "mteb/leaderboard", Files: map[string][]byte{
			"README.md": card("sdk: gradio\ntitle: MTEB", "The leaderboard.\n"), "app.py": []byte("print(1)\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{Type: "space", ID: "victor/deepsite", Files: map[string][]byte{
			"index.html": []byte("<html>"), "assets/app.js": []byte("1"),
		}}),
	)
}

// splitLine splits a shell command line into words: single and double
// quotes group, $HF_TOKEN is replaced, and a leading "hf" is dropped.
func splitLine(line string) []string {
	var words []string
	var cur strings.Builder
	quote, started := byte(0), false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, started = c, true
		case c == ' ':
			if started || cur.Len() > 0 {
				words = append(words, cur.String())
			}
			cur.Reset()
			started = false
		default:
			cur.WriteByte(c)
		}
	}
	if started || cur.Len() > 0 {
		words = append(words, cur.String())
	}
	for i, w := range words {
		words[i] = strings.ReplaceAll(w, "$HF_TOKEN", compatToken)
	}
	if len(words) > 0 && words[0] == "hf" {
		words = words[1:]
	}
	return words
}

// pyLine runs one command line in dir and returns its result.
func pyLine(t *testing.T, env []string, dir, line string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), hfBin, splitLine(line)...)
	cmd.Env, cmd.Dir = env, dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

func mustLine(t *testing.T, env []string, dir, line string) result {
	t.Helper()
	r := pyLine(t, env, dir, line)
	if r.code != 0 {
		t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", line, r.code, r.stdout, r.stderr)
	}
	return r
}

// files lists the regular files under dir, slash-separated and sorted,
// skipping hf's .cache/ metadata.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && rel == ".cache" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func wantFiles(t *testing.T, line, dir string, want ...string) {
	t.Helper()
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s: files %q, want %q", line, got, want)
	}
}

func wantOut(t *testing.T, line string, r result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("%s: stdout does not contain %q:\n%s", line, w, r.stdout)
		}
	}
}

func TestPythonDocumentedDownloads(t *testing.T) {
	hub := newCompatHub(t)
	env := hfEnv(t, hub.URL)
	work := t.TempDir()
	snapshot := func(r result) string { return strings.TrimSpace(r.stdout) }

	line := "hf download meta-llama/Llama-3.2-1B-Instruct"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), ".gitattributes", "README.md", "config.json", "model.safetensors", "original/w.bin", "tokenizer.json")

	line = "hf download meta-llama/Llama-3.2-1B-Instruct config.json tokenizer.json --cache-dir ./c1"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), "config.json", "tokenizer.json")

	line = `hf download meta-llama/Llama-3.2-1B-Instruct --include "*.safetensors" --exclude "*.bin" --cache-dir ./c2`
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), "model.safetensors")

	line = "hf download meta-llama/Llama-3.2-1B-Instruct --local-dir ./models/llama"
	mustLine(t, env, work, line)
	wantFiles(t, line, filepath.Join(work, "models", "llama"), ".gitattributes", "README.md", "config.json", "model.safetensors", "original/w.bin", "tokenizer.json")

	line = "hf download HuggingFaceM4/FineVision art/ --repo-type dataset"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), "art/a.txt", "art/b.txt")

	line = "hf download hf://datasets/HuggingFaceH4/ultrachat_200k"
	dir := snapshot(mustLine(t, env, work, line))
	wantFiles(t, line, dir, ".gitattributes", "data/train.jsonl")
	if !strings.Contains(dir, "datasets--HuggingFaceH4--ultrachat_200k") {
		t.Errorf("%s: snapshot %s is not the dataset's", line, dir)
	}

	// The same forms work for the other prefixes and with a path.
	line = "hf download spaces/victor/deepsite assets/"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), "assets/app.js")
	line = "hf download hf://datasets/HuggingFaceFW/fineweb/sample/10BT/"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), "sample/10BT/x.txt")
	line = "hf download datasets/HuggingFaceFW/fineweb --repo-type model"
	r := pyLine(t, env, work, line)
	wantCode(t, r, 2, line)
	if !strings.Contains(r.stderr, "ambiguous repo type") {
		t.Errorf("%s: %s", line, r.stderr)
	}

	line = "hf download meta-llama/Llama-3.2-1B-Instruct --dry-run --cache-dir ./c3"
	r = mustLine(t, env, work, line)
	if !strings.Contains(r.stderr, "[dry-run] Will download 6 files (out of 6)") || !strings.Contains(r.stdout, "model.safetensors") {
		t.Errorf("%s:\n%s\n%s", line, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(work, "c3")); err == nil && len(files(t, filepath.Join(work, "c3"))) > 0 {
		t.Errorf("%s downloaded files", line)
	}
	line = "hf download meta-llama/Llama-3.2-1B-Instruct --max-workers 2 --cache-dir ./c4"
	wantFiles(t, line, snapshot(mustLine(t, env, work, line)), ".gitattributes", "README.md", "config.json", "model.safetensors", "original/w.bin", "tokenizer.json")

	// The cache those downloads filled, with hf cache as Python documents it.
	line = "hf cache ls"
	wantOut(t, line, mustLine(t, env, work, line), "model/meta-llama/Llama-3.2-1B-Instruct", "dataset/HuggingFaceM4/FineVision")
	line = "hf cache ls --revisions"
	wantOut(t, line, mustLine(t, env, work, line), "model/meta-llama/Llama-3.2-1B-Instruct\t", "main")
	line = `hf cache ls --filter "size>1GB" --limit 20`
	if r := mustLine(t, env, work, line); r.stdout != "" {
		t.Errorf("%s: %q, want nothing that big", line, r.stdout)
	}
	line = "hf cache ls --format json"
	var ls struct {
		Repos []struct {
			RepoID string `json:"repo_id"`
		}
	}
	decodeJSON(t, mustLine(t, env, work, line), &ls)
	if len(ls.Repos) != 5 {
		t.Errorf("%s: %d repos, want 5", line, len(ls.Repos))
	}
	line = "hf cache verify meta-llama/Llama-3.2-1B-Instruct"
	if r := mustLine(t, env, work, line); !strings.Contains(r.stderr, "no problems") {
		t.Errorf("%s: %s", line, r.stderr)
	}
	line = "hf cache verify meta-llama/Llama-3.2-1B-Instruct --local-dir ./models/llama"
	if r := mustLine(t, env, work, line); !strings.Contains(r.stderr, "Verified 6 files") {
		t.Errorf("%s: %s", line, r.stderr)
	}
	os.WriteFile(filepath.Join(work, "models", "llama", "config.json"), []byte("changed"), 0o644)
	os.WriteFile(filepath.Join(work, "models", "llama", "extra.txt"), []byte("x"), 0o644)
	line = "hf cache verify meta-llama/Llama-3.2-1B-Instruct --local-dir ./models/llama --fail-on-extra-files"
	if r := pyLine(t, env, work, line); r.code != 1 || !strings.Contains(r.stdout, "config.json\tchecksum_mismatch") || !strings.Contains(r.stdout, "extra.txt\textra") {
		t.Errorf("%s: exit %d\n%s\n%s", line, r.code, r.stdout, r.stderr)
	}
	line = "hf cache prune --dry-run"
	mustLine(t, env, work, line)
	line = "hf cache rm hf://models/meta-llama/Llama-3.2-1B-Instruct --dry-run" // Python: hf://models/openai-community/gpt2
	if r := mustLine(t, env, work, line); !strings.Contains(r.stderr, "Dry run: nothing removed") {
		t.Errorf("%s: %s", line, r.stderr)
	}
	line = "hf cache rm dataset/HuggingFaceM4/FineVision" // Python: model/gpt2; no terminal: refused
	if r := pyLine(t, env, work, line); r.code != 2 || !strings.Contains(r.stderr, "pass -y (--yes)") {
		t.Errorf("%s: exit %d %s", line, r.code, r.stderr)
	}
	line = "hf cache rm dataset/HuggingFaceM4/FineVision --yes"
	mustLine(t, env, work, line)
	if r := mustLine(t, env, work, "hf cache ls -q"); strings.Contains(r.stdout, "FineVision") {
		t.Errorf("%s: still cached:\n%s", line, r.stdout)
	}
}

func TestPythonDocumentedBrowsing(t *testing.T) {
	hub := newCompatHub(t)
	env := hfEnv(t, hub.URL)
	work := t.TempDir()

	line := "hf models card google/gemma-4-31B-it"
	if r := mustLine(t, env, work, line); r.stdout != "---\nlicense: gemma\ntags:\n- chat\n---\n# Gemma 4\n\nText body.\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf models card google/gemma-4-31B-it --metadata"
	if r := mustLine(t, env, work, line); r.stdout != "license: gemma\ntags:\n- chat\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf models card google/gemma-4-31B-it --metadata --format json"
	var meta struct {
		License string
		Tags    []string
	}
	decodeJSON(t, mustLine(t, env, work, line), &meta)
	if meta.License != "gemma" || len(meta.Tags) != 1 {
		t.Errorf("%s: %+v", line, meta)
	}
	line = "hf models card google/gemma-4-31B-it --text"
	if r := mustLine(t, env, work, line); r.stdout != "# Gemma 4\n\nText body.\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf datasets card HuggingFaceFW/fineweb --metadata --format json"
	var dmeta struct {
		PrettyName string `json:"pretty_name"`
	}
	decodeJSON(t, mustLine(t, env, work, line), &dmeta)
	if dmeta.PrettyName != "FineWeb" {
		t.Errorf("%s: %+v", line, dmeta)
	}
	line = "hf spaces card mteb/leaderboard --text"
	if r := mustLine(t, env, work, line); r.stdout != "The leaderboard.\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf models card google/gemma-4-31B-it --metadata --text"
	wantCode(t, pyLine(t, env, work, line), 2, line)

	line = "hf models info meta-llama/Llama-3.2-1B-Instruct"
	wantOut(t, line, mustLine(t, env, work, line), "id\tmeta-llama/Llama-3.2-1B-Instruct")
	line = "hf datasets info HuggingFaceFW/fineweb"
	wantOut(t, line, mustLine(t, env, work, line), "HuggingFaceFW/fineweb")
	line = "hf datasets info hf://datasets/HuggingFaceFW/fineweb"
	wantOut(t, line, mustLine(t, env, work, line), "HuggingFaceFW/fineweb")

	line = `hf models ls --search "llama" --author meta-llama`
	if r := mustLine(t, env, work, line); !strings.HasPrefix(r.stdout, "meta-llama/Llama-3.2-1B-Instruct\t") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf models ls --no-gated --author google"
	wantOut(t, line, mustLine(t, env, work, line), "google/gemma-4-31B-it")
	line = "hf models ls --sort downloads --limit 10 -q"
	if r := mustLine(t, env, work, line); strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("%s: %q, want the two models", line, r.stdout)
	}
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct"
	wantOut(t, line, mustLine(t, env, work, line), "config.json\t22\t", "original/\t")
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct -R"
	wantOut(t, line, mustLine(t, env, work, line), "original/w.bin\t3\t")
	// Python's "--tree -h": -h is --help in hf, so the long flag.
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct --tree --human-readable -R"
	wantOut(t, line, mustLine(t, env, work, line), "├── config.json", "├── original/", "│   └── w.bin", "└── tokenizer.json", "3.0K")
	line = "hf datasets ls HuggingFaceFW/fineweb -R"
	wantOut(t, line, mustLine(t, env, work, line), "sample/10BT/x.txt")
	line = "hf spaces ls victor/deepsite -R"
	wantOut(t, line, mustLine(t, env, work, line), "assets/app.js", "index.html")
	line = "hf spaces ls victor/deepsite --tree -q"
	if r := mustLine(t, env, work, line); r.stdout != "├── .gitattributes\n├── assets/\n└── index.html\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct --json"
	var tree []struct{ Path string }
	decodeJSON(t, mustLine(t, env, work, line), &tree)
	if len(tree) != 6 {
		t.Errorf("%s: %+v", line, tree)
	}
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct --json --format table"
	if r := pyLine(t, env, work, line); r.code != 2 || !strings.Contains(r.stderr, "mutually exclusive") {
		t.Errorf("%s: exit %d %s", line, r.code, r.stderr)
	}
	line = "hf models ls meta-llama/Llama-3.2-1B-Instruct --format quiet"
	if r := mustLine(t, env, work, line); !strings.Contains(r.stdout, "\nREADME.md\n") || strings.Contains(r.stdout, "\t") {
		t.Errorf("%s: %q", line, r.stdout)
	}
}

func TestPythonDocumentedAuthAndRepos(t *testing.T) {
	hub := newCompatHub(t)
	env := hfEnv(t, hub.URL)
	work := t.TempDir()

	line := "hf auth login --token $HF_TOKEN"
	mustLine(t, env, work, line)
	line = "hf auth whoami"
	wantOut(t, line, mustLine(t, env, work, line), "alice")
	line = "hf auth whoami --format json"
	var who struct{ Name string }
	decodeJSON(t, mustLine(t, env, work, line), &who)
	if who.Name != "alice" {
		t.Errorf("%s: %+v", line, who)
	}
	line = "hf auth list"
	wantOut(t, line, mustLine(t, env, work, line), "*")
	line = "hf auth token"
	if r := mustLine(t, env, work, line); r.stdout != compatToken+"\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}

	// Python's examples create "my-model" in the caller's namespace; the
	// later ones need the full id, so every line here uses alice/….
	for _, line := range []string{
		"hf repos create alice/my-model",
		"hf repos create alice/my-dataset --repo-type dataset --private",
		"hf repos branch create alice/my-model dev",
		`hf repos tag create alice/my-model v1.0 -m "First release"`,
	} {
		mustLine(t, env, work, line)
	}
	line = "hf repos ls"
	if r := mustLine(t, env, work, line); !strings.Contains(r.stdout, "alice/my-model\tmodel\t") || !strings.Contains(r.stdout, "alice/my-dataset\tdataset\t") || !strings.Contains(r.stdout, "\tprivate") {
		t.Errorf("%s:\n%s", line, r.stdout)
	}
	line = "hf repos ls --namespace meta-llama --search llama"
	if r := mustLine(t, env, work, line); !strings.HasPrefix(r.stdout, "meta-llama/Llama-3.2-1B-Instruct\tmodel\t") {
		t.Errorf("%s:\n%s", line, r.stdout)
	}
	line = "hf repos ls --repo-type dataset -q"
	if r := mustLine(t, env, work, line); r.stdout != "alice/my-dataset\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf repos tag list alice/my-model"
	wantOut(t, line, mustLine(t, env, work, line), "v1.0")
	line = "hf repos tag delete alice/my-model v1.0"
	if r := pyLine(t, env, work, line); r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("%s without a terminal: exit %d %s", line, r.code, r.stderr)
	}
	mustLine(t, env, work, line+" --yes")
	if r := mustLine(t, env, work, "hf repos tag list alice/my-model"); strings.Contains(r.stdout, "v1.0") {
		t.Errorf("tag v1.0 still listed: %s", r.stdout)
	}
	line = "hf repos branch delete alice/my-model dev -y"
	mustLine(t, env, work, line)

	// Uploads, as UPLOAD_EXAMPLES (Wauplin/ becomes alice/).
	os.MkdirAll(filepath.Join(work, "models"), 0o755)
	os.WriteFile(filepath.Join(work, "models", "model.safetensors"), bytes.Repeat([]byte("m"), 2000), 0o644)
	os.WriteFile(filepath.Join(work, "models", "config.json"), []byte(`{}`), 0o644)
	os.MkdirAll(filepath.Join(work, "data"), 0o755)
	os.WriteFile(filepath.Join(work, "data", "rows.csv"), []byte("a\n1\n"), 0o644)
	line = "hf upload alice/my-cool-model ./models/model.safetensors"
	mustLine(t, env, work, line)
	line = "hf upload alice/my-cool-dataset ./data /train --repo-type=dataset"
	mustLine(t, env, work, line)
	line = `hf upload alice/my-cool-model ./models . --commit-message="Epoch 34/50" --commit-description="Val accuracy: 68%"`
	mustLine(t, env, work, line)
	line = "hf models ls alice/my-cool-model -q"
	if r := mustLine(t, env, work, line); r.stdout != ".gitattributes\nconfig.json\nmodel.safetensors\n" {
		t.Errorf("%s: %q", line, r.stdout)
	}
	line = "hf datasets ls alice/my-cool-dataset -R -q"
	wantOut(t, line, mustLine(t, env, work, line), "train/rows.csv")
	line = "hf upload hf://datasets/alice/my-cool-dataset/extra ./data"
	mustLine(t, env, work, line)
	wantOut(t, line, mustLine(t, env, work, "hf datasets ls alice/my-cool-dataset -R -q"), "extra/rows.csv")
	mustLine(t, env, work, "hf repos branch create alice/my-cool-model v1.0") // the example needs the branch
	line = "hf upload-large-folder alice/my-cool-model ./models --revision v1.0"
	mustLine(t, env, work, line)
	wantOut(t, line, mustLine(t, env, work, "hf models ls alice/my-cool-model --revision v1.0 -q"), "config.json")

	line = `hf repos delete-files alice/my-cool-model "*.json"`
	mustLine(t, env, work, line)
	if r := mustLine(t, env, work, "hf models ls alice/my-cool-model -q"); strings.Contains(r.stdout, "config.json") {
		t.Errorf("%s: config.json still there:\n%s", line, r.stdout)
	}
	line = "hf repo-files delete alice/my-cool-model model.safetensors"
	mustLine(t, env, work, line)
	if r := mustLine(t, env, work, "hf models ls alice/my-cool-model -q"); strings.Contains(r.stdout, "model.safetensors") {
		t.Errorf("%s: still there:\n%s", line, r.stdout)
	}

	line = "hf repos settings alice/my-model --private"
	mustLine(t, env, work, line)
	var info struct{ Private bool }
	decodeJSON(t, mustLine(t, env, work, "hf models info alice/my-model --format json"), &info)
	if !info.Private {
		t.Errorf("%s: the repo is not private", line)
	}
	line = "hf repos settings alice/my-model --gated auto"
	mustLine(t, env, work, line)

	line = "hf repos duplicate openai/gdpval --type dataset"
	wantOut(t, line, mustLine(t, env, work, line), "/datasets/alice/gdpval")
	line = "hf datasets ls alice/gdpval -q"
	wantOut(t, line, mustLine(t, env, work, line), "tasks.csv")

	line = "hf repos move alice/my-model alice/my-model-2" // Python: old-namespace/my-model new-namespace/my-model
	mustLine(t, env, work, line)
	line = "hf repos delete alice/my-model-2"
	if r := pyLine(t, env, work, line); r.code != 2 || !strings.Contains(r.stderr, "pass -y (--yes)") {
		t.Errorf("%s without a terminal and -y: exit %d %s", line, r.code, r.stderr)
	}
	mustLine(t, env, work, "hf models info alice/my-model-2") // still there
	mustLine(t, env, work, line+" --yes")
	if r := pyLine(t, env, work, "hf models info alice/my-model-2"); r.code != 3 {
		t.Errorf("%s --yes: the repo is still there (exit %d)", line, r.code)
	}

	line = "hf auth logout"
	mustLine(t, env, work, line)
	if r := pyLine(t, env, work, "hf auth token"); r.code != 4 {
		t.Errorf("hf auth token after logout: exit %d %s", r.code, r.stdout)
	}
}

// TestUploadEveryStopsOnInterrupt runs `hf upload --every` as Python
// documents it, changes the folder, and stops it with Ctrl-C (SIGINT): the
// last change is committed and hf exits 0.
func TestUploadEveryStopsOnInterrupt(t *testing.T) {
	hub := newCompatHub(t)
	env := hfEnv(t, hub.URL, "HF_TOKEN="+compatToken)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "log1.txt"), []byte("one"), 0o644)
	cmd := exec.CommandContext(t.Context(), hfBin, "upload", "alice/logs", dir, "--every", "60")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first commit, then change the folder and interrupt.
	buf := make([]byte, 4096)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "Committed ") {
		n, err := stderr.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("hf upload --every ended before its first commit: %v\n%s", err, seen.String())
		}
	}
	os.WriteFile(filepath.Join(dir, "log2.txt"), []byte("two"), 0o644)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest := new(bytes.Buffer)
	rest.ReadFrom(stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("hf upload --every after Ctrl-C: %v\n%s%s", err, seen.String(), rest)
	}
	if !strings.Contains(rest.String(), "Stopped scheduled commits.") {
		t.Errorf("stderr after Ctrl-C: %q", rest)
	}
	r := mustRun(t, hfEnv(t, hub.URL, "HF_TOKEN="+compatToken), "models", "ls", "alice/logs", "-q")
	if r.stdout != ".gitattributes\nlog1.txt\nlog2.txt\n" {
		t.Errorf("files after the stop: %q", r.stdout)
	}
	var commits int
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, "/commit/") {
			commits++
		}
	}
	if commits != 2 {
		t.Errorf("stdout has %d commit URLs, want 2 (the first round and the last):\n%s", commits, out.String())
	}
}

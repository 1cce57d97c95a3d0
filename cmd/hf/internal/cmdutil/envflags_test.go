package cmdutil

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub"
)

func TestParseDotenv(t *testing.T) {
	env := func(k string) (string, bool) {
		if k == "HOME_DIR" {
			return "/home/a", true
		}
		return "", false
	}
	got, err := ParseDotenv(`# comment
A=1
export B = two words  # trailing comment
C="line\nnext \"q\""
D='single \'x\''
HOME_DIR
MISSING
E=
F=#not-a-comment-start
`, env)
	if err != nil {
		t.Fatal(err)
	}
	want := []hfhub.SpaceKeyValue{
		{Key: "A", Value: "1"}, {Key: "B", Value: "two words"}, {Key: "C", Value: "line\nnext \"q\""},
		{Key: "D", Value: "single 'x'"}, {Key: "HOME_DIR", Value: "/home/a"}, {Key: "E"}, {Key: "F"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDotenv =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := ParseDotenv("1BAD=x", env); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad key: %v", err)
	}
}

func TestEnvFlagsParse(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(file, []byte("A=from-file\nB=b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := EnvFlags{Env: []string{"A=flag", "C=c"}, EnvFile: file, Secrets: []string{"HF_TOKEN", "S=1"}}
	vars, secrets, err := e.Parse(func(string) string { return "" }, "hf_tok")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vars, []hfhub.SpaceKeyValue{{Key: "A", Value: "flag"}, {Key: "B", Value: "b"}, {Key: "C", Value: "c"}}) {
		t.Errorf("vars = %+v", vars)
	}
	if !reflect.DeepEqual(secrets, []hfhub.SpaceKeyValue{{Key: "HF_TOKEN", Value: "hf_tok"}, {Key: "S", Value: "1"}}) {
		t.Errorf("secrets = %+v", secrets)
	}
	e = EnvFlags{EnvFile: filepath.Join(t.TempDir(), "missing")}
	if _, _, err := e.Parse(func(string) string { return "" }, ""); err == nil {
		t.Error("missing --env-file: no error")
	}
}

func TestParseVolumes(t *testing.T) {
	ro := true
	got, err := ParseVolumes([]string{"hf://datasets/org/d/train:/data:ro", "hf://buckets/org/b:/mnt", "hf://org/m@v1:/models"})
	if err != nil {
		t.Fatal(err)
	}
	want := []hfhub.Volume{
		{Type: "dataset", Source: "org/d", Path: "train", MountPath: "/data", ReadOnly: &ro},
		{Type: "bucket", Source: "org/b", MountPath: "/mnt"},
		{Type: "model", Source: "org/m", Revision: "v1", MountPath: "/models"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseVolumes =\n%+v\nwant\n%+v", got, want)
	}
	if _, err := ParseVolumes([]string{"org/m:/data"}); err == nil {
		t.Error("a mount without hf://: no error")
	}
}

package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

func TestPreuploadShouldIgnore(t *testing.T) {
	base, st := writeServer(t)
	ask := func(extra string) map[string]bool {
		t.Helper()
		body := `{"files":[{"path":"a.txt","sample":"YQ==","size":1},{"path":"debug.log","sample":"","size":0},
		  {"path":"out/w.bin","sample":"","size":0},{"path":"keep.log","sample":"","size":0}]` + extra + `}`
		resp, data := do(t, http.MethodPost, base+"/api/models/alice/r/preupload/main", strings.NewReader(body), "Authorization", "Bearer "+wTok)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, data)
		}
		var ans struct {
			Files []struct {
				Path         string `json:"path"`
				ShouldIgnore *bool  `json:"shouldIgnore"`
			} `json:"files"`
		}
		if err := json.Unmarshal(data, &ans); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, f := range ans.Files {
			if f.ShouldIgnore == nil {
				t.Fatalf("%s: no shouldIgnore in %s", f.Path, data)
			}
			out[f.Path] = *f.ShouldIgnore
		}
		return out
	}
	// No .gitignore in the repo: nothing is ignored.
	if got := ask(""); got["debug.log"] || got["out/w.bin"] {
		t.Fatalf("without .gitignore: %v", got)
	}
	// The repo's .gitignore at the revision decides.
	before, _ := st.Resolve(store.Model, "alice/r", "main")
	if err := st.CreateBranch(context.Background(), store.Model, "alice/r", "old", before.ID); err != nil {
		t.Fatal(err)
	}
	seed(t, st, store.Model, "alice/r", map[string]string{".gitignore": "*.log\n!keep.log\nout/\n"})
	got := ask("")
	if got["a.txt"] || !got["debug.log"] || !got["out/w.bin"] || got["keep.log"] {
		t.Fatalf("with the repo's .gitignore: %v", got)
	}
	// A .gitignore sent with the request (the commit adds one) replaces it.
	got = ask(`,"gitIgnore":"a.txt\n"`)
	if !got["a.txt"] || got["debug.log"] || got["out/w.bin"] {
		t.Fatalf("with gitIgnore in the request: %v", got)
	}
	if got = ask(`,"gitIgnore":""`); got["debug.log"] {
		t.Fatalf("an empty gitIgnore in the request: %v", got)
	}
	// A revision without the .gitignore ignores nothing.
	for rev, want := range map[string]bool{"main": true, "old": false} {
		resp, data := do(t, http.MethodPost, base+"/api/models/alice/r/preupload/"+rev, strings.NewReader(`{"files":[{"path":"x.log","sample":"","size":0}]}`),
			"Authorization", "Bearer "+wTok)
		if resp.StatusCode != 200 || strings.Contains(string(data), `"shouldIgnore":true`) != want {
			t.Fatalf("x.log on %s: %d %s", rev, resp.StatusCode, data)
		}
	}
}

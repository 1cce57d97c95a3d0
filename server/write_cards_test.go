package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestValidateYAML(t *testing.T) {
	base, _ := writeServer(t)
	url := base + "/api/validate-yaml"
	type issue struct {
		Message string `json:"message"`
	}
	type answer struct {
		Errors   []issue `json:"errors"`
		Warnings []issue `json:"warnings"`
	}
	json := []string{"Content-Type", "application/json"}
	for _, tc := range []struct {
		name, body string
		status     int
		errs       []string
		warns      int
	}{
		{"valid", `{"content":"---\nlicense: mit\n---\n# x","repoType":"model"}`, 200, nil, 0},
		{"no repo type", `{"content":"---\nlicense: mit\n---\n"}`, 200, nil, 0},
		{"no metadata", `{"content":"just text","repoType":"model"}`, 200, nil, 1},
		{"bad yaml", `{"content":"---\nlicense: [mit\n---\n","repoType":"model"}`, 400, []string{"not valid YAML"}, 0},
		{"license ints", `{"content":"---\nlicense: [1, 2]\n---\n","repoType":"model"}`, 400, []string{`"license[0]" must be one of`, `"license[1]" must be one of`}, 0},
		{"tags int", `{"content":"---\ntags: 3\n---\n","repoType":"dataset"}`, 400, []string{`"tags" must be an array`}, 0},
		{"space sdk", `{"content":"---\nsdk: rust\n---\n","repoType":"space"}`, 400, []string{`"sdk" must be one of`}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, http.MethodPost, url, strings.NewReader(tc.body), json...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, body, tc.status)
			}
			a := decode[answer](t, body)
			if a.Errors == nil || a.Warnings == nil {
				t.Fatalf("body %s: errors and warnings must be lists", body)
			}
			if len(a.Errors) != len(tc.errs) || len(a.Warnings) != tc.warns {
				t.Fatalf("body %s, want %d errors and %d warnings", body, len(tc.errs), tc.warns)
			}
			for i, want := range tc.errs {
				if !strings.Contains(a.Errors[i].Message, want) {
					t.Errorf("error %d = %q, want %q", i, a.Errors[i].Message, want)
				}
			}
		})
	}
	// RepoCard.validate asks for text/plain and shows the body as is.
	resp, body := do(t, http.MethodPost, url, strings.NewReader(`{"content":"---\nlicense: asdf\n---\n","repoType":"model"}`),
		"Content-Type", "application/json", "Accept", "text/plain")
	if resp.StatusCode != 400 || !strings.HasPrefix(string(body), `- Error: "license" must be one of`) {
		t.Fatalf("text answer %d %q", resp.StatusCode, body)
	}
	// Malformed requests.
	for _, b := range []string{`{"repoType":"model"}`, `not json`, `{"content":"x","repoType":"bucket"}`} {
		if resp, body := do(t, http.MethodPost, url, strings.NewReader(b), json...); resp.StatusCode != 400 {
			t.Errorf("%s: status %d (%s), want 400", b, resp.StatusCode, body)
		}
	}
	if resp, _ := do(t, http.MethodPost, url, strings.NewReader(`{"content":"x"}`), "Authorization", "Bearer hf_unknown"); resp.StatusCode != 401 {
		t.Errorf("unknown token: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := do(t, http.MethodGet, url, nil); resp.StatusCode != 405 && resp.StatusCode != 404 {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

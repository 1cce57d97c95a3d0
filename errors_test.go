package hfhub

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrorMapping drives every rule of spec §5.2 through a loopback server
// that answers the crafted status and headers of each case.
func TestErrorMapping(t *testing.T) {
	type answer struct {
		status int
		code   string
		msg    string
		body   string
		header map[string]string
	}
	cases := map[string]answer{
		"/api/models/a/b":             {status: 404, code: "RepoNotFound", body: `{"error":"Repository not found"}`},
		"/api/models/a/b/revision/x":  {status: 404, code: "RevisionNotFound"},
		"/a/b/resolve/main/f":         {status: 404, code: "EntryNotFound", header: map[string]string{"X-Repo-Commit": strings.Repeat("a", 40)}},
		"/api/models/gated/m":         {status: 403, code: "GatedRepo", msg: "Access to model gated/m is restricted"},
		"/api/models/dis/abled":       {status: 403, msg: "Access to this resource is disabled."},
		"/api/models/anon/private":    {status: 401, msg: "Invalid username or password."},
		"/api/models/bad/token":       {status: 401, msg: "Invalid credentials in Authorization header"},
		"/api/whoami-v2":              {status: 401, body: `{"error":"Invalid user token"}`},
		"/api/models/x/y/commit/main": {status: 400, body: `{"error":"bad","error_description":"really"}`},
		"/api/models/x/y/settings":    {status: 403, body: `{"errors":[{"message":"no write access"}]}`},
		"/api/repos/create":           {status: 409, body: `{"error":"You already created this model repo"}`},
		"/x/y/resolve/main/big":       {status: 416, header: map[string]string{"Content-Range": "bytes */10"}},
		"/api/models/slow/down":       {status: 429, header: map[string]string{"RateLimit": `"api";r=0;t=55`}},
		"/api/models/boom/x":          {status: 500, body: "<html>oops</html>"},
		"/api/models/teapot/x":        {status: 418, body: "short and stout"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := cases[r.URL.Path]
		if !ok {
			t.Errorf("unexpected request %s", r.URL.Path)
			return
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.code != "" {
			w.Header().Set("X-Error-Code", a.code)
		}
		if a.msg != "" {
			w.Header().Set("X-Error-Message", a.msg)
		}
		w.Header().Set("X-Request-Id", "req-123")
		if strings.HasPrefix(a.body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv.URL, WithRetries(0, 0, 0))

	tests := []struct {
		path     string
		want     error
		wantText string
	}{
		{"/api/models/a/b", ErrRepoNotFound, "Repository not found"},
		{"/api/models/a/b/revision/x", ErrRevisionNotFound, "check the revision"},
		{"/a/b/resolve/main/f", ErrEntryNotFound, "check the file path"},
		{"/api/models/gated/m", ErrGatedRepo, "request access at " + srv.URL + "/gated/m"},
		{"/api/models/dis/abled", ErrDisabledRepo, "disabled"},
		{"/api/models/anon/private", ErrRepoNotFound, "hf auth login"},
		{"/api/models/bad/token", ErrUnauthorized, "Invalid credentials"},
		{"/api/whoami-v2", ErrUnauthorized, "Invalid user token"},
		{"/api/models/x/y/commit/main", ErrBadRequest, "bad: really"},
		{"/api/models/x/y/settings", ErrForbidden, "no write access"},
		{"/api/repos/create", ErrConflict, "already created"},
		{"/x/y/resolve/main/big", ErrRangeNotSatisfiable, "bytes=5-"},
		{"/api/models/slow/down", ErrRateLimited, "wait 56s"},
		{"/api/models/boom/x", ErrServer, "500 Internal Server Error"},
		{"/api/models/teapot/x", nil, "short and stout"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, err := c.newRequest(t.Context(), http.MethodGet, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Range", "bytes=5-")
			_, err = c.do(req, nil)
			he, ok := errors.AsType[*HubError](err)
			if !ok {
				t.Fatalf("error = %v, want *HubError", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) || tt.want == nil && he.Kind() != nil {
				t.Errorf("error %v: kind %v, want %v", err, he.Kind(), tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("Error() = %q, want it to contain %q", err.Error(), tt.wantText)
			}
			if he.RequestID != "req-123" || !strings.Contains(err.Error(), "req-123") {
				t.Errorf("request id missing: %q", err.Error())
			}
			if strings.Contains(err.Error(), "<html>") {
				t.Errorf("HTML body in the message: %q", err.Error())
			}
		})
	}
	// a gated repo is also "not found", a disabled one is not
	_, err := c.getJSON(t.Context(), srv.URL+"/api/models/gated/m", nil, nil)
	if !errors.Is(err, ErrRepoNotFound) || !errors.Is(err, ErrGatedRepo) {
		t.Errorf("gated: %v", err)
	}
	_, err = c.getJSON(t.Context(), srv.URL+"/api/models/dis/abled", nil, nil)
	if errors.Is(err, ErrRepoNotFound) {
		t.Errorf("disabled is not not-found: %v", err)
	}
}

func TestSanitizeURL(t *testing.T) {
	got := sanitizeURL("https://user:pw@cdn.example/x?Signature=abc&Key-Pair-Id=k&token=t&a=1")
	if strings.Contains(got, "pw") || strings.Contains(got, "abc") || strings.Contains(got, "=t&") || !strings.Contains(got, "a=1") {
		t.Errorf("sanitizeURL = %q", got)
	}
}

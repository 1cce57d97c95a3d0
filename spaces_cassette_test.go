package hfhub

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// cassette is a VCR recording of huggingface_hub's test suite
// (testdata/recorded/spaces, from the shared fixtures).
type cassette struct {
	Interactions []struct {
		Request struct {
			Method string  `yaml:"method"`
			URI    string  `yaml:"uri"`
			Body   *string `yaml:"body"`
		} `yaml:"request"`
		Response struct {
			Status struct {
				Code int `yaml:"code"`
			} `yaml:"status"`
			Body struct {
				String string `yaml:"string"`
			} `yaml:"body"`
		} `yaml:"response"`
	} `yaml:"interactions"`
}

// replayed is one recorded exchange the replay server expects.
type replayed struct {
	method, path, query string
	body                any // decoded JSON, nil when none
	status              int
	resp                string
}

// replayServer answers the Spaces runtime exchanges of a cassette in the
// recorded order, and records every mismatch between what the client sent
// and what Python sent. The repo setup around them (create, upload,
// delete) belongs to other tests and is left out.
type replayServer struct {
	t    *testing.T
	url  string
	mu   sync.Mutex
	want []replayed
	next int
}

func newReplayServer(t *testing.T, name string) *replayServer {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "recorded", "spaces", name))
	if err != nil {
		t.Fatal(err)
	}
	var c cassette
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rs := &replayServer{t: t}
	for _, it := range c.Interactions {
		u, err := url.Parse(it.Request.URI)
		if err != nil {
			t.Fatal(err)
		}
		p := u.Path
		if !strings.HasPrefix(p, "/api/spaces/") || strings.Contains(p, "/preupload/") || strings.Contains(p, "/commit/") || strings.Contains(p, "/revision/") {
			continue
		}
		r := replayed{method: it.Request.Method, path: p, query: u.RawQuery, status: it.Response.Status.Code, resp: it.Response.Body.String}
		if it.Request.Body != nil {
			if err := json.Unmarshal([]byte(*it.Request.Body), &r.body); err != nil {
				t.Fatalf("%s: request body %q: %v", name, *it.Request.Body, err)
			}
		}
		rs.want = append(rs.want, r)
	}
	srv := httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(srv.Close)
	rs.url = srv.URL
	t.Cleanup(func() {
		if rs.next != len(rs.want) {
			t.Errorf("%s: %d of %d recorded exchanges were not requested; next: %s %s", name, len(rs.want)-rs.next, len(rs.want), rs.want[rs.next].method, rs.want[rs.next].path)
		}
	})
	return rs
}

func (rs *replayServer) serve(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.next >= len(rs.want) {
		rs.t.Errorf("unexpected request %s %s: the cassette has no more exchanges", r.Method, r.URL)
		http.Error(w, "no more recorded exchanges", http.StatusTeapot)
		return
	}
	want := rs.want[rs.next]
	rs.next++
	var got any
	body, _ := io.ReadAll(r.Body)
	if len(body) > 0 {
		if err := json.Unmarshal(body, &got); err != nil {
			rs.t.Errorf("%s %s: body %q is not JSON: %v", r.Method, r.URL.Path, body, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			rs.t.Errorf("%s %s: Content-Type = %q", r.Method, r.URL.Path, ct)
		}
	}
	if r.Method != want.method || r.URL.Path != want.path || r.URL.RawQuery != want.query || !reflect.DeepEqual(got, want.body) {
		rs.t.Errorf("request %d = %s %s?%s %s, recorded %s %s?%s %v", rs.next, r.Method, r.URL.Path, r.URL.RawQuery, body, want.method, want.path, want.query, want.body)
	}
	if r.Header.Get("Authorization") != "Bearer "+writeToken {
		rs.t.Errorf("%s %s: Authorization = %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(want.status)
	io.WriteString(w, want.resp)
}

// covered checks that every key of a recorded runtime is modelled.
func coveredRuntime(t *testing.T, raw string) {
	t.Helper()
	var generic any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		t.Fatal(err)
	}
	assertCovered(t, "runtime", generic, reflect.TypeFor[SpaceRuntime]())
}

func TestReplaySpaceRuntime(t *testing.T) {
	rs := newReplayServer(t, "TestSpaceAPIProduction.test_space_runtime.yaml")
	c, _ := newTestClient(t, rs.url, WithToken(writeToken))
	rt, err := c.SpaceRuntime(t.Context(), "user/tmp_test_space")
	if err != nil {
		t.Fatal(err)
	}
	d, sleeps := rt.SleepTime()
	if rt.Stage != SpaceBuilding || rt.CurrentHardware() != "" || rt.RequestedHardware() != "cpu-basic" || !sleeps || d != 48*time.Hour ||
		rt.Replicas == nil || rt.Replicas.Requested != 1 || rt.DevMode || rt.StorageTier() != "" ||
		len(rt.Domains) != 1 || rt.Domains[0].Domain != "user-tmp-test-space.hf.space" || rt.Domains[0].Stage != "READY" {
		t.Errorf("runtime = %+v", rt)
	}
	coveredRuntime(t, rs.want[0].resp)
}

func TestReplayStaticSpaceRuntime(t *testing.T) {
	rs := newReplayServer(t, "TestSpaceAPIProduction.test_static_space_runtime.yaml")
	c, _ := newTestClient(t, rs.url, WithToken(writeToken))
	rt, err := c.SpaceRuntime(t.Context(), "victor/static-space")
	if err != nil {
		t.Fatal(err)
	}
	if _, sleeps := rt.SleepTime(); rt.Stage != SpaceRunning || rt.CurrentHardware() != "" || rt.RequestedHardware() != "" || sleeps ||
		rt.Replicas == nil || rt.Replicas.Current != 1 || rt.Replicas.Requested != 1 {
		t.Errorf("runtime = %+v", rt)
	}
	coveredRuntime(t, rs.want[0].resp)
}

func TestReplayPauseAndRestartSpace(t *testing.T) {
	rs := newReplayServer(t, "TestSpaceAPIProduction.test_pause_and_restart_space.yaml")
	c, _ := newTestClient(t, rs.url, WithToken(writeToken))
	ctx := t.Context()
	const id = "user/tmp_test_space"
	stages := []string{}
	for _, step := range []func() (*SpaceRuntime, error){
		func() (*SpaceRuntime, error) { return c.SpaceRuntime(ctx, id) },
		func() (*SpaceRuntime, error) { return c.PauseSpace(ctx, id) },
		func() (*SpaceRuntime, error) { return c.RestartSpace(ctx, id, nil) },
		func() (*SpaceRuntime, error) { return c.SpaceRuntime(ctx, id) },
	} {
		rt, err := step()
		if err != nil {
			t.Fatal(err)
		}
		if rt.RequestedHardware() != "cpu-basic" {
			t.Errorf("requested hardware = %q", rt.RequestedHardware())
		}
		stages = append(stages, rt.Stage)
	}
	if got := strings.Join(stages, " "); got != "BUILDING PAUSED BUILDING BUILDING" {
		t.Errorf("stages = %s", got)
	}
}

func TestReplayManageSecrets(t *testing.T) {
	rs := newReplayServer(t, "TestSpaceAPIProduction.test_manage_secrets.yaml")
	c, _ := newTestClient(t, rs.url, WithToken(writeToken))
	ctx := t.Context()
	const id = "user/tmp_test_space"
	for _, s := range []struct{ key, value, desc string }{
		{"foo", "123", ""}, {"token", "hf_api_123456", ""}, {"gh_api_key", "******", ""},
		{"bar", "123", "This is a secret"}, {"foo", "456", ""}, {"foo", "789", "This is a secret"},
		{"bar", "456", "This is another secret"},
	} {
		if err := c.AddSpaceSecret(ctx, id, s.key, s.value, &SpaceKeyOptions{Description: s.desc}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"gh_api_key", "missing_key"} {
		if err := c.DeleteSpaceSecret(ctx, id, k); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplayManageVariables(t *testing.T) {
	rs := newReplayServer(t, "TestSpaceAPIProduction.test_manage_variables.yaml")
	c, _ := newTestClient(t, rs.url, WithToken(writeToken))
	ctx := t.Context()
	const id = "user/tmp_test_space"
	vars, err := c.SpaceVariables(ctx, id)
	if err != nil || len(vars) != 0 {
		t.Fatalf("SpaceVariables = %+v, %v", vars, err)
	}
	for _, v := range []struct{ key, value, desc string }{
		{"foo", "123", ""}, {"MODEL_REPO_ID", "user/repo", ""}, {"MODEL_PAPER", "arXiv", "found it there"},
		{"foo", "456", ""}, {"foo", "456", "updated description"},
	} {
		got, err := c.AddSpaceVariable(ctx, id, v.key, v.value, &SpaceKeyOptions{Description: v.desc})
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for i < len(got) && got[i].Key != v.key {
			i++
		}
		if i == len(got) || got[i].Value != v.value || got[i].Description != v.desc || got[i].UpdatedAt == nil {
			t.Errorf("after adding %s: %+v", v.key, got)
		}
	}
	for _, k := range []string{"gh_api_key", "missing_key"} {
		if got, err := c.DeleteSpaceVariable(ctx, id, k); err != nil || len(got) != 3 {
			t.Fatalf("DeleteSpaceVariable(%s) = %+v, %v", k, got, err)
		}
	}
	vars, err = c.SpaceVariables(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"MODEL_PAPER": "arXiv|found it there|2025-03-07T12:24:19.337Z", "MODEL_REPO_ID": "user/repo||2025-03-07T12:24:19.14Z",
		"foo": "456|updated description|2025-03-07T12:24:19.875Z"}
	if len(vars) != len(want) {
		t.Fatalf("variables = %+v", vars)
	}
	for _, v := range vars {
		if got := v.Value + "|" + v.Description + "|" + v.UpdatedAt.Format(time.RFC3339Nano); got != want[v.Key] {
			t.Errorf("%s = %s, want %s", v.Key, got, want[v.Key])
		}
	}
}

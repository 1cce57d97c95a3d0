package hfhub

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(p *SyncPlan) string {
	var out []string
	for _, op := range p.Operations {
		out = append(out, op.Action+":"+op.Path)
	}
	return strings.Join(out, " ")
}

// commitsOf counts the commit requests in the hub's log.
func commitsOf(hub *hubtest.Server) int {
	n := 0
	for _, r := range hub.Requests() {
		if r.Method == "POST" && strings.Contains(r.Path, "/commit/") {
			n++
		}
	}
	return n
}

func TestSyncRoundTrip(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/sync", Files: map[string][]byte{"keep.txt": []byte("remote only")}}))
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	ctx := t.Context()
	src := t.TempDir()
	big := strings.Repeat("L", 2<<20)
	writeTree(t, src, map[string]string{"a.txt": "a", "sub/b.txt": "b", "sub/deep/c.bin": big, "skip.log": "log"})
	dst := "hf://acme/sync/data"

	// 1. local -> repo: one commit, the plan printed first.
	hub.ResetRequests()
	res, err := c.Sync(ctx, src, dst, &SyncOptions{Exclude: []string{"*.log"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Plan); got != "upload:a.txt upload:sub/b.txt upload:sub/deep/c.bin" {
		t.Errorf("plan = %s", got)
	}
	if res.Commit == nil || res.Commit.Empty || commitsOf(hub) != 1 {
		t.Fatalf("commit = %+v, %d commit requests; want one", res.Commit, commitsOf(hub))
	}
	fsys, err := c.OpenFS(ctx, "acme/sync", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fsys.ReadFile("data/sub/deep/c.bin"); string(b) != big {
		t.Error("data/sub/deep/c.bin differs on the Hub")
	}
	if _, err := fsys.Stat("data/skip.log"); err == nil {
		t.Error("excluded skip.log was uploaded")
	}

	// 2. The same sync again sends nothing: no commit, no upload.
	hub.ResetRequests()
	res, err = c.Sync(ctx, src, dst, &SyncOptions{Exclude: []string{"*.log"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Changes() || res.Commit != nil {
		t.Errorf("second sync: plan %s, commit %+v; want only skips", actions(res.Plan), res.Commit)
	}
	for _, r := range hub.Requests() {
		if r.Method != "GET" {
			t.Errorf("second sync sent %s %s", r.Method, r.Path)
		}
	}

	// 3. Change, add and delete locally; --delete removes on the Hub, in one commit.
	os.Remove(filepath.Join(src, "sub", "b.txt"))
	writeTree(t, src, map[string]string{"a.txt": "A", "new/n.txt": "n"})
	hub.ResetRequests()
	res, err = c.Sync(ctx, src, dst, &SyncOptions{Delete: true, Exclude: []string{"*.log"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res.Plan); got != "upload:a.txt upload:new/n.txt delete:sub/b.txt skip:sub/deep/c.bin" {
		t.Errorf("plan = %s", got)
	}
	if commitsOf(hub) != 1 {
		t.Errorf("%d commits, want 1", commitsOf(hub))
	}

	// 4. repo -> local, with includes; then --delete on the local side.
	out := t.TempDir()
	writeTree(t, out, map[string]string{"stale.txt": "old", "a.txt": "stale"})
	res, err = c.Sync(ctx, dst, out, &SyncOptions{Include: []string{"*.txt"}, Delete: true})
	if err != nil {
		t.Fatal(err)
	}
	got := readTree(t, out)
	want := map[string]string{"a.txt": "A", "new/n.txt": "n"}
	if len(got) != len(want) || got["a.txt"] != "A" || got["new/n.txt"] != "n" {
		t.Errorf("local after sync = %v, want %v (plan %s)", got, want, actions(res.Plan))
	}
	// Everything, then again: nothing is fetched.
	if _, err := c.Sync(ctx, dst, out, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "sub", "deep", "c.bin")); string(b) != big {
		t.Error("c.bin differs locally")
	}
	hub.ResetRequests()
	res, err = c.Sync(ctx, dst, out, nil)
	if err != nil || res.Plan.Changes() {
		t.Fatalf("second download sync: %v, plan %s", err, actions(res.Plan))
	}
	if n := hub.BodyBytes(); n > 4096 {
		t.Errorf("second download sync: the server sent %d bytes (listing only expected)", n)
	}
}

func TestSyncFlags(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/flags", Files: map[string][]byte{"same.txt": []byte("s"), "old.txt": []byte("11"), "gone.txt": []byte("g"), "eq.txt": []byte("ab")}}))
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	ctx := t.Context()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"same.txt": "s", "old.txt": "22", "new.txt": "n", "eq.txt": "xy"})
	plan, err := c.PlanSync(ctx, dir, "hf://acme/flags", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(plan); got != "upload:eq.txt upload:new.txt upload:old.txt skip:same.txt" {
		t.Errorf("default plan = %s", got)
	}
	for _, op := range plan.Operations {
		if op.Path == "eq.txt" && op.Reason != "content differs" || op.Path == "old.txt" && op.Reason != "content differs" || op.Path == "same.txt" && op.Reason != "identical" {
			t.Errorf("%s: reason %q", op.Path, op.Reason)
		}
	}
	for _, tc := range []struct {
		name string
		opts SyncOptions
		want string
	}{
		{"ignore-times", SyncOptions{IgnoreTimes: true}, "skip:eq.txt upload:new.txt skip:old.txt skip:same.txt"},
		{"existing", SyncOptions{Existing: true}, "upload:eq.txt skip:new.txt upload:old.txt skip:same.txt"},
		{"ignore-existing", SyncOptions{IgnoreExisting: true}, "skip:eq.txt upload:new.txt skip:old.txt skip:same.txt"},
		{"delete+include", SyncOptions{Delete: true, Include: []string{"g*", "s*"}}, "delete:gone.txt skip:same.txt"},
		{"filter rules", SyncOptions{FilterRules: []SyncFilterRule{{Pattern: "new*"}, {Include: true, Pattern: "*"}}}, "upload:eq.txt upload:old.txt skip:same.txt"},
	} {
		plan, err := c.PlanSync(ctx, dir, "hf://acme/flags", &tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := actions(plan); got != tc.want {
			t.Errorf("%s: plan = %s, want %s", tc.name, got, tc.want)
		}
	}

	// The plan file round-trips and applies.
	var buf bytes.Buffer
	if _, err := plan.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `{"type":"header","source":`) {
		t.Errorf("plan file starts %q", buf.String()[:40])
	}
	back, err := ReadSyncPlan(&buf)
	if err != nil || actions(back) != actions(plan) || back.Source != dir {
		t.Fatalf("ReadSyncPlan = %+v, %v", back, err)
	}
	if _, err := c.ApplySync(ctx, back, nil); err != nil {
		t.Fatal(err)
	}
	after, err := c.PlanSync(ctx, dir, "hf://acme/flags", nil)
	if err != nil || after.Changes() {
		t.Errorf("after applying: %s, %v", actions(after), err)
	}

	// Bad input.
	for _, tc := range []struct {
		src, dst string
		opts     SyncOptions
	}{
		{dir, t.TempDir(), SyncOptions{}},
		{dir, "hf://acme/flags", SyncOptions{IgnoreTimes: true, IgnoreSizes: true}},
		{dir, "hf://acme/flags", SyncOptions{Existing: true, IgnoreExisting: true}},
		{dir, "hf://acme/flags/same.txt", SyncOptions{}},
		{"hf://acme/flags/nope", dir, SyncOptions{}},
		{filepath.Join(dir, "missing"), "hf://acme/flags", SyncOptions{}},
		{dir, "hf://acme/flags@" + strings.Repeat("a", 40), SyncOptions{}},
	} {
		if _, err := c.PlanSync(ctx, tc.src, tc.dst, &tc.opts); !errors.Is(err, ErrValidation) && !errors.Is(err, ErrEntryNotFound) && !errors.Is(err, ErrRevisionNotFound) {
			t.Errorf("PlanSync(%s, %s, %+v) = %v, want a validation error", tc.src, tc.dst, tc.opts, err)
		}
	}
}

// A destination that moved after the plan was computed is not overwritten.
func TestSyncConflict(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/race", Files: map[string][]byte{"x.txt": []byte("x")}}))
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"x.txt": "mine"})
	plan, s, d, err := c.planSync(t.Context(), dir, "hf://acme/race", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Commit("model", "acme/race", "main", "theirs", map[string][]byte{"y.txt": []byte("y")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.applySync(t.Context(), plan, s, d, nil); !errors.Is(err, ErrCommitConflict) {
		t.Errorf("sync after a concurrent commit = %v, want ErrCommitConflict", err)
	}
}

package hfhub

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUploadEvery runs scheduled rounds against the hub: the first commits
// every file, later ones only what changed (a file edited on the Hub
// meanwhile is not overwritten by an unchanged local copy), and the stop
// makes a last round.
func TestUploadEvery(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "a1")
	write("skip.log", "x")

	type round struct {
		info *CommitInfo
		err  error
	}
	rounds := make(chan round, 100)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- c.UploadEvery(ctx, "alice/repo", dir, &UploadEveryOptions{
			UploadFolderOptions: UploadFolderOptions{PathInRepo: "logs", IgnorePatterns: []string{"*.log"}},
			Every:               5 * time.Millisecond,
			OnRound:             func(info *CommitInfo, err error) { rounds <- round{info, err} },
		})
	}()
	// next waits for the next round that committed something.
	next := func() *CommitInfo {
		t.Helper()
		for r := range rounds {
			if r.err != nil {
				t.Fatalf("round failed: %v", r.err)
			}
			if r.info != nil {
				return r.info
			}
		}
		t.Fatal("rounds ended")
		return nil
	}
	if info := next(); info.Empty || info.OID == "" {
		t.Fatalf("first round: %+v", info)
	}
	if got := string(fetch(t, c, RepoModel, "alice/repo", "main", "logs/a.txt")); got != "a1" {
		t.Fatalf("logs/a.txt = %q", got)
	}
	// Edit a.txt on the Hub; locally only b.txt changes.
	if _, err := hub.Commit("model", "alice/repo", "main", "edit", map[string][]byte{"logs/a.txt": []byte("remote")}, nil); err != nil {
		t.Fatal(err)
	}
	write("b.txt", "b1")
	next()
	if got := string(fetch(t, c, RepoModel, "alice/repo", "main", "logs/a.txt")); got != "remote" {
		t.Errorf("an unchanged file was uploaded again: logs/a.txt = %q", got)
	}
	if got := string(fetch(t, c, RepoModel, "alice/repo", "main", "logs/b.txt")); got != "b1" {
		t.Errorf("logs/b.txt = %q", got)
	}
	// Written just before the stop: the last round takes it.
	write("c.txt", "c1")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("UploadEvery after cancel: %v", err)
	}
	if got := string(fetch(t, c, RepoModel, "alice/repo", "main", "logs/c.txt")); got != "c1" {
		t.Errorf("logs/c.txt = %q: the last round did not run", got)
	}
	files, err := c.ListRepoFiles(t.Context(), "alice/repo", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "logs/skip.log" {
			t.Error("an ignored file was uploaded")
		}
	}
}

func TestUploadEveryRefuses(t *testing.T) {
	hub := newWriteHub(t)
	c := newWriteClient(t, hub, WithToken(writeToken))
	dir := t.TempDir()
	for _, o := range []*UploadEveryOptions{
		{UploadFolderOptions: UploadFolderOptions{DeletePatterns: []string{"*"}}},
		{UploadFolderOptions: UploadFolderOptions{CommitOptions: CommitOptions{CreatePR: true}}},
		{Every: -time.Second},
	} {
		if err := c.UploadEvery(t.Context(), "alice/repo", dir, o); !errors.Is(err, ErrValidation) {
			t.Errorf("%+v: %v, want ErrValidation", o, err)
		}
	}
	// A missing folder or repo is not retried for ever.
	if err := c.UploadEvery(t.Context(), "alice/repo", filepath.Join(dir, "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o644)
	if err := c.UploadEvery(t.Context(), "alice/nope", dir, nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("missing repo: %v", err)
	}
}

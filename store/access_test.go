package store

import (
	"context"
	"errors"
	"testing"
)

func TestSetAccess(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepo(ctx, Model, "acme/g", CreateOptions{Gated: "manual"}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Repo(Model, "acme/g")
	if err := s.SetAccess(ctx, Model, "acme/g", "bob", AccessAccepted); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAccess(ctx, Model, "acme/g", "amy", AccessRejected); err != nil {
		t.Fatal(err)
	}
	info, _ := s.Repo(Model, "acme/g")
	if !info.HasAccess("bob") || info.HasAccess("amy") || info.HasAccess("carol") || before.HasAccess("bob") {
		t.Fatalf("access = %+v (before %+v)", info.Access, before.Access)
	}
	if err := s.SetAccess(ctx, Model, "acme/g", "bob", AccessRejected); err != nil {
		t.Fatal(err)
	}
	if !info.HasAccess("bob") {
		t.Fatal("a RepoInfo handed out earlier changed under its holder")
	}
	list, _ := s.AccessRequests(Model, "acme/g", AccessRejected)
	if len(list) != 2 || list[0].User != "amy" || list[1].User != "bob" || list[0].Time.IsZero() {
		t.Fatalf("rejected = %+v", list)
	}
	for _, bad := range []struct {
		user string
		st   AccessStatus
	}{{"", AccessAccepted}, {"a b", AccessAccepted}, {"-x", AccessAccepted}, {"bob", "maybe"}} {
		if err := s.SetAccess(ctx, Model, "acme/g", bad.user, bad.st); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetAccess(%q, %q) = %v, want ErrInvalid", bad.user, bad.st, err)
		}
	}
	if err := s.SetAccess(ctx, Model, "acme/none", "bob", AccessAccepted); !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("missing repo: %v", err)
	}
}

package hfhub

import (
	"testing"

	"github.com/hfhub-go/hfhub/hfuri"
)

func TestURIRepoType(t *testing.T) {
	for _, rt := range []RepoType{RepoModel, RepoDataset, RepoSpace, RepoKernel} {
		u, err := hfuri.Parse(RepoURI(rt, "org/name", "refs/pr/1", "a/b.txt").String())
		if err != nil {
			t.Fatal(err)
		}
		if got := URIRepoType(u); got != rt || u.Revision != "refs/pr/1" || u.Path != "a/b.txt" {
			t.Errorf("%v: round trip gave %v %+v", rt, got, u)
		}
	}
	if got := URIRepoType(hfuri.URI{Kind: hfuri.KindBucket, ID: "o/b"}); got != RepoModel {
		t.Errorf("bucket: %v", got)
	}
}

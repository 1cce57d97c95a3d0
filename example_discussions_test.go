package hfhub_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hfhub-go/hfhub"
)

// A review loop: open a pull request with a commit, comment, merge, list.
func ExampleClient_MergePullRequest() {
	hub, c, home := newUploadExampleHub()
	defer hub.Close()
	defer os.RemoveAll(home)
	ctx := context.Background()
	if _, err := c.CreateRepo(ctx, "acme/tiny", nil); err != nil {
		log.Fatal(err)
	}
	info, err := c.CreateCommit(ctx, "acme/tiny", []hfhub.CommitOperation{
		hfhub.AddFromBytes("README.md", []byte("# tiny\n")),
	}, &hfhub.CommitOptions{Message: "Add a model card", CreatePR: true})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.CommentDiscussion(ctx, "acme/tiny", info.PullRequestNum, "Looks good", nil); err != nil {
		log.Fatal(err)
	}
	if err := c.MergePullRequest(ctx, "acme/tiny", info.PullRequestNum, nil); err != nil {
		log.Fatal(err)
	}
	for d, err := range c.ListDiscussions(ctx, "acme/tiny", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.Num, d.Title, d.Status, d.GitReference())
	}
	// Output:
	// 1 Add a model card merged refs/pr/1
}

package hfhub_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/hfhub-go/hfhub"
)

func ExampleClient_SuperSquashHistory() {
	hub, c, home := newUploadExampleHub()
	defer hub.Close()
	defer os.RemoveAll(home)
	ctx := context.Background()
	if _, err := c.CreateRepo(ctx, "acme/squashed", nil); err != nil {
		log.Fatal(err)
	}
	for _, v := range []string{"1", "2", "3"} {
		op := hfhub.AddFromBytes("v"+v+".txt", []byte(v))
		if _, err := c.CreateCommit(ctx, "acme/squashed", []hfhub.CommitOperation{op}, &hfhub.CommitOptions{Message: "v" + v}); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := c.SuperSquashHistory(ctx, "acme/squashed", &hfhub.SuperSquashOptions{Message: "One commit"}); err != nil {
		log.Fatal(err)
	}
	commits, err := hfhub.Collect(c.ListRepoCommits(ctx, "acme/squashed", nil))
	if err != nil {
		log.Fatal(err)
	}
	files, _ := c.ListRepoFiles(ctx, "acme/squashed", nil)
	fmt.Println(len(commits), commits[0].Title, files)
	// Output:
	// 1 One commit [.gitattributes v1.txt v2.txt v3.txt]
}

func ExampleClient_ValidateRepoCard() {
	hub, c, home := newUploadExampleHub()
	defer hub.Close()
	defer os.RemoveAll(home)
	_, err := c.ValidateRepoCard(context.Background(), "---\nlicense: mit\ntags: 3\n---\n# My model\n", hfhub.RepoModel)
	if me, ok := errors.AsType[*hfhub.CardMetadataError](err); ok {
		fmt.Println(me.Errors)
	}
	// Output:
	// ["tags" must be an array]
}

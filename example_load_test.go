package hfhub_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
)

// LoadDataset streams a split's rows without downloading its files whole;
// Select, Shuffle, Shard, Skip and Take shape the stream.
func ExampleClient_LoadDataset() {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/reviews", Files: map[string][]byte{
		"data/train.jsonl": []byte("{\"text\":\"great\",\"label\":1}\n{\"text\":\"awful\",\"label\":0}\n{\"text\":\"fine\",\"label\":1}\n"),
		"data/test.jsonl":  []byte("{\"text\":\"superb\",\"label\":1}\n"),
	}}))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()
	home, err := os.MkdirTemp("", "hfhub-example-*")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithHFHome(home), hfhub.WithAnonymous())
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()

	ds, err := c.LoadDataset(ctx, "acme/reviews", "", "train", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.Config, ds.Split, ds.Files, ds.Format)
	type review struct {
		Text  string `row:"text"`
		Label int    `row:"label"`
	}
	for row, err := range ds.Skip(1).Rows(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		var r review
		if err := row.Decode(&r); err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Text, r.Label)
	}
	// Output:
	// default train [data/train.jsonl] jsonl
	// awful 0
	// fine 1
}

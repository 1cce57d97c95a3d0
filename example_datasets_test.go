package hfhub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/viewer/viewertest"
)

// datasetCard declares two configs with explicit data files and the row
// counts of the English one, as the Hub's dataset cards do.
const datasetCard = `---
license: cc-by-4.0
pretty_name: Tiny reviews
configs:
- config_name: en
  default: true
  data_files:
  - split: train
    path: en/train-*.csv
  - split: test
    path: en/test.csv
- config_name: fr
  data_files: fr/*.csv
dataset_info:
- config_name: en
  splits:
  - name: train
    num_examples: 4
  - name: test
    num_examples: 2
---
# Tiny reviews

Movie reviews with a sentiment label.
`

// modelCard is a model README with metadata and evaluation results.
const modelCard = `---
license: apache-2.0
language: [en, fr]
library_name: transformers
pipeline_tag: text-classification
base_model: acme/tiny-bert
datasets: [acme/reviews]
tags: [sentiment]
model-index:
- name: tiny-sentiment
  results:
  - task:
      type: text-classification
    dataset:
      name: Tiny reviews
      type: acme/reviews
    metrics:
    - type: accuracy
      value: 0.91
---
# tiny-sentiment

A small sentiment classifier.
`

// datasetsExampleHub starts a Hub with a dataset and a model that have
// cards, and a client with its own temporary HF_HOME. Call the returned
// function when done.
func datasetsExampleHub() (*hfhub.Client, func()) {
	hub, err := hubtest.Listen("127.0.0.1:0",
		hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/reviews", Files: map[string][]byte{
			"README.md":        []byte(datasetCard),
			"en/train-0.csv":   []byte("text,label\ngreat,1\nawful,0\n"),
			"en/train-1.csv":   []byte("text,label\nfine,1\nboring,0\n"),
			"en/test.csv":      []byte("text,label\nsuperb,1\nbad,0\n"),
			"fr/critiques.csv": []byte("text,label\nsuperbe,1\n"),
		}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny-sentiment", Files: map[string][]byte{
			"README.md":   []byte(modelCard),
			"config.json": []byte(`{"model_type":"bert"}`),
		}}),
	)
	if err != nil {
		log.Fatal(err)
	}
	home, err := os.MkdirTemp("", "hfhub-example-*")
	if err != nil {
		log.Fatal(err)
	}
	c, err := hfhub.New(hfhub.WithEndpoint(hub.URL), hfhub.WithHFHome(home), hfhub.WithAnonymous())
	if err != nil {
		log.Fatal(err)
	}
	return c, func() {
		c.CloseIdleConnections()
		hub.Close()
		os.RemoveAll(home)
	}
}

func ExampleClient_Dataset() {
	c, done := datasetsExampleHub()
	defer done()
	ctx := context.Background()

	// One call lists the repository and reads its card; every question
	// about configs, splits and data files is then answered from it.
	d, err := c.Dataset(ctx, "acme/reviews", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.ID, len(d.Commit), d.Card.Data.PrettyName)
	fmt.Println("loader:", d.Layout.Loader, "default:", d.Layout.Default)
	for _, config := range d.Configs() {
		splits, err := d.Splits(config)
		if err != nil {
			log.Fatal(err)
		}
		for _, s := range splits {
			fmt.Println(config, s.Name, s.Files, s.NumExamples)
		}
	}
	// Output:
	// acme/reviews 40 Tiny reviews
	// loader: csv default: en
	// en train [en/train-0.csv en/train-1.csv] 4
	// en test [en/test.csv] 2
	// fr train [fr/critiques.csv] -1
}

func ExampleClient_DatasetFiles() {
	c, done := datasetsExampleHub()
	defer done()
	ctx := context.Background()

	// The files load_dataset("acme/reviews", split="train") reads: ""
	// names the default config.
	files, err := c.DatasetFiles(ctx, "acme/reviews", "", "train", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(files)

	configs, err := c.DatasetConfigs(ctx, "acme/reviews", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(configs)
	files, err = c.DatasetFiles(ctx, "acme/reviews", "fr", "train", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(files)
	// Output:
	// [en/train-0.csv en/train-1.csv]
	// [en fr]
	// [fr/critiques.csv]
}

func ExampleClient_ModelCard() {
	c, done := datasetsExampleHub()
	defer done()

	mc, err := c.ModelCard(context.Background(), "acme/tiny-sentiment", nil)
	if err != nil {
		log.Fatal(err)
	}
	d := mc.Data
	fmt.Println(d.License, d.Language, d.LibraryName, d.PipelineTag)
	fmt.Println(d.BaseModel, d.Datasets, d.Tags)
	for _, r := range d.EvalResults() {
		fmt.Println(r.ModelName, r.DatasetType, r.MetricType, r.MetricValue)
	}
	fmt.Print(mc.Body)
	// Output:
	// apache-2.0 [en fr] transformers text-classification
	// [acme/tiny-bert] [acme/reviews] [sentiment]
	// tiny-sentiment acme/reviews accuracy 0.91
	// # tiny-sentiment
	//
	// A small sentiment classifier.
}

func ExampleClient_Viewer() {
	// The viewer's address follows the Hub's: the public viewer for
	// huggingface.co, datasets-server.<host> for another Hub.
	for _, ep := range []string{"https://huggingface.co", "https://hub.example.com"} {
		c, err := hfhub.New(hfhub.WithEndpoint(ep), hfhub.WithAnonymous())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.Viewer().Endpoint())
	}

	// A stand-in viewer on loopback that answers every request with the
	// real service's recorded /rows answer for stanfordnlp/imdb (rows 234
	// to 236 of the train split).
	rows, err := viewertest.Example("/rows", http.StatusOK, "A slice of a simple dataset (stanfordnlp/imdb)")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rows.Status)
		_, _ = w.Write(rows.Body) // the client may have gone; nothing to do
	}))
	defer srv.Close()

	c, err := hfhub.New(hfhub.WithEndpoint("https://hub.example.com"), hfhub.WithAnonymous())
	if err != nil {
		log.Fatal(err)
	}
	// ViewerAt chooses the address; Viewer derives it.
	page, err := c.ViewerAt(srv.URL).Rows(context.Background(), "stanfordnlp/imdb", "plain_text", "train", 234, 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows in the split:", page.NumRowsTotal)
	for _, f := range page.Features {
		fmt.Println("column", f.Name, string(f.Type))
	}
	for _, r := range page.Rows {
		var text string
		if err := json.Unmarshal(r.Row["text"], &text); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("row %d label %s: %.20s...\n", r.Index, r.Row["label"], text)
	}
	// Output:
	// https://datasets-server.huggingface.co
	// https://datasets-server.hub.example.com
	// rows in the split: 25000
	// column text {"_type":"Value","dtype":"string"}
	// column label {"_type":"ClassLabel","names":["neg","pos"]}
	// row 234 label 0: Well, you know the r...
	// row 235 label 0: I'm in Iraq right no...
	// row 236 label 0: "Valentine" is anoth...
}

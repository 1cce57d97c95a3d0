package hfuri_test

import (
	"fmt"

	"github.com/hfhub-go/hfhub/hfuri"
)

func ExampleParse() {
	u, err := hfuri.Parse("hf://datasets/my-org/my-data@refs/pr/3/train/part-0.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Kind, u.RepoType, u.ID, u.Revision, u.Path)
	fmt.Println(u)
	fmt.Println(u.WebURL(""))
	// Output:
	// repo dataset my-org/my-data refs/pr/3 train/part-0.parquet
	// hf://datasets/my-org/my-data@refs/pr/3/train/part-0.parquet
	// https://huggingface.co/datasets/my-org/my-data/blob/refs/pr/3/train/part-0.parquet
}

func ExampleParse_error() {
	_, err := hfuri.Parse("hf://dataset/my-org/my-data")
	fmt.Println(err)
	// Output:
	// invalid hf:// URI "hf://dataset/my-org/my-data": the type prefix is plural: write "datasets/", not "dataset/"
}

func ExampleSplitTypePrefix() {
	rt, id, ok := hfuri.SplitTypePrefix("spaces/my-user/my-app")
	fmt.Println(rt, id, ok)
	// Output: space my-user/my-app true
}

package exhub

import (
	"context"
	"errors"
	"os"
	"slices"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/card"
	"github.com/hfhub-go/hfhub/dataset"
)

// DatasetLayout resolves the configs, splits and data files of a dataset
// repo the way the Python datasets library does: from its file list and
// its card (README.md), with the dataset package. It reads no data file.
func (h *Hub) DatasetLayout(ctx context.Context, id string) (*dataset.Layout, error) {
	ropts := &hfhub.RepoOptions{RepoType: hfhub.RepoDataset}
	files, err := h.Client.ListRepoFiles(ctx, id, ropts)
	if err != nil {
		return nil, err
	}
	in := dataset.Input{Files: files}
	for _, name := range []string{"README.md", ".huggingface.yaml", "dataset_infos.json"} {
		if !slices.Contains(files, name) {
			continue
		}
		path, err := h.Client.Download(ctx, id, name, &hfhub.DownloadOptions{RepoType: hfhub.RepoDataset})
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		switch name {
		case "README.md":
			c, err := card.ParseDataset(b)
			if err != nil {
				return nil, errors.Join(errors.New("dataset card"), err)
			}
			in.Card = &c.Data
		case ".huggingface.yaml":
			in.RepoYAML = b
		default:
			in.DatasetInfos = b
		}
	}
	return dataset.Resolve(in)
}

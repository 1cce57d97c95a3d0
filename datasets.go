package hfhub

import (
	"context"
	"fmt"
	"slices"

	"github.com/hfhub-go/hfhub/card"
	"github.com/hfhub-go/hfhub/dataset"
)

// DatasetOptions configures the dataset discovery calls. A nil pointer
// means the main branch.
type DatasetOptions struct {
	// Revision is a branch, tag or commit; empty means "main".
	Revision string
}

func (o *DatasetOptions) revision() string {
	if o == nil {
		return ""
	}
	return o.Revision
}

// Dataset is a dataset repository resolved at one commit: its card and
// its configs, splits and data files as the Python datasets library sees
// them. It is built by [Client.Dataset] and safe for concurrent reads.
type Dataset struct {
	// ID is the repository id.
	ID string
	// Commit is the commit the revision resolved to; every file is read
	// at this commit.
	Commit string
	// Files are all the files of the repository at Commit.
	Files []string
	// Card is the parsed README.md, nil when the repository has none.
	Card *card.DatasetCard
	// Layout is the configs, splits and data files.
	Layout *dataset.Layout
}

// Dataset resolves a dataset repository at a revision: it pins the
// revision to a commit, lists the tree once, reads README.md,
// .huggingface.yaml and dataset_infos.json when present (through the
// cache), and applies the datasets library's rules (see package dataset).
// It returns [ErrRepoNotFound], [ErrRevisionNotFound], or errors wrapping
// dataset.ErrInvalidMetadata, dataset.ErrEmptyDataset or
// dataset.ErrNoSupportedFiles when the datasets library would fail too.
func (c *Client) Dataset(ctx context.Context, id string, opts *DatasetOptions) (*Dataset, error) {
	// Only the commit is needed: the files come from one tree listing at it.
	info, err := c.DatasetInfo(ctx, id, &RepoInfoOptions{Revision: opts.revision(), Expand: []string{"sha"}})
	if err != nil {
		return nil, err
	}
	if info.SHA == "" {
		return nil, fmt.Errorf("dataset %s: the Hub did not say which commit %q is", id, revOrDefault(opts.revision()))
	}
	d := &Dataset{ID: id, Commit: info.SHA}
	if d.Files, err = c.ListRepoFiles(ctx, id, &RepoOptions{RepoType: RepoDataset, Revision: d.Commit}); err != nil {
		return nil, err
	}
	in := dataset.Input{Files: d.Files}
	if slices.Contains(d.Files, RepoCardName) {
		b, err := c.readRepoFile(ctx, id, RepoCardName, RepoDataset, d.Commit)
		if err != nil {
			return nil, err
		}
		if d.Card, err = card.ParseDataset(b); err != nil {
			return nil, fmt.Errorf("dataset %s: %s: %w", id, RepoCardName, err)
		}
		in.Card = &d.Card.Data
	}
	for name, dst := range map[string]*[]byte{".huggingface.yaml": &in.RepoYAML, "dataset_infos.json": &in.DatasetInfos} {
		if slices.Contains(d.Files, name) {
			if *dst, err = c.readRepoFile(ctx, id, name, RepoDataset, d.Commit); err != nil {
				return nil, err
			}
		}
	}
	if d.Layout, err = dataset.Resolve(in); err != nil {
		return nil, fmt.Errorf("dataset %s at %s: %w", id, d.Commit, err)
	}
	return d, nil
}

// Configs returns the config names, in order.
func (d *Dataset) Configs() []string { return d.Layout.ConfigNames() }

// Splits returns the splits of a config ("" for the default config).
func (d *Dataset) Splits(config string) ([]dataset.Split, error) { return d.Layout.Splits(config) }

// DataFiles returns the data files of one split of a config ("" for the
// default config), as repository paths at d.Commit.
func (d *Dataset) DataFiles(config, split string) ([]string, error) {
	return d.Layout.Files(config, split)
}

// DatasetConfigs returns the config names of a dataset, like the datasets
// library's get_dataset_config_names. See [Client.Dataset].
func (c *Client) DatasetConfigs(ctx context.Context, id string, opts *DatasetOptions) ([]string, error) {
	d, err := c.Dataset(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return d.Configs(), nil
}

// DatasetSplits returns the splits of a config ("" for the default), like
// get_dataset_split_names. See [Client.Dataset].
func (c *Client) DatasetSplits(ctx context.Context, id, config string, opts *DatasetOptions) ([]dataset.Split, error) {
	d, err := c.Dataset(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return d.Splits(config)
}

// DatasetFiles returns the data files of one split of a config, the files
// load_dataset(id, config, split=split) reads. See [Client.Dataset]; to
// ask about several configs or splits, call it once and use its methods so
// the tree is listed once.
func (c *Client) DatasetFiles(ctx context.Context, id, config, split string, opts *DatasetOptions) ([]string, error) {
	d, err := c.Dataset(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return d.DataFiles(config, split)
}

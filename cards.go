package hfhub

import (
	"context"
	"fmt"
	"os"

	"github.com/hfhub-go/hfhub/card"
)

// ModelCard downloads and parses the README.md of a model repository at
// opts.Revision (nil: main) through the cache, like
// huggingface_hub.ModelCard.load. A repository without README is
// [ErrEntryNotFound]; front matter that is not YAML is an error naming the
// line.
func (c *Client) ModelCard(ctx context.Context, id string, opts *RepoOptions) (*card.ModelCard, error) {
	b, err := c.readRepoFile(ctx, id, RepoCardName, RepoModel, opts.revision())
	if err != nil {
		return nil, err
	}
	mc, err := card.ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", id, RepoCardName, err)
	}
	return mc, nil
}

// DatasetCard downloads and parses the README.md of a dataset repository
// at opts.Revision (nil: main), like huggingface_hub.DatasetCard.load.
// opts.RepoType is ignored. A repository without README is
// [ErrEntryNotFound].
func (c *Client) DatasetCard(ctx context.Context, id string, opts *RepoOptions) (*card.DatasetCard, error) {
	b, err := c.readRepoFile(ctx, id, RepoCardName, RepoDataset, opts.revision())
	if err != nil {
		return nil, err
	}
	dc, err := card.ParseDataset(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", id, RepoCardName, err)
	}
	return dc, nil
}

// readRepoFile downloads a small file into the cache and returns its bytes.
func (c *Client) readRepoFile(ctx context.Context, id, name string, rt RepoType, rev string) ([]byte, error) {
	p, err := c.Download(ctx, id, name, &DownloadOptions{RepoType: rt, Revision: rev})
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the cached copy: %w", id, name, err)
	}
	return b, nil
}

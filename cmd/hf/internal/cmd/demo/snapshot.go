package demo

import (
	"context"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// snapshot downloads every file of a model repo into the cache
// ([hfhub.Client.Snapshot]) and returns the snapshot folder.
func snapshot(ctx context.Context, c *hfhub.Client, id string, prog *cmdutil.Progress) (string, error) {
	return c.Snapshot(ctx, id, &hfhub.SnapshotOptions{
		DownloadOptions: hfhub.DownloadOptions{Progress: prog.Observer()},
	})
}

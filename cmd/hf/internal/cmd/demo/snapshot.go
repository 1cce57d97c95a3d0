package demo

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// snapshot downloads every file of a model repo into the cache and returns
// the snapshot folder.
func snapshot(ctx context.Context, c *hfhub.Client, id string, prog *cmdutil.Progress) (string, error) {
	files, err := c.ListRepoFiles(ctx, id, nil)
	if err != nil {
		return "", err
	}
	dir := ""
	for _, f := range files {
		p, err := c.Download(ctx, id, f, &hfhub.DownloadOptions{Progress: prog.Observer()})
		if err != nil {
			return "", err
		}
		// p is snapshots/{commit}/{f}: the snapshot folder is what precedes f.
		dir = strings.TrimSuffix(strings.TrimSuffix(p, filepath.FromSlash(f)), string(filepath.Separator))
	}
	return dir, nil
}

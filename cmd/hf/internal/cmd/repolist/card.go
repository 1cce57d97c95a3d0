package repolist

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/card"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// CardOptions is everything `hf <noun> card` needs.
type CardOptions struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	Type           hfhub.RepoType
	RepoID         string
	Revision       string
	Metadata, Text bool
}

// NewCardCmd returns `hf <noun> card` for repos of type rt. A non-nil runF
// runs instead of the command's own run function.
func NewCardCmd(f *cmdutil.Factory, rt hfhub.RepoType, runF func(context.Context, *CardOptions) error) *cobra.Command {
	opts := &CardOptions{Printer: f.Printer, Client: f.Client, Type: rt}
	cmd := &cobra.Command{
		Use:   "card <repo-id>",
		Short: fmt.Sprintf("Show the card (README.md) of a %s", rt),
		Long: fmt.Sprintf(`Print the card of a %[1]s repo: its README.md as it is, only its metadata
(--metadata: the YAML front matter; with --format json, as a JSON object), or
only its text without the metadata (--text). The README comes through the
cache, so a second look works offline.`, rt),
		Example: fmt.Sprintf("  $ hf %[1]s card acme/some-repo\n  $ hf %[1]s card acme/some-repo --metadata --format json\n  $ hf %[1]s card acme/some-repo --text", rt.Plural()),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if opts.Metadata && opts.Text {
				return cmdutil.FlagErrorf("--metadata and --text are mutually exclusive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCard(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Metadata, "metadata", false, "print only the metadata (YAML front matter)")
	fl.BoolVar(&opts.Text, "text", false, "print only the text, without the metadata")
	fl.StringVar(&opts.Revision, "revision", "", "branch, tag or commit (default: the main branch; hf only)")
	return cmd
}

func runCard(ctx context.Context, opts *CardOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	path, err := c.Download(ctx, opts.RepoID, hfhub.RepoCardName, &hfhub.DownloadOptions{RepoType: opts.Type, Revision: opts.Revision})
	if err != nil {
		return err
	}
	readme, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	front, body, _ := card.Split(readme)
	p := opts.Printer()
	meta := map[string]any{}
	if len(front) > 0 {
		if err := yaml.Unmarshal(front, &meta); err != nil {
			return fmt.Errorf("%s %s: the metadata is not YAML: %w", opts.RepoID, hfhub.RepoCardName, err)
		}
	}
	switch {
	case p.IsJSON():
		doc := map[string]any{"metadata": meta, "text": string(body)}
		switch {
		case opts.Metadata:
			return p.JSON(meta)
		case opts.Text:
			doc = map[string]any{"text": string(body)}
		default:
			doc["content"] = string(readme)
		}
		return p.JSON(doc)
	case opts.Metadata:
		_, err = p.Writer().Write(front)
		if err == nil && len(front) > 0 && front[len(front)-1] != '\n' {
			p.Line("")
		}
		return err
	case opts.Text:
		_, err = p.Writer().Write(body)
		return err
	}
	if _, err := p.Writer().Write(readme); err != nil {
		return err
	}
	p.Infof("Use `hf %s card %s --metadata` to print only the metadata.", opts.Type.Plural(), opts.RepoID)
	return nil
}

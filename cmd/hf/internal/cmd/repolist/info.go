package repolist

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

// InfoOptions is everything `hf <noun> info` needs.
type InfoOptions struct {
	Printer func() *cmdutil.Printer
	Client  func() (*hfhub.Client, error)

	Type     hfhub.RepoType
	RepoID   string
	Revision string
	Expand   string
	Files    bool // --files-metadata: sizes of every file
}

// NewInfoCmd returns `hf <noun> info` for repos of type rt. A non-nil runF
// runs instead of the command's own run function.
func NewInfoCmd(f *cmdutil.Factory, rt hfhub.RepoType, runF func(context.Context, *InfoOptions) error) *cobra.Command {
	opts := &InfoOptions{Printer: f.Printer, Client: f.Client, Type: rt}
	cmd := &cobra.Command{
		Use:   "info <repo-id>",
		Short: fmt.Sprintf("Show information about a %s", rt),
		Long: fmt.Sprintf(`Show the main properties of a %[1]s repo and its files. With --format json,
print everything the Hub returned.`, rt),
		Example: fmt.Sprintf("  $ hf %[1]s info acme/some-repo\n  $ hf %[1]s info acme/some-repo --revision v1.0 --format json\n  $ hf %[1]s info acme/some-repo --expand downloads,likes,tags", rt.Plural()),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RepoID = args[0]
			if opts.Expand != "" && opts.Files {
				return cmdutil.FlagErrorf("--expand and --files-metadata cannot be combined: add siblings to --expand instead")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInfo(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Revision, "revision", "", "branch, tag or commit (default: the main branch)")
	fl.StringVar(&opts.Expand, "expand", "", "comma-separated `properties` to return (only those and id)")
	fl.BoolVar(&opts.Files, "files-metadata", false, "include the size of every file (hf only)")
	return cmd
}

func runInfo(ctx context.Context, opts *InfoOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ro := &hfhub.RepoInfoOptions{Revision: opts.Revision, FilesMetadata: opts.Files}
	if opts.Expand != "" {
		ro.Expand = splitComma(opts.Expand)
	}
	p := opts.Printer()
	var (
		raw      json.RawMessage
		v        any
		fields   [][2]string
		siblings []hfhub.RepoSibling
	)
	add := func(k, val string) {
		if val != "" {
			fields = append(fields, [2]string{k, val})
		}
	}
	switch opts.Type {
	case hfhub.RepoDataset:
		d, err := c.DatasetInfo(ctx, opts.RepoID, ro)
		if err != nil {
			return err
		}
		raw, v, siblings = d.Raw, d, d.Siblings
		add("id", d.ID)
		add("sha", d.SHA)
		add("author", d.Author)
		add("private", fmt.Sprint(d.Private))
		add("gated", gated(d.Gated))
		add("downloads", num(d.Downloads))
		add("likes", num(d.Likes))
		add("last modified", p.Time(deref(d.LastModified)))
		add("tags", strings.Join(d.Tags, ", "))
	case hfhub.RepoSpace:
		s, err := c.SpaceInfo(ctx, opts.RepoID, ro)
		if err != nil {
			return err
		}
		raw, v, siblings = s.Raw, s, s.Siblings
		add("id", s.ID)
		add("sha", s.SHA)
		add("author", s.Author)
		add("sdk", s.SDK)
		add("private", fmt.Sprint(s.Private))
		add("likes", num(s.Likes))
		add("last modified", p.Time(deref(s.LastModified)))
		add("tags", strings.Join(s.Tags, ", "))
	default:
		m, err := c.ModelInfo(ctx, opts.RepoID, ro)
		if err != nil {
			return err
		}
		raw, v, siblings = m.Raw, m, m.Siblings
		add("id", m.ID)
		add("sha", m.SHA)
		add("author", m.Author)
		add("private", fmt.Sprint(m.Private))
		add("gated", gated(m.Gated))
		add("pipeline", m.PipelineTag)
		add("library", m.LibraryName)
		add("downloads", num(m.Downloads))
		add("likes", num(m.Likes))
		add("last modified", p.Time(deref(m.LastModified)))
		if m.Safetensors != nil && m.Safetensors.Total > 0 {
			add("parameters", num(m.Safetensors.Total))
		}
		add("tags", strings.Join(m.Tags, ", "))
	}
	if p.IsJSON() {
		if raw != nil {
			return p.JSON(raw)
		}
		return p.JSON(v)
	}
	if len(siblings) > 0 {
		names := make([]string, 0, len(siblings))
		for _, s := range siblings {
			name := s.RFilename
			if s.Size > 0 || s.LFS != nil {
				name += " (" + cmdutil.HumanSize(s.Size) + ")"
			}
			names = append(names, name)
		}
		add("files", strings.Join(names, ", "))
	}
	return p.Fields(fields, v)
}

func gated(g hfhub.Gated) string {
	if g == hfhub.GatedNone {
		return "no"
	}
	return string(g)
}

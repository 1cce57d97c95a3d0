package spaces

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/cmd/hf/internal/cmdutil"
)

func newVolumesCmd(f *cmdutil.Factory) *cobra.Command {
	group := &cobra.Command{Use: "volumes <command>", Short: "List, set and delete the volumes mounted in a Space"}
	ls := &cobra.Command{
		Use: "ls <space-id>", Aliases: []string{"list"}, Short: "List the volumes of a Space", Args: cobra.ExactArgs(1),
		Example: "  $ hf spaces volumes ls acme/demo",
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			rt, err := c.SpaceRuntime(ctx, id)
			if err != nil {
				return err
			}
			vols := rt.Volumes
			if vols == nil {
				vols = []hfhub.Volume{}
			}
			rows := make([][]string, len(vols))
			for i, v := range vols {
				ro := "-"
				if v.ReadOnly != nil {
					ro = map[bool]string{true: "ro", false: "rw"}[*v.ReadOnly]
				}
				rows[i] = []string{v.MountPath, v.Type, v.Source, v.Revision, v.Path, ro}
			}
			return f.Printer().Table([]string{"MOUNT PATH", "TYPE", "SOURCE", "REVISION", "PATH", "MODE"}, rows, vols)
		}),
	}
	var specs []string
	set := &cobra.Command{
		Use: "set <space-id>", Short: "Set (replace) the volumes of a Space", Args: cobra.ExactArgs(1),
		Example: "  $ hf spaces volumes set acme/demo -v hf://models/acme/weights:/models\n  $ hf spaces volumes set acme/demo -v hf://buckets/acme/b:/data -v hf://datasets/acme/ds:/ds:ro",
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			vols, err := cmdutil.ParseVolumes(specs)
			if err != nil {
				return err
			}
			if len(vols) == 0 {
				return cmdutil.FlagErrorf("no volume given: pass -v hf://[TYPE/]SOURCE:/MOUNT_PATH (or use `hf spaces volumes delete`)")
			}
			if err := c.SetSpaceVolumes(ctx, id, vols); err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"space_id": id, "volumes": vols})
			}
			for _, v := range vols {
				p.Line("Mounted %s", volumeURI(v))
			}
			return nil
		}),
	}
	cmdutil.VolumeFlag(set, &specs)
	var yes bool
	del := &cobra.Command{
		Use: "delete <space-id>", Short: "Remove every volume of a Space", Args: cobra.ExactArgs(1),
		Example: "  $ hf spaces volumes delete acme/demo --yes",
		RunE: withClient(f, func(ctx context.Context, c *hfhub.Client, id string) error {
			if err := cmdutil.Confirm(f.IO, yes, "Remove all volumes of Space "+id+"?"); err != nil {
				return err
			}
			if err := c.DeleteSpaceVolumes(ctx, id); err != nil {
				return err
			}
			p := f.Printer()
			if p.IsJSON() {
				return p.JSON(map[string]any{"space_id": id, "deleted": true})
			}
			p.Line("Removed the volumes of Space %s", id)
			return nil
		}),
	}
	cmdutil.YesFlag(del, &yes)
	group.AddCommand(ls, set, del)
	return group
}

// volumeURI writes v as -v takes it.
func volumeURI(v hfhub.Volume) string {
	s := "hf://" + v.Type + "s/" + v.Source
	if v.Revision != "" {
		s += "@" + v.Revision
	}
	if v.Path != "" {
		s += "/" + v.Path
	}
	s += ":" + v.MountPath
	if v.ReadOnly != nil {
		s += map[bool]string{true: ":ro", false: ":rw"}[*v.ReadOnly]
	}
	return s
}
